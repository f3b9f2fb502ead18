import { MetricSeries } from '@inference-platform/plugin-inference-common';
import {
  UsageStore,
  WorkloadKey,
  WorkloadMetrics,
  WorkloadMetricsPoint,
} from '../database/UsageStore';

/** Id of a workload as the tracker derives it: `<cluster>/<namespace>/<kind>/<name>`. */
export function workloadIdOf(key: WorkloadKey): string {
  return `${key.cluster}/${key.namespace}/${key.workloadKind}/${key.workloadName}`;
}

/**
 * Recent serving metrics of every workload, read from the store (where the sampler writes them, on whichever
 * instance it ran) so each backend instance can answer page views and diagnose without scraping.
 */
export class MetricsCache {
  private byWorkload = new Map<string, WorkloadMetricsPoint[]>();

  constructor(
    private readonly store: UsageStore,
    private readonly windowMs: number = 30 * 60_000,
  ) {}

  async refresh(now: Date = new Date()): Promise<void> {
    const points = await this.store.listMetrics(
      new Date(now.getTime() - this.windowMs),
    );
    const byWorkload = new Map<string, WorkloadMetricsPoint[]>();
    for (const point of points) {
      const id = workloadIdOf(point);
      const list = byWorkload.get(id) ?? [];
      list.push(point);
      byWorkload.set(id, list);
    }
    this.byWorkload = byWorkload;
  }

  /** Newest metrics of a workload, with their time. */
  latest(workloadId: string): WorkloadMetricsPoint | undefined {
    const points = this.byWorkload.get(workloadId);
    return points?.[points.length - 1];
  }

  /** The recent points of a workload, oldest first (for the service-level checks). */
  points(workloadId: string): readonly WorkloadMetricsPoint[] {
    return this.byWorkload.get(workloadId) ?? [];
  }

  /** The recent points as the Prometheus-named series diagnosis reads. */
  series = (workloadId: string): MetricSeries[] | undefined => {
    const points = this.byWorkload.get(workloadId);
    if (!points?.length) return undefined;
    const series = (
      name: string,
      pick: (m: WorkloadMetrics) => number | undefined,
    ) => ({
      name,
      samples: points
        .map(p => ({ t: p.sampledAt.getTime(), value: pick(p.metrics) }))
        .filter(
          (s): s is { t: number; value: number } => s.value !== undefined,
        ),
    });
    return [
      series('vllm:kv_cache_usage_perc', m => m.kvCacheUsage),
      series('vllm:num_requests_waiting', m => m.requestsWaiting),
      series('vllm:num_requests_running', m => m.requestsRunning),
    ].filter(s => s.samples.length > 0);
  };
}

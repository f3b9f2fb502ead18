import { ServingSample } from '@inference-platform/plugin-inference-common';
import {
  UsageStore,
  WorkloadKey,
  WorkloadMetricsPoint,
} from '../database/UsageStore';

/** Id of a workload as the tracker derives it: `<cluster>/<namespace>/<kind>/<name>`. */
export function workloadIdOf(key: WorkloadKey): string {
  return `${key.cluster}/${key.namespace}/${key.workloadKind}/${key.workloadName}`;
}

/**
 * Recent serving metrics of every workload, under the one naming of WorkloadMetrics, read from the store (where the sampler writes them, on whichever
 * instance it ran) so each backend instance can answer page views and diagnose without scraping.
 */
export class MetricsCache {
  private byWorkload = new Map<string, WorkloadMetricsPoint[]>();
  private readonly listeners = new Set<() => void>();

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
    this.listeners.forEach(listener => listener());
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

  /** The recent points as serving samples (the same field names), oldest first, for the metric findings. */
  samples(workloadId: string): ServingSample[] {
    return this.points(workloadId).map(p => ({
      t: p.sampledAt.getTime(),
      kvCacheUsage: p.metrics.kvCacheUsage,
      requestsWaiting: p.metrics.requestsWaiting,
      requestsRunning: p.metrics.requestsRunning,
    }));
  }

  /** Called after a refresh brought new points; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

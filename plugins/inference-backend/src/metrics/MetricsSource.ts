import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import { WorkloadMetrics } from '../database/UsageStore';
import { PodInterval } from './podMetrics';

/** What a workload did over one sampling interval. */
export interface WorkloadInterval {
  metrics: WorkloadMetrics;
  requests: number;
  promptTokens: number;
  generationTokens: number;
  /** Mean utilisation of its GPUs (DCGM or the runtime), 0..1. */
  gpuUtilization?: number;
}

/**
 * Where serving and GPU metrics come from: Prometheus, or a direct scrape of the pods through the Kubernetes API.
 */
export interface MetricsSource {
  readonly name: string;
  /** Metrics of each workload over the window, by workload id; workloads without data are left out. */
  collect(
    workloads: InferenceWorkload[],
    window: { start: Date; end: Date },
  ): Promise<Map<string, WorkloadInterval>>;
}

function mean(values: Array<number | undefined>): number | undefined {
  const present = values.filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  return present.length
    ? present.reduce((a, b) => a + b, 0) / present.length
    : undefined;
}

function sum(values: Array<number | undefined>): number | undefined {
  const present = values.filter(
    (v): v is number => v !== undefined && Number.isFinite(v),
  );
  return present.length ? present.reduce((a, b) => a + b, 0) : undefined;
}

/** Folds the pods' intervals into the workload's: counters and queues add up, ratios average, TTFT takes the worst pod. */
export function aggregatePods(
  pods: PodInterval[],
  podGpuUtilization: Array<number | undefined> = [],
): WorkloadInterval {
  const requests = pods.reduce((a, p) => a + p.requests, 0);
  const failures = pods.reduce((a, p) => a + p.failures, 0);
  const promptTokens = pods.reduce((a, p) => a + p.promptTokens, 0);
  const generationTokens = pods.reduce((a, p) => a + p.generationTokens, 0);
  const seconds = Math.max(0, ...pods.map(p => p.seconds));
  const gpuUtilization = mean([
    ...podGpuUtilization,
    ...pods.map(p => p.gpuUtilization),
  ]);
  const kv = pods.map(p => p.kvCacheUsage);
  const ttft = pods
    .map(p => p.ttftP95Seconds)
    .filter((v): v is number => v !== undefined);
  return {
    requests,
    promptTokens,
    generationTokens,
    gpuUtilization,
    metrics: {
      requestsPerSecond: seconds > 0 ? requests / seconds : undefined,
      promptTokensPerSecond: seconds > 0 ? promptTokens / seconds : undefined,
      generationTokensPerSecond:
        seconds > 0 ? generationTokens / seconds : undefined,
      requestsRunning: sum(pods.map(p => p.running)),
      requestsWaiting: sum(pods.map(p => p.waiting)),
      kvCacheUsage: mean(kv),
      kvCacheUsageMax: kv.some(v => v !== undefined)
        ? Math.max(...kv.filter((v): v is number => v !== undefined))
        : undefined,
      ttftP95Seconds: ttft.length ? Math.max(...ttft) : undefined,
      errorRate:
        requests + failures > 0 ? failures / (requests + failures) : undefined,
      gpuUtilization,
    },
  };
}

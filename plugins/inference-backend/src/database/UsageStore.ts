/**
 * Identity of a workload across clusters.
 *
 * @public
 */
export interface WorkloadKey {
  cluster: string;
  namespace: string;
  workloadKind: string;
  workloadName: string;
}

/**
 * GPU allocation, utilisation and tokens of one workload over one sampling interval.
 *
 * @public
 */
export interface UsageSample extends WorkloadKey {
  entityRef?: string;
  ownerRef?: string;
  gpuType: string;
  /** Start of the interval, aligned to the sampler's cadence (so a re-run writes the same key). */
  intervalStart: Date;
  intervalSeconds: number;
  /** GPUs allocated to the workload's running pods during the interval. */
  gpusAllocated: number;
  /** Mean GPU utilisation 0..1; absent when no GPU metric was available. */
  gpuUtilization?: number;
  promptTokens: number;
  generationTokens: number;
  requests: number;
}

/**
 * Usage of one workload on one UTC day.
 *
 * @public
 */
export interface DailyUsage extends WorkloadKey {
  day: string;
  entityRef?: string;
  ownerRef?: string;
  gpuType: string;
  gpuHours: number;
  /** GPU-hours × (1 − utilisation), over the hours that had a utilisation metric. */
  idleGpuHours: number;
  /** GPU-hours that had a utilisation metric; idle share = idleGpuHours / measuredGpuHours. */
  measuredGpuHours: number;
  promptTokens: number;
  generationTokens: number;
  requests: number;
}

/**
 * Filter of usage queries: by entities, owner or workload, over a window of UTC days (inclusive).
 *
 * @public
 */
export interface UsageFilter {
  entityRefs?: string[];
  ownerRef?: string;
  cluster?: string;
  fromDay: string;
  toDay: string;
}

/**
 * Serving metrics of a workload at one time (undefined: not reported by its runtime).
 *
 * @public
 */
export interface WorkloadMetrics {
  requestsPerSecond?: number;
  promptTokensPerSecond?: number;
  generationTokensPerSecond?: number;
  requestsRunning?: number;
  requestsWaiting?: number;
  /** 0..1 */
  kvCacheUsage?: number;
  ttftP95Seconds?: number;
  /** Failed / all finished requests, 0..1. */
  errorRate?: number;
  /** Mean GPU utilisation of the workload's GPUs, 0..1. */
  gpuUtilization?: number;
  /** Largest KV-cache usage of one replica, 0..1. */
  kvCacheUsageMax?: number;
}

/**
 * Metrics of one workload at one sampling time.
 *
 * @public
 */
export interface WorkloadMetricsPoint extends WorkloadKey {
  sampledAt: Date;
  metrics: WorkloadMetrics;
}

/**
 * Usage history: raw samples and daily roll-ups.
 *
 * @public
 */
export interface UsageStore {
  /**
   * Stores samples (a sample already stored for the same workload and interval is kept, not duplicated) and
   * refreshes the daily roll-ups of the days they touch. Returns how many samples were new.
   */
  recordSamples(samples: UsageSample[]): Promise<number>;
  /** Daily usage rows matching the filter, oldest day first. */
  listDaily(filter: UsageFilter): Promise<DailyUsage[]>;
  /** Samples of the given entities since a time, oldest first (for hourly charts). */
  listSamples(filter: {
    entityRefs?: string[];
    ownerRef?: string;
    since: Date;
  }): Promise<UsageSample[]>;
  /** Stores metric points (a point already stored for the workload and time is kept). */
  recordMetrics(points: WorkloadMetricsPoint[]): Promise<void>;
  /** Metric points since a time, oldest first. */
  listMetrics(since: Date): Promise<WorkloadMetricsPoint[]>;
  /** Deletes samples, metric points and daily rows older than the retention windows; returns the counts deleted. */
  applyRetention(options: {
    now: Date;
    sampleRetentionDays: number;
    dailyRetentionDays: number;
    metricsRetentionHours?: number;
  }): Promise<{ samples: number; days: number; metrics: number }>;
}

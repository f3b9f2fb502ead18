/**
 * How long a model server takes to start, from the plan and the cluster's platform settings, and the probe and wait
 * budgets sized from it. A first start downloads the whole model (all tensor-parallel shards) into the cache, then
 * each GPU loads its shard, then the engine initialises; a warm start skips the download when the cache survives
 * the pod (a shared cache).
 */
import type { ClusterPlatformSettings } from './clusterPlatform';

/** @public */
export interface StartupBudgetInput {
  /** Weights held by one GPU (the planner's per-GPU figure), GiB. */
  weightsGiBPerGpu: number;
  /** GPUs one replica shards the model over (tensor parallelism). */
  tensorParallelSize: number;
  settings: Pick<
    ClusterPlatformSettings,
    | 'downloadMiBps'
    | 'loadMiBps'
    | 'engineInitSeconds'
    | 'nodeLaunchSeconds'
    | 'modelCache'
  >;
}

/** @public */
export interface StartupBudget {
  /** The whole model as downloaded, GiB. */
  modelGiB: number;
  downloadSeconds: number;
  loadSeconds: number;
  engineInitSeconds: number;
  /** A replica on a node that has no copy of the model: download + load + init. */
  coldStartSeconds: number;
  /** A replica whose cache already holds the model (shared cache only; otherwise equals the cold start). */
  warmStartSeconds: number;
  /** What the first request after scale-to-zero waits: a warm start when the cache is shared, else a cold one. */
  wakeSeconds: number;
  /** Startup probe: period 10 s, failureThreshold covering the cold start with a 1.5× margin. */
  startupProbe: { periodSeconds: number; failureThreshold: number };
  /** The apply step's wait: a node launch plus the cold start, with the same margin. */
  applyTimeoutSeconds: number;
}

const MARGIN = 1.5;
const PROBE_PERIOD_SECONDS = 10;

/**
 * Sizes a service's start. Figures are rounded up to whole seconds.
 *
 * @public
 */
export function startupBudget(input: StartupBudgetInput): StartupBudget {
  const { settings } = input;
  const tp = Math.max(1, Math.floor(input.tensorParallelSize));
  const modelGiB = input.weightsGiBPerGpu * tp;
  const downloadSeconds = Math.ceil((modelGiB * 1024) / settings.downloadMiBps);
  // the shards load in parallel, one per GPU, all from the same volume: the volume's rate is shared
  const loadSeconds = Math.ceil((modelGiB * 1024) / settings.loadMiBps);
  const engineInitSeconds = Math.ceil(settings.engineInitSeconds);
  const coldStartSeconds = downloadSeconds + loadSeconds + engineInitSeconds;
  const warmStartSeconds =
    settings.modelCache.mode === 'shared'
      ? loadSeconds + engineInitSeconds
      : coldStartSeconds;
  return {
    modelGiB,
    downloadSeconds,
    loadSeconds,
    engineInitSeconds,
    coldStartSeconds,
    warmStartSeconds,
    wakeSeconds: warmStartSeconds,
    startupProbe: {
      periodSeconds: PROBE_PERIOD_SECONDS,
      failureThreshold: Math.max(
        3,
        Math.ceil((coldStartSeconds * MARGIN) / PROBE_PERIOD_SECONDS),
      ),
    },
    applyTimeoutSeconds: Math.ceil(
      (settings.nodeLaunchSeconds + coldStartSeconds) * MARGIN,
    ),
  };
}

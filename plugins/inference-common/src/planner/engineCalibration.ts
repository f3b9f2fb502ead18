import { VllmEngineGroup } from './vllmEngine';

/**
 * The two overheads that differ most between vLLM releases. Both are per GPU.
 *
 * @public
 */
export interface EngineOverheads {
  /** Bytes per logit of the sampler warm-up of the profiling run (max_num_seqs × vocabulary logits). */
  samplerBytesPerLogit: number;
  /** Memory outside torch added by tensor parallelism (NCCL, custom all-reduce buffers), for `tp` ranks. */
  multiGpuNonTorchGiB: (tp: number) => number;
  /** What the figures rest on, for the plan. */
  basis: string;
  /** False when no calibration run covers the group: the figures are borrowed from the nearest one. */
  calibrated: boolean;
}

/**
 * VLLM_OVERHEAD_MODEL's sweep fit (vLLM 0.19.0, H100): 14.517 B/logit, 1.7183 GiB + 0.045 GiB per rank.
 *
 * @public
 */
export const SWEEP_ENGINE_OVERHEADS: EngineOverheads = {
  samplerBytesPerLogit: 14.517,
  multiGpuNonTorchGiB: tp => 1.7183 + 0.045 * tp,
  basis: 'fitted on 47 configurations of the vLLM 0.19.0 H100 sweep',
  calibrated: true,
};

/**
 * Figures fitted per release group on vllm-public-logs.json by engineCalibration.test.ts (which refits them
 * and fails when these constants drift from the data): the sampler cost is the median of what single-GPU runs
 * imply once weights, KV cache and the sweep's other terms are taken out; the tensor-parallel non-torch memory
 * is the median of what multi-GPU runs imply given that sampler cost.
 */
export const FITTED_ENGINE_OVERHEADS: Partial<
  Record<
    VllmEngineGroup,
    {
      samplerBytesPerLogit: number;
      multiGpuNonTorchGiB?: number;
      runs: number;
      sources: number;
    }
  >
> = {
  v0: {
    samplerBytesPerLogit: 39.72,
    multiGpuNonTorchGiB: 0,
    runs: 3,
    sources: 2,
  },
  'v1-0.8': {
    samplerBytesPerLogit: 1.97,
    multiGpuNonTorchGiB: 0.611,
    runs: 4,
    sources: 1,
  },
  'v1-0.11': {
    samplerBytesPerLogit: 6.93,
    multiGpuNonTorchGiB: 0.597,
    runs: 2,
    sources: 2,
  },
};

/**
 * The overheads the planner assumes for a release group: fitted figures where the calibration covers the
 * group, else the sweep's (0.19) and `calibrated: false`.
 *
 * @public
 */
export function engineOverheads(group: VllmEngineGroup): EngineOverheads {
  if (group === 'v1-0.19') return SWEEP_ENGINE_OVERHEADS;
  const fitted = FITTED_ENGINE_OVERHEADS[group];
  if (!fitted) {
    return {
      ...SWEEP_ENGINE_OVERHEADS,
      basis: `no calibration run of this release group: the vLLM 0.19.0 sweep's figures are assumed`,
      calibrated: false,
    };
  }
  const multi = fitted.multiGpuNonTorchGiB;
  return {
    samplerBytesPerLogit: fitted.samplerBytesPerLogit,
    multiGpuNonTorchGiB:
      multi === undefined
        ? SWEEP_ENGINE_OVERHEADS.multiGpuNonTorchGiB
        : () => multi,
    basis: `fitted on ${fitted.runs} public startup logs (${
      fitted.sources
    } sources) of this release group${
      multi === undefined
        ? '; tensor-parallel memory from the 0.19.0 sweep'
        : ''
    }`,
    calibrated: true,
  };
}

/**
 * 90th percentile of the KV-cache error per release group, as a percentage of the memory the planner predicts
 * besides weights and KV cache (activation peak, non-torch memory, CUDA graphs in the budget): those terms are
 * where the error comes from, so the band scales with them (a 256-sequence L4 has smaller ones than a
 * 1024-sequence H100). Each run is predicted with its own source left out of the fit; runs of an unstated
 * release are not counted. engineCalibration.test.ts recomputes these from the calibration set.
 */
export const KV_ERROR_P90_PCT_OF_OVERHEAD: Partial<
  Record<VllmEngineGroup, number>
> = { v0: 64, 'v1-0.8': 41, 'v1-0.11': 20, 'v1-0.19': 56 };

/** The same over every run of a stated release: the band of groups with too few runs to narrow it. */
export const KV_ERROR_P90_PCT_OF_OVERHEAD_ALL_RUNS = 56;

/** 90th percentile of the absolute weights error over every run, percent. */
export const WEIGHTS_ERROR_P90_PCT = 0.6;

/** Groups with fewer scored runs than this take the all-runs band. */
const MIN_RUNS_FOR_OWN_BAND = 5;

/** Scored runs per release group in the calibration set. */
export const SCORED_RUNS_PER_GROUP: Partial<Record<VllmEngineGroup, number>> = {
  v0: 3,
  'v1-0.8': 4,
  'v1-0.11': 2,
  'v1-0.19': 59,
};

/** Outside the calibration the margin is widened by this factor. */
export const UNCALIBRATED_MARGIN_FACTOR = 1.5;

/**
 * The error band a plan carries: what the calibration supports for its release group and model features.
 *
 * @public
 */
export interface PlannerErrorBand {
  /** Weights per GPU: ± this percentage (90th percentile). */
  weightsPct: number;
  /** KV cache per GPU: ± this percentage of the non-weights, non-KV memory (90th percentile). */
  overheadPct: number;
  /** Both applied to one estimate: the KV margin (GiB) the plan keeps free; 0 before {@link withMargin}. */
  kvCacheGiB: number;
  /** False when the release group or a model feature lies outside the calibration. */
  calibrated: boolean;
  /** What the band rests on, and what is outside the calibration. */
  basis: string;
}

/**
 * The band for a release group and the features of a model that the calibration does not cover (for example
 * linear attention, Mamba, cross-attention, a vision encoder's profiling run). Outside the calibration the
 * percentages are {@link UNCALIBRATED_MARGIN_FACTOR} × the all-runs band and the plan says why.
 *
 * @public
 */
export function plannerErrorBand(
  group: VllmEngineGroup,
  uncoveredFeatures: readonly string[],
): PlannerErrorBand {
  const runs = SCORED_RUNS_PER_GROUP[group] ?? 0;
  const groupBand = KV_ERROR_P90_PCT_OF_OVERHEAD[group];
  const calibrated = groupBand !== undefined && uncoveredFeatures.length === 0;
  const outside = [
    ...(groupBand === undefined ? [`vLLM release group ${group}`] : []),
    ...uncoveredFeatures,
  ];
  if (!calibrated) {
    return {
      weightsPct: UNCALIBRATED_MARGIN_FACTOR * WEIGHTS_ERROR_P90_PCT,
      overheadPct:
        UNCALIBRATED_MARGIN_FACTOR * KV_ERROR_P90_PCT_OF_OVERHEAD_ALL_RUNS,
      kvCacheGiB: 0,
      calibrated: false,
      basis: `outside the calibration (${outside.join(
        ', ',
      )}): margin ${UNCALIBRATED_MARGIN_FACTOR} × the all-runs 90th percentile`,
    };
  }
  const own = runs >= MIN_RUNS_FOR_OWN_BAND;
  return {
    weightsPct: WEIGHTS_ERROR_P90_PCT,
    overheadPct: own ? groupBand! : KV_ERROR_P90_PCT_OF_OVERHEAD_ALL_RUNS,
    kvCacheGiB: 0,
    calibrated: true,
    basis: own
      ? `90th percentile over ${runs} calibration runs of ${group}, each predicted with its source left out`
      : `only ${runs} calibration runs of ${group}: the 90th percentile over all runs of a stated release`,
  };
}

/**
 * The band applied to one estimate: KV margin = weightsPct of the weights + overheadPct of the other non-KV memory.
 *
 * @public
 */
export function withMargin(
  band: PlannerErrorBand,
  perGpu: { budgetGiB: number; weightsGiB: number; kvCacheGiB: number },
): PlannerErrorBand {
  const overhead = perGpu.budgetGiB - perGpu.weightsGiB - perGpu.kvCacheGiB;
  return {
    ...band,
    kvCacheGiB:
      (band.weightsPct / 100) * perGpu.weightsGiB +
      (band.overheadPct / 100) * Math.max(0, overhead),
  };
}

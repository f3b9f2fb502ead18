import { EngineOverheads, SWEEP_ENGINE_OVERHEADS } from '../engineCalibration';
import { estimateVllmMemory } from '../memory';
import { VllmEngineGroup } from '../vllmEngine';
import { PublicLogRun } from './publicLogs';

const GIB = 1024 ** 3;

/** A run that can be scored on the KV cache: it has an input and an observed KV figure and weights figure. */
export type ScoredRun = PublicLogRun & {
  input: NonNullable<PublicLogRun['input']>;
  observed: { weightsGiB: number; kvCacheGiB: number };
};

export function isScoredRun(run: PublicLogRun): run is ScoredRun {
  return (
    run.input !== undefined &&
    run.scoresKvCache &&
    run.observed.weightsGiB !== undefined &&
    run.observed.kvCacheGiB !== undefined
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * What a run leaves for the two release-dependent overheads: budget − observed weights − observed KV cache −
 * every other term of the memory model (computed with both overheads at zero).
 */
function unexplainedGiB(run: ScoredRun): number {
  const zero = estimateVllmMemory({
    ...run.input,
    overheads: { samplerBytesPerLogit: 0, multiGpuNonTorchGiB: () => 0 },
  }).perGpu;
  const otherOverheads = zero.budgetGiB - zero.weightsGiB - zero.kvCacheGiB;
  return (
    zero.budgetGiB -
    run.observed.weightsGiB -
    run.observed.kvCacheGiB -
    otherOverheads
  );
}

function logitsOf(run: ScoredRun): number {
  const { scheduler, model } = run.input;
  return (
    Math.min(scheduler.maxNumSeqs, scheduler.maxNumBatchedTokens) *
    model.vocabSize
  );
}

/** The fitted overheads of one release group (see FITTED_ENGINE_OVERHEADS). */
export interface GroupFit {
  samplerBytesPerLogit: number;
  multiGpuNonTorchGiB?: number;
  runs: number;
  sources: number;
}

/**
 * Fits each stated release group: the median sampler cost implied by its single-GPU runs, then the median
 * tensor-parallel non-torch memory its multi-GPU runs imply. Runs of an unstated release fit nothing.
 */
export function fitEngineOverheads(
  runs: readonly PublicLogRun[],
): Partial<Record<VllmEngineGroup, GroupFit>> {
  const fits: Partial<Record<VllmEngineGroup, GroupFit>> = {};
  const scored = runs
    .filter(isScoredRun)
    .filter(r => r.observed.kvCacheGiB > 0);
  const groups = new Set(
    scored
      .filter(r => r.versionGroup !== 'unstated')
      .map(r => r.behaviour.group),
  );
  for (const group of groups) {
    const inGroup = scored.filter(
      r => r.versionGroup !== 'unstated' && r.behaviour.group === group,
    );
    const single = inGroup.filter(r => r.input.tensorParallelSize === 1);
    if (single.length === 0) continue;
    const sampler = median(
      single.map(r => (unexplainedGiB(r) * GIB) / logitsOf(r)),
    );
    const multi = inGroup.filter(r => r.input.tensorParallelSize > 1);
    const nonTorch = multi.map(
      r => unexplainedGiB(r) - (sampler * logitsOf(r)) / GIB,
    );
    fits[group] = {
      samplerBytesPerLogit: Number(sampler.toFixed(2)),
      ...(nonTorch.length
        ? {
            multiGpuNonTorchGiB: Number(
              Math.max(0, median(nonTorch)).toFixed(3),
            ),
          }
        : {}),
      runs: inGroup.length,
      sources: new Set(inGroup.map(r => r.source)).size,
    };
  }
  return fits;
}

/** Overrides that make the memory model use one group's refit (for leave-one-source-out). */
export function overridesOf(
  fit: GroupFit | undefined,
): Partial<EngineOverheads> {
  if (!fit) return SWEEP_ENGINE_OVERHEADS;
  const multi = fit.multiGpuNonTorchGiB;
  return {
    samplerBytesPerLogit: fit.samplerBytesPerLogit,
    ...(multi === undefined ? {} : { multiGpuNonTorchGiB: () => multi }),
  };
}

/** Release groups in release order, for "nearest group" fallbacks. */
export const GROUP_ORDER: VllmEngineGroup[] = [
  'v0',
  'v1-0.8',
  'v1-0.11',
  'v1-0.19',
  'v1-0.21',
];

/** The fit of `group`, else of the nearest group in release order that has one (newer first on ties). */
export function nearestFit<T>(
  fits: Partial<Record<VllmEngineGroup, T>>,
  group: VllmEngineGroup,
): T | undefined {
  const at = GROUP_ORDER.indexOf(group);
  for (let distance = 0; distance < GROUP_ORDER.length; distance++) {
    for (const index of [at + distance, at - distance]) {
      const fit = fits[GROUP_ORDER[index]];
      if (fit) return fit;
    }
  }
  return undefined;
}

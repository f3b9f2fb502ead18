import { GpuTypeRef } from '../catalog/gpus';
import { ModelArchitecture } from '../catalog/modelTypes';
import { PriceKind, ResolvedGpuPrice, findGpuPrice } from '../catalog/prices';
import { gib } from './format';
import {
  VllmMemoryBreakdown,
  VllmMemoryEstimate,
  estimateVllmMemory,
} from './memory';
import {
  checkTensorParallelSize,
  tensorParallelCandidates,
} from './parallelism';
import { GpuServingPlan, PlanModelServingRequest } from './planTypes';
import {
  KvCacheDtype,
  WeightPrecision,
  defaultActivationDtype,
  precisionSupport,
  vllmPrecisionArgs,
} from './precision';
import { VllmSchedulerLimits } from './vllmDefaults';
import { VllmEngineBehaviour, profilingSchedulerLimits } from './vllmEngine';
import { PlannerErrorBand, withMargin } from './engineCalibration';
import { planErrorBand } from './planBands';

interface Candidate {
  tp: number;
  estimate: VllmMemoryEstimate;
  replicas: number;
}

/** Plans one GPU type: the tensor-parallel size with the fewest GPUs in total, or why none fits. */
export function planOnGpuType(ctx: {
  type: GpuTypeRef;
  request: PlanModelServingRequest;
  model: ModelArchitecture;
  precision: WeightPrecision;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  targetConcurrency: number;
  utilization: number;
  priceKind: PriceKind;
  prices: readonly ResolvedGpuPrice[];
  engine: VllmEngineBehaviour;
}): GpuServingPlan {
  const {
    type,
    model,
    precision,
    maxModelLen,
    targetConcurrency,
    utilization,
  } = ctx;
  const notes: string[] = [];
  const reasons: string[] = [];
  let activation =
    ctx.request.activationDtype ?? defaultActivationDtype(precision);
  let support = precisionSupport(
    precision,
    activation,
    type.gpu.computeCapability,
  );
  if (
    !support.supported &&
    !ctx.request.activationDtype &&
    activation === 'bf16'
  ) {
    activation = 'fp16';
    notes.push(`${type.gpu.name} has no BF16: planned with --dtype float16`);
    support = precisionSupport(
      precision,
      activation,
      type.gpu.computeCapability,
    );
  }
  if (support.note && support.supported) notes.push(support.note);
  const scheduler: VllmSchedulerLimits = profilingSchedulerLimits(
    ctx.engine,
    { usableMemoryGiB: type.usableMemoryGiB, name: type.gpu.name },
    maxModelLen,
    ctx.request.scheduler,
  );
  const errorBand = planErrorBand(model, precision, ctx.engine, scheduler);
  if (!errorBand.calibrated) notes.push(errorBand.basis);
  // A MIG slice is one device without peer links: no tensor parallelism across slices.
  const maxTp = type.mig ? 1 : ctx.request.maxGpusPerNode ?? 8;
  const pinned = ctx.request.tensorParallelSize;
  const tpChecks =
    pinned !== undefined
      ? [
          pinned > maxTp
            ? {
                tensorParallelSize: pinned,
                valid: false,
                reason: `more than the ${maxTp} GPUs of one node`,
              }
            : checkTensorParallelSize(model, pinned),
        ]
      : tensorParallelCandidates(model, maxTp);
  const rejected = tpChecks.filter(c => !c.valid);
  if (rejected.length > 0)
    notes.push(
      `tensor-parallel sizes rejected: ${rejected
        .map(c => `${c.tensorParallelSize} (${c.reason})`)
        .join('; ')}`,
    );

  const candidates: Candidate[] = [];
  let lastEstimate: { tp: number; estimate: VllmMemoryEstimate } | undefined;
  const failures: string[] = [];
  for (const check of tpChecks.filter(c => c.valid)) {
    const estimate = estimateVllmMemory({
      model,
      precision,
      activationDtype: activation,
      kvCacheDtype: ctx.kvCacheDtype,
      tensorParallelSize: check.tensorParallelSize,
      maxModelLen,
      gpuMemoryUtilization: utilization,
      usableMemoryGiB: type.usableMemoryGiB,
      scheduler,
      engine: ctx.engine,
    });
    lastEstimate = { tp: check.tensorParallelSize, estimate };
    const failure =
      describeFailure(
        check.tensorParallelSize,
        estimate,
        maxModelLen,
        utilization,
      ) ??
      describeMarginFailure(
        check.tensorParallelSize,
        estimate,
        withMargin(errorBand, estimate.perGpu),
      );
    if (failure) {
      failures.push(failure);
    } else {
      candidates.push({
        tp: check.tensorParallelSize,
        estimate,
        replicas: Math.ceil(
          targetConcurrency /
            concurrencyWithMargin(
              estimate,
              withMargin(errorBand, estimate.perGpu),
            ),
        ),
      });
    }
  }
  if (!support.supported) reasons.push(support.note!);
  if (!lastEstimate) {
    reasons.push(
      `no valid tensor-parallel size: ${rejected
        .map(c => `${c.tensorParallelSize} (${c.reason})`)
        .join('; ')}`,
    );
  }
  // Fewest GPUs in total for the target; on a tie the smaller TP (less all-reduce traffic per token).
  candidates.sort(
    (a, b) => a.tp * a.replicas - b.tp * b.replicas || a.tp - b.tp,
  );
  const best = support.supported ? candidates[0] : undefined;
  if (!best && support.supported && failures.length > 0) {
    reasons.push(
      ...failures.slice(0, 1),
      ...(failures.length > 1 ? failures.slice(-1) : []),
    );
  }
  const chosen =
    best ??
    (lastEstimate
      ? { tp: lastEstimate.tp, estimate: lastEstimate.estimate, replicas: 0 }
      : undefined);
  const tp = chosen?.tp ?? 1;
  const estimate = chosen?.estimate;
  const replicas = best ? best.replicas : 0;
  const priceEntry = findGpuPrice(ctx.prices, type.key);
  const price = priceEntry
    ? {
        usdPerGpuHour: priceEntry.usdPerGpuHour[ctx.priceKind],
        kind: ctx.priceKind,
        isDefault: priceEntry.isDefault[ctx.priceKind],
        asOf: priceEntry.asOf,
      }
    : undefined;
  if (!price)
    notes.push(
      'no price configured for this GPU type: ranked after priced types',
    );
  const args = vllmPrecisionArgs(precision, activation);
  if (args.note) notes.push(args.note);
  return {
    gpuType: type.key,
    gpuId: type.gpu.id,
    gpuName: type.mig
      ? `${type.gpu.name} MIG ${type.mig.profile}`
      : type.gpu.name,
    fits: Boolean(best),
    reasons,
    notes,
    tensorParallelSize: tp,
    gpusPerReplica: tp,
    replicas,
    totalGpus: replicas * tp,
    activationDtype: activation,
    memoryPerGpu:
      estimate?.perGpu ?? emptyBreakdown(type.usableMemoryGiB, utilization),
    kvCacheTokens: estimate?.kvCacheTokens ?? 0,
    maxConcurrencyPerReplica: estimate?.maxConcurrency ?? 0,
    scheduler,
    vllmArgs: [
      '--tensor-parallel-size',
      String(tp),
      '--max-model-len',
      String(maxModelLen),
      '--gpu-memory-utilization',
      String(utilization),
      '--dtype',
      args.dtype,
      '--kv-cache-dtype',
      ctx.kvCacheDtype,
      ...(args.quantization ? ['--quantization', args.quantization] : []),
      '--max-num-seqs',
      String(scheduler.maxNumSeqs),
      '--max-num-batched-tokens',
      String(scheduler.maxNumBatchedTokens),
    ],
    price,
    costPerHourUsd:
      best && price ? replicas * tp * price.usdPerGpuHour : undefined,
    errorBand: estimate ? withMargin(errorBand, estimate.perGpu) : errorBand,
  };
}

/** Full-length sequences a replica holds once the KV error band is kept free. */
function concurrencyWithMargin(
  estimate: VllmMemoryEstimate,
  band: PlannerErrorBand,
): number {
  const kv = estimate.perGpu.kvCacheGiB;
  if (kv <= 0) return 0;
  return (estimate.maxConcurrency * Math.max(0, kv - band.kvCacheGiB)) / kv;
}

function describeMarginFailure(
  tp: number,
  estimate: VllmMemoryEstimate,
  band: PlannerErrorBand,
): string | undefined {
  if (concurrencyWithMargin(estimate, band) >= 1) return undefined;
  return `TP=${tp}: the KV cache (${gib(
    estimate.perGpu.kvCacheGiB,
  )}) holds one max-model-len sequence (${gib(
    estimate.kvCacheGiBPerSequence,
  )}) only without the planner's error margin of ${gib(band.kvCacheGiB)} (${
    band.basis
  }): vLLM may refuse to start`;
}

function describeFailure(
  tp: number,
  estimate: VllmMemoryEstimate,
  maxModelLen: number,
  utilization: number,
): string | undefined {
  const m = estimate.perGpu;
  const fixed = m.weightsGiB + m.activationPeakGiB + m.nonTorchGiB;
  if (m.kvCacheGiB <= 0) {
    return `TP=${tp}: weights ${gib(m.weightsGiB)} + activation peak ${gib(
      m.activationPeakGiB,
    )} + non-torch ${gib(m.nonTorchGiB)} = ${gib(
      fixed,
    )} per GPU, more than the ${gib(
      m.budgetGiB,
    )} budget (${utilization} × ${gib(
      m.totalGiB,
    )}): no memory left for the KV cache`;
  }
  if (!estimate.fitsMaxModelLen) {
    return `TP=${tp}: the KV cache holds ${
      estimate.kvCacheTokens
    } tokens (${gib(
      m.kvCacheGiB,
    )}), less than max-model-len ${maxModelLen} (needs ${gib(
      estimate.kvCacheGiBPerSequence,
    )}): vLLM refuses to start`;
  }
  if (!estimate.cudaGraphFits) {
    return `TP=${tp}: CUDA graphs need about ${gib(
      m.cudaGraphGiB,
    )} outside the budget but only ${gib(
      m.headroomGiB,
    )} is left at utilization ${utilization}`;
  }
  return undefined;
}

function emptyBreakdown(
  totalGiB: number,
  utilization: number,
): VllmMemoryBreakdown {
  return {
    totalGiB,
    budgetGiB: totalGiB * utilization,
    weightsGiB: 0,
    activationPeakGiB: 0,
    nonTorchGiB: 0,
    kvCacheGiB: 0,
    cudaGraphGiB: 0,
    headroomGiB: totalGiB * (1 - utilization),
  };
}

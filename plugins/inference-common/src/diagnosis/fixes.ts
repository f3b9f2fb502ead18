import { checkCudaCompatibility, findToolkitDriver } from '../cuda/cuda';
import { adviseKvCacheFit, roundDownContext } from '../planner/advice';
import { VllmMemoryInput, estimateVllmMemory } from '../planner/memory';
import { gib } from '../planner/format';
import {
  DriverFailure,
  KvCacheTooSmallNumbers,
  TorchOomNumbers,
} from './messages';
import { ServingContext } from './types';

/** Headroom kept above the CUDA-graph estimate when advising a utilization (fragmentation, NCCL growth). */
const GRAPH_MARGIN_GIB = 0.5;

/**
 * Fix for a KV cache too small for max-model-len: the planner's advice when the model and GPU are known,
 * else the numbers of vLLM's own message.
 */
export function kvCacheTooSmallFix(
  numbers: KvCacheTooSmallNumbers[],
  memory?: VllmMemoryInput,
): string {
  const parsed = numbers.find(n => n.maxSeqLen !== undefined) ?? numbers[0];
  if (memory) {
    const maxModelLen = parsed?.maxSeqLen ?? memory.maxModelLen;
    return adviseKvCacheFit({
      ...memory,
      maxModelLen,
      observedKvCacheTokens: parsed?.kvCacheTokens,
      observedKvCacheGiB:
        parsed?.availableGiB ?? (parsed?.noCacheMemory ? 0 : undefined),
    }).text;
  }
  if (parsed?.kvCacheTokens !== undefined && parsed.maxSeqLen !== undefined) {
    return `max-model-len ${
      parsed.maxSeqLen
    } does not fit: the KV cache holds ${
      parsed.kvCacheTokens
    } tokens. Lower --max-model-len to ${roundDownContext(
      parsed.kvCacheTokens,
    )}, or raise --gpu-memory-utilization, use --kv-cache-dtype fp8 (halves KV size) or a larger tensor-parallel size.`;
  }
  if (parsed?.neededGiB !== undefined && parsed.availableGiB !== undefined) {
    const estimate = parsed.estimatedMaxModelLen
      ? `lower --max-model-len to ${roundDownContext(
          parsed.estimatedMaxModelLen,
        )}`
      : 'lower --max-model-len';
    return `max-model-len ${parsed.maxSeqLen} needs ${parsed.neededGiB} GiB KV cache; ${parsed.availableGiB} GiB available: ${estimate}, or raise --gpu-memory-utilization, or add tensor parallelism.`;
  }
  return 'No memory is left for the KV cache after the weights: use a larger tensor-parallel size, a quantized checkpoint, or a GPU with more memory.';
}

/**
 * Fix for a CUDA out-of-memory crash, with the planner's numbers when the model and GPU are known.
 */
export function cudaOomFix(
  numbers: TorchOomNumbers[],
  memory?: VllmMemoryInput,
): string {
  const tried = Math.max(0, ...numbers.map(n => n.triedToAllocateGiB ?? 0));
  const free = numbers.map(n => n.freeGiB).find(v => v !== undefined);
  const total = numbers.map(n => n.totalCapacityGiB).find(v => v !== undefined);
  const observed =
    tried > 0
      ? `It tried to allocate ${gib(tried)}${
          free !== undefined ? ` with ${gib(free)} free` : ''
        }${total !== undefined ? ` of ${gib(total)}` : ''}. `
      : '';
  if (!memory) {
    return `${observed}Lower --gpu-memory-utilization by 0.05, or lower --max-num-seqs / --max-num-batched-tokens; if little memory was free before vLLM started, another process shares the GPU.`;
  }
  const estimate = estimateVllmMemory(memory);
  const m = estimate.perGpu;
  if (m.kvCacheGiB <= 0) {
    const advice = adviseKvCacheFit(memory);
    return `${observed}Weights ${gib(m.weightsGiB)} + activations ${gib(
      m.activationPeakGiB,
    )} + non-torch ${gib(m.nonTorchGiB)} per GPU exceed the ${gib(
      m.budgetGiB,
    )} budget at TP=${memory.tensorParallelSize}: ${
      advice.tensorParallelSizeThatFits
        ? `use TP=${advice.tensorParallelSizeThatFits}`
        : 'use a quantized checkpoint or a larger GPU'
    }.`;
  }
  const needHeadroom = m.cudaGraphGiB + Math.max(tried, GRAPH_MARGIN_GIB);
  const utilization =
    Math.floor(((m.totalGiB - needHeadroom) / m.totalGiB) * 100) / 100;
  if (utilization < memory.gpuMemoryUtilization) {
    const lowered = estimateVllmMemory({
      ...memory,
      gpuMemoryUtilization: utilization,
    });
    const keeps = lowered.fitsMaxModelLen
      ? `the KV cache still holds ${
          lowered.kvCacheTokens
        } tokens (${lowered.maxConcurrency.toFixed(1)} sequences of ${
          memory.maxModelLen
        })`
      : adviseKvCacheFit({ ...memory, gpuMemoryUtilization: utilization }).text;
    return `${observed}At ${memory.gpuMemoryUtilization} utilization only ${gib(
      m.headroomGiB,
    )} stays outside vLLM's budget, but CUDA graphs need about ${gib(
      m.cudaGraphGiB,
    )}: lower --gpu-memory-utilization to ${utilization.toFixed(
      2,
    )} (${keeps}), or add --enforce-eager.`;
  }
  return `${observed}The plan leaves ${gib(
    m.headroomGiB,
  )} outside the budget for CUDA graphs (~${gib(
    m.cudaGraphGiB,
  )}): the spike comes from a large batch or another process on the GPU. Lower --max-num-batched-tokens (now ${
    memory.scheduler.maxNumBatchedTokens
  }) or --gpu-memory-utilization.`;
}

/**
 * Fix for a driver that is too old for the image.
 */
export function driverFix(
  failures: DriverFailure[],
  context: ServingContext,
  dataCenter?: boolean,
): string {
  if (context.imageCudaVersion && context.nodeDriverVersion) {
    const verdict = checkCudaCompatibility({
      imageCudaVersion: context.imageCudaVersion,
      driverVersion: context.nodeDriverVersion,
      gpu: dataCenter === undefined ? undefined : { dataCenter },
    });
    const requirement = failures.find(f => f.requiredCuda);
    if (verdict.status === 'compatible-minor-version' && requirement) {
      return `The image demands cuda>=${
        requirement.requiredCuda
      } (NVIDIA_REQUIRE_CUDA) and driver ${
        verdict.driverVersion
      } is older: upgrade the node driver to ${
        verdict.minimumDriver ?? 'the toolkit driver'
      } or newer. The driver could run it under minor version compatibility (limited features) if the container sets NVIDIA_DISABLE_REQUIRE=true.`;
    }
    return verdict.reason;
  }
  const required =
    failures.map(f => f.requiredCuda).find(Boolean) ?? context.imageCudaVersion;
  if (required) {
    const row = findToolkitDriver(required);
    return `The image needs CUDA ${required}: upgrade the node driver to ${
      row?.minLinuxDriver ?? `a CUDA ${required} driver`
    } or newer, schedule it on nodes whose nvidia.com/cuda.driver.major label is high enough, or use an image built on an older CUDA.`;
  }
  return 'The node driver is older than the CUDA runtime in the image: upgrade the driver, select nodes by their nvidia.com/cuda.driver.* labels, or use an image built on an older CUDA.';
}

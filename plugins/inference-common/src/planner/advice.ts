import { VllmMemoryInput, estimateVllmMemory } from './memory';
import { checkTensorParallelSize } from './parallelism';
import { VLLM_BLOCK_SIZE } from './vllmDefaults';
import { gib } from './format';

/** vLLM needs some memory outside its budget for CUDA graphs and fragmentation: never advise more than this. */
const MAX_ADVISED_UTILIZATION = 0.95;

/**
 * What would make a vLLM instance's KV cache hold its max-model-len, from the planner's memory model.
 *
 * @public
 */
export interface KvCacheFitAdvice {
  fits: boolean;
  maxModelLen: number;
  gpuMemoryUtilization: number;
  /** KV cache one full-length sequence needs on each GPU. */
  kvCacheNeededGiB: number;
  /** KV cache the current settings leave on each GPU. */
  kvCacheAvailableGiB: number;
  /** Longest max-model-len that fits as configured (0 when nothing fits). */
  maxModelLenThatFits: number;
  /** Lowest utilization that would fit (undefined when above 0.95 would be needed). */
  utilizationThatFits?: number;
  /** Smallest larger tensor-parallel size that fits (undefined when none up to maxGpusPerNode does). */
  tensorParallelSizeThatFits?: number;
  /** One line, e.g. "max-model-len 32768 needs 4.0 GiB KV cache; 1.2 GiB free at 0.90 utilization: lower it to 9000, or TP=2". */
  text: string;
}

/**
 * Advises how to make the KV cache fit (shorter context, higher utilization or more tensor parallelism). When vLLM
 * reported the actual KV-cache size, pass it: the advice is then anchored on it rather than on the estimate.
 *
 * @public
 */
export function adviseKvCacheFit(
  input: VllmMemoryInput & {
    maxGpusPerNode?: number;
    observedKvCacheTokens?: number;
    observedKvCacheGiB?: number;
  },
): KvCacheFitAdvice {
  const current = estimateVllmMemory(input);
  const m = current.perGpu;
  const bytesPerToken = current.kvBytesPerTokenPerGpu;
  // What vLLM reported beats the model: shift every estimate by the observed difference.
  const observedGiB =
    input.observedKvCacheGiB ??
    (input.observedKvCacheTokens !== undefined
      ? (input.observedKvCacheTokens * bytesPerToken) / 1024 ** 3
      : undefined);
  const offsetGiB = observedGiB !== undefined ? m.kvCacheGiB - observedGiB : 0;
  const available = Math.max(0, m.kvCacheGiB - offsetGiB);
  const tokens =
    input.observedKvCacheTokens ??
    Math.floor((available * 1024 ** 3) / bytesPerToken / VLLM_BLOCK_SIZE) *
      VLLM_BLOCK_SIZE;
  const fits = tokens >= input.maxModelLen;
  const fitsLen = roundDownContext(tokens);
  const neededUtil =
    input.gpuMemoryUtilization +
    (current.kvCacheGiBPerSequence - available) / m.totalGiB;
  const utilizationThatFits =
    neededUtil <= MAX_ADVISED_UTILIZATION
      ? Math.ceil(neededUtil * 100) / 100
      : undefined;
  let tensorParallelSizeThatFits: number | undefined;
  for (
    let tp = input.tensorParallelSize * 2;
    tp <= (input.maxGpusPerNode ?? 8);
    tp *= 2
  ) {
    if (!checkTensorParallelSize(input.model, tp).valid) continue;
    const wider = estimateVllmMemory({ ...input, tensorParallelSize: tp });
    if (wider.perGpu.kvCacheGiB - offsetGiB >= wider.kvCacheGiBPerSequence) {
      tensorParallelSizeThatFits = tp;
      break;
    }
  }
  const head = `max-model-len ${input.maxModelLen} needs ${gib(
    current.kvCacheGiBPerSequence,
  )} KV cache; ${gib(available)} free at ${input.gpuMemoryUtilization.toFixed(
    2,
  )} utilization`;
  const options: string[] = [];
  if (fitsLen > 0) options.push(`lower it to ${fitsLen}`);
  if (
    utilizationThatFits !== undefined &&
    utilizationThatFits > input.gpuMemoryUtilization
  ) {
    options.push(
      `raise --gpu-memory-utilization to ${utilizationThatFits.toFixed(2)}`,
    );
  }
  if (tensorParallelSizeThatFits)
    options.push(`TP=${tensorParallelSizeThatFits}`);
  if (options.length === 0)
    options.push('use a larger GPU or a quantized checkpoint');
  return {
    fits,
    maxModelLen: input.maxModelLen,
    gpuMemoryUtilization: input.gpuMemoryUtilization,
    kvCacheNeededGiB: current.kvCacheGiBPerSequence,
    kvCacheAvailableGiB: available,
    maxModelLenThatFits: fitsLen,
    utilizationThatFits,
    tensorParallelSizeThatFits,
    text: fits ? `${head}: fits` : `${head}: ${options.join(', or ')}`,
  };
}

/**
 * Rounds a token count down to a context length a person would type: thousands above 2000, else whole blocks.
 *
 * @public
 */
export function roundDownContext(tokens: number): number {
  if (tokens >= 2000) return Math.floor(tokens / 1000) * 1000;
  return Math.floor(tokens / VLLM_BLOCK_SIZE) * VLLM_BLOCK_SIZE;
}

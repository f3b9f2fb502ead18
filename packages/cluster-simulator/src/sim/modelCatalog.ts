/*
 * Model architectures the simulator knows (reference/facts.md §3.3), and the
 * memory arithmetic of a vLLM engine on a GPU: weights per GPU, what is left
 * for the KV cache, and how many tokens fit. The simulator uses it to make
 * failure messages and GPU memory metrics consistent with the model and GPU a
 * pod actually requests.
 */
import { GpuModel, torchCapacityGiB } from './gpuCatalog';

/** Architecture numbers of a model. @public */
export interface ModelArch {
  id: string;
  paramsB: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  maxPositions: number;
  /** embedding/reranker models have no KV cache to speak of */
  embedding?: boolean;
}

const MODELS: ModelArch[] = [
  {
    id: 'Llama-3.1-8B',
    paramsB: 8.03,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 131072,
  },
  {
    id: 'Llama-3.1-70B',
    paramsB: 70.55,
    layers: 80,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 131072,
  },
  {
    id: 'Llama-3.1-405B',
    paramsB: 405.85,
    layers: 126,
    heads: 128,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 131072,
  },
  {
    id: 'Llama-3.2-1B',
    paramsB: 1.24,
    layers: 16,
    heads: 32,
    kvHeads: 8,
    headDim: 64,
    maxPositions: 131072,
  },
  {
    id: 'Llama-3.2-3B',
    paramsB: 3.21,
    layers: 28,
    heads: 24,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 131072,
  },
  {
    id: 'Mistral-7B',
    paramsB: 7.24,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 32768,
  },
  {
    id: 'Mixtral-8x7B',
    paramsB: 46.7,
    layers: 32,
    heads: 32,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 32768,
  },
  {
    id: 'Qwen2.5-7B',
    paramsB: 7.62,
    layers: 28,
    heads: 28,
    kvHeads: 4,
    headDim: 128,
    maxPositions: 32768,
  },
  {
    id: 'Qwen2.5-72B',
    paramsB: 72.7,
    layers: 80,
    heads: 64,
    kvHeads: 8,
    headDim: 128,
    maxPositions: 32768,
  },
  {
    id: 'gemma-2-9b',
    paramsB: 9.24,
    layers: 42,
    heads: 16,
    kvHeads: 8,
    headDim: 256,
    maxPositions: 8192,
  },
  {
    id: 'gemma-2-27b',
    paramsB: 27.2,
    layers: 46,
    heads: 32,
    kvHeads: 16,
    headDim: 128,
    maxPositions: 8192,
  },
  {
    id: 'bge-large-en-v1.5',
    paramsB: 0.335,
    layers: 24,
    heads: 16,
    kvHeads: 16,
    headDim: 64,
    maxPositions: 512,
    embedding: true,
  },
  {
    id: 'bge-reranker-large',
    paramsB: 0.56,
    layers: 24,
    heads: 16,
    kvHeads: 16,
    headDim: 64,
    maxPositions: 512,
    embedding: true,
  },
];

/** Finds a model by a Hugging Face id or name (`meta-llama/Llama-3.1-70B-Instruct` → Llama-3.1-70B). */
export function findModel(name: string | undefined): ModelArch | undefined {
  if (!name) return undefined;
  const base = name.split('/').pop()!.toLowerCase();
  let best: ModelArch | undefined;
  for (const m of MODELS) {
    if (
      base.startsWith(m.id.toLowerCase()) &&
      (!best || m.id.length > best.id.length)
    )
      best = m;
  }
  return best;
}

/** The outcome of loading a model into vLLM on a GPU. @public */
export interface VllmMemoryPlan {
  capacityGiB: number;
  budgetGiB: number;
  weightsGiB: number;
  overheadGiB: number;
  kvCacheGiB: number;
  /** tokens that fit in the KV cache across the tensor-parallel group */
  kvTokens: number;
  /** what startup would fail with, if anything */
  failure?: 'weights-do-not-fit' | 'no-kv-blocks' | 'kv-too-small';
}

/** vLLM's memory arithmetic, per GPU of a tensor-parallel group. */
export function planVllmMemory(
  model: ModelArch,
  gpu: GpuModel,
  opts: {
    tensorParallel: number;
    gpuMemoryUtilization: number;
    maxModelLen?: number;
  },
): VllmMemoryPlan {
  const tp = Math.max(1, opts.tensorParallel);
  const capacityGiB = torchCapacityGiB(gpu);
  const budgetGiB = capacityGiB * opts.gpuMemoryUtilization;
  const weightsGiB = (model.paramsB * 1e9 * 2) / tp / 2 ** 30;
  // activation peak of the profiling run plus CUDA graphs and non-torch memory
  const overheadGiB = 1.2 + (0.02 * model.paramsB) / tp;
  const kvCacheGiB = budgetGiB - weightsGiB - overheadGiB;
  const kvHeadsPerGpu = Math.max(1, model.kvHeads / tp);
  const bytesPerTokenPerGpu =
    2 * model.layers * kvHeadsPerGpu * model.headDim * 2;
  const kvTokens = Math.max(
    0,
    Math.floor((kvCacheGiB * 2 ** 30) / bytesPerTokenPerGpu / 16) * 16,
  );
  const plan: VllmMemoryPlan = {
    capacityGiB,
    budgetGiB,
    weightsGiB,
    overheadGiB,
    kvCacheGiB,
    kvTokens,
  };
  if (weightsGiB > capacityGiB - 0.5) plan.failure = 'weights-do-not-fit';
  else if (kvCacheGiB <= 0) plan.failure = 'no-kv-blocks';
  else if (
    !model.embedding &&
    kvTokens < (opts.maxModelLen ?? model.maxPositions)
  )
    plan.failure = 'kv-too-small';
  return plan;
}

import { ModelArchitecture } from '../catalog/modelTypes';
import { estimateParameters, headDimOf } from '../catalog/models';
import {
  ActivationDtype,
  KvCacheDtype,
  WeightPrecision,
  activationBytes,
  defaultActivationDtype,
  linearWeightBytes,
} from './precision';
import { VLLM_BLOCK_SIZE, VllmSchedulerLimits } from './vllmDefaults';
import { VllmEngineBehaviour, vllmEngineBehaviour } from './vllmEngine';
import { EngineOverheads, engineOverheads } from './engineCalibration';
import {
  hasNonFullLayers,
  kvCacheBytesPerSequence,
  kvCacheBytesPerToken,
  kvLayerCounts,
  kvLayerSlots,
} from './kvCache';

export {
  kvCacheBytesPerSequence,
  kvCacheBytesPerToken,
  kvLayerCounts,
  stateBytesPerSequencePerLayer,
} from './kvCache';
export type { KvLayerCounts } from './kvCache';

const GIB = 1024 ** 3;

/**
 * The overhead terms of vLLM's memory profile, modelled with a few physical parameters and fitted once by least
 * squares on `src/planner/__fixtures__/vllm-calibration-h100-sweep.json` (59 vLLM 0.19.0 startups on H100-80GB,
 * llm-d-planner commit d3121e05; 47 distinct configurations). `calibration.test.ts` refits them and checks both the
 * constants and the resulting errors.
 *
 * @public
 */
export const VLLM_OVERHEAD_MODEL = {
  source:
    'least-squares fit on vllm-calibration-h100-sweep.json (vLLM 0.19.0, H100-80GB, 47 distinct configurations)',
  /**
   * Torch activation peak of the profiling run = base + sampler warm-up + fused-MoE workspace.
   * The sampler term dominates: vLLM computes fp32 logits for `maxNumSeqs` dummy sequences over the whole
   * vocabulary and sorts them for top-k/top-p (≈14.5 bytes per logit: logits, probabilities, sorted values and
   * int64 indices). It does not shrink with tensor parallelism (logits are gathered), as the sweep shows.
   * Fit error: median 0.06 GiB, worst 0.38 GiB (gpt-oss-20b).
   */
  activation: {
    baseGiB: 0.1695,
    samplerBytesPerLogit: 14.517,
    moeWorkspaceFactor: 0.673,
  },
  /**
   * Memory outside torch's allocator: CUDA context and cuBLAS workspaces on every GPU, plus NCCL and custom
   * all-reduce buffers once tensor parallelism is on (they grow with the number of ranks).
   * Fit error: median 0.02 GiB, worst 0.20 GiB (granite-3.x reports 0.46 GiB on one GPU).
   */
  nonTorch: { singleGpuGiB: 0.2717, multiGpuGiB: 1.7183, perRankGiB: 0.045 },
  /**
   * CUDA-graph pool captured after the KV cache is allocated: it is not taken from the KV budget but must fit in
   * the memory `--gpu-memory-utilization` leaves free. Base pool + per-layer graph nodes + MoE kernel buffers.
   * Fit error: median 0.07 GiB, worst 0.42 GiB.
   */
  cudaGraph: { baseGiB: 0.3709, perLayerGiB: 0.0154, moeGiB: 0.4394 },
} as const;

/**
 * Everything the memory model needs about one vLLM instance.
 *
 * @public
 */
export interface VllmMemoryInput {
  model: ModelArchitecture;
  precision: WeightPrecision;
  /** Default: `defaultActivationDtype(precision)`. */
  activationDtype?: ActivationDtype;
  /** Default `auto`. */
  kvCacheDtype?: KvCacheDtype;
  tensorParallelSize: number;
  /** Default 1; the estimate is for the fullest stage (the one holding an embedding matrix). */
  pipelineParallelSize?: number;
  maxModelLen: number;
  gpuMemoryUtilization: number;
  /** Total memory the CUDA runtime reports per GPU, GiB. */
  usableMemoryGiB: number;
  scheduler: VllmSchedulerLimits;
  /** Default 16. */
  blockSize?: number;
  /** The vLLM release whose accounting to follow (default: the newest, see {@link vllmEngineBehaviour}). */
  engine?: VllmEngineBehaviour;
  /** Replace the release group's overheads (configuration, or a calibration refit). */
  overheads?: Partial<EngineOverheads>;
}

/**
 * Per-GPU memory of one vLLM worker, GiB.
 *
 * @public
 */
export interface VllmMemoryBreakdown {
  totalGiB: number;
  /** totalGiB × gpu_memory_utilization: what vLLM lets itself use. */
  budgetGiB: number;
  weightsGiB: number;
  activationPeakGiB: number;
  nonTorchGiB: number;
  /** KV cache = budget − weights − activation peak − non-torch (vLLM's own accounting). */
  kvCacheGiB: number;
  /** CUDA graphs: outside the budget, in the remaining headroom. */
  cudaGraphGiB: number;
  /** totalGiB − budgetGiB. */
  headroomGiB: number;
  /** Part of the activation peak: the vision encoder's run on dummy images (multimodal models). */
  encoderProfilingGiB?: number;
}

/**
 * Result of {@link estimateVllmMemory}.
 *
 * @public
 */
export interface VllmMemoryEstimate {
  perGpu: VllmMemoryBreakdown;
  /**
   * KV bytes one token occupies on one GPU in the full and sliding attention layers, including the padding of
   * vLLM's hybrid allocator (what "GPU KV cache size: N tokens" divides by).
   */
  kvBytesPerTokenPerGpu: number;
  /** What vLLM logs as "GPU KV cache size: N tokens" (0 when the budget is exhausted). */
  kvCacheTokens: number;
  /**
   * vLLM's "Maximum concurrency" at full-length requests: kvCacheTokens / maxModelLen for uniform models; KV memory
   * / kvCacheGiBPerSequence when sliding windows, recurrent states or cross-attention make a sequence cheaper or
   * dearer than maxModelLen tokens.
   */
  maxConcurrency: number;
  /**
   * KV cache and recurrent state one full-length sequence needs, GiB, per layer type (see
   * {@link kvCacheBytesPerSequence}); vLLM refuses to start when it exceeds kvCacheGiB.
   */
  kvCacheGiBPerSequence: number;
  /** False when vLLM would stop with "max seq len … is larger than the maximum number of tokens …". */
  fitsMaxModelLen: boolean;
  /** False when the CUDA-graph pool does not fit in the memory outside the budget (capture would OOM). */
  cudaGraphFits: boolean;
}

/**
 * Weights held by one GPU, GiB: quantizable linear layers at the precision's width, embeddings/LM head and vision
 * towers at the activation width, sharded by tensor parallelism; plus the rotary cos/sin cache every rank keeps.
 * Pipeline stages split the layers; the fullest stage also holds one embedding matrix (and the vision tower).
 * Reproduces every weights figure of the calibration sweep within 1.6% (median 0.1%).
 *
 * @public
 */
export function weightsPerGpuGiB(
  model: ModelArchitecture,
  precision: WeightPrecision,
  options: {
    activationDtype?: ActivationDtype;
    tensorParallelSize: number;
    pipelineParallelSize?: number;
  },
): number {
  const activation =
    options.activationDtype ?? defaultActivationDtype(precision);
  const tp = options.tensorParallelSize;
  const pp = options.pipelineParallelSize ?? 1;
  const params = estimateParameters(model);
  const wide = activationBytes(activation);
  const linear = linearWeightBytes(precision, activation);
  let bodyBytes: number;
  if (precision === 'mxfp4' && model.moe) {
    bodyBytes = mxfp4ExpertBytes(model, tp) + params.decoder * wide;
  } else if (precision === 'mxfp4') {
    bodyBytes = (params.decoder + params.experts) * wide; // MXFP4 only applies to experts
  } else {
    bodyBytes = (params.decoder + params.experts) * linear;
  }
  const unquantized =
    pp > 1
      ? params.inputEmbedding + params.vision
      : params.embeddings + params.vision;
  const shardedBytes = bodyBytes / pp + unquantized * wide;
  const rotaryDim =
    model.rotaryDim ?? (model.mla ? model.mla.qkRopeHeadDim : headDimOf(model));
  const ropeBytes =
    (model.ropeCachePositions ?? model.maxPositionEmbeddings) *
    rotaryDim *
    wide;
  return (shardedBytes / tp + ropeBytes) / GIB;
}

/** vLLM's MXFP4 MoE layout pads the hidden size to 256 and each rank's expert width to 128. */
function mxfp4ExpertBytes(model: ModelArchitecture, tp: number): number {
  const moe = model.moe!;
  const hidden = Math.ceil(model.hiddenSize / 256) * 256;
  const width = Math.ceil(moe.expertIntermediateSize / tp / 128) * 128 * tp;
  const moeLayers = model.numHiddenLayers - (moe.denseLayers ?? 0);
  return (
    moeLayers *
    moe.numExperts *
    3 *
    hidden *
    width *
    linearWeightBytes('mxfp4', 'bf16')
  );
}

/**
 * Reproduces vLLM's startup memory accounting for one instance: KV cache = total × utilization − weights −
 * activation peak − non-torch memory; CUDA graphs are captured afterwards in the remaining headroom.
 *
 * @public
 */
export function estimateVllmMemory(input: VllmMemoryInput): VllmMemoryEstimate {
  const activation =
    input.activationDtype ?? defaultActivationDtype(input.precision);
  const tp = input.tensorParallelSize;
  const pp = input.pipelineParallelSize ?? 1;
  const blockSize = input.blockSize ?? VLLM_BLOCK_SIZE;
  const { model, scheduler } = input;
  const overhead = VLLM_OVERHEAD_MODEL;

  const weightsGiB = weightsPerGpuGiB(model, input.precision, {
    activationDtype: activation,
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
  });
  const engine = input.engine ?? vllmEngineBehaviour();
  const releaseOverheads = {
    ...engineOverheads(engine.group),
    ...input.overheads,
  };
  const maxNumSeqs = Math.min(
    scheduler.maxNumSeqs,
    scheduler.maxNumBatchedTokens,
  );
  const samplerGiB =
    (maxNumSeqs * model.vocabSize * releaseOverheads.samplerBytesPerLogit) /
    GIB;
  const encoderProfilingGiB = encoderProfilingPeakGiB(
    model,
    scheduler.maxNumBatchedTokens,
    tp,
    activation,
  );
  const activationPeakGiB =
    overhead.activation.baseGiB +
    samplerGiB +
    forwardBeyondSweepGiB(
      model,
      scheduler.maxNumBatchedTokens,
      tp,
      activation,
    ) +
    encoderProfilingGiB +
    overhead.activation.moeWorkspaceFactor *
      moeWorkspaceGiB(model, scheduler.maxNumBatchedTokens, tp, activation);
  const nonTorchGiB =
    overhead.nonTorch.singleGpuGiB +
    (tp > 1 ? releaseOverheads.multiGpuNonTorchGiB(tp) : 0);
  const layersPerStage = Math.ceil(model.numHiddenLayers / pp);
  const cudaGraphGiB =
    overhead.cudaGraph.baseGiB +
    overhead.cudaGraph.perLayerGiB * layersPerStage +
    (model.moe ? overhead.cudaGraph.moeGiB : 0);

  const totalGiB = input.usableMemoryGiB;
  const budgetGiB = totalGiB * input.gpuMemoryUtilization;
  // From 0.21 the CUDA-graph pool is profiled first and comes out of the budget too.
  const kvCacheGiB =
    budgetGiB -
    weightsGiB -
    activationPeakGiB -
    nonTorchGiB -
    (engine.cudaGraphInBudget ? cudaGraphGiB : 0);
  const kvOptions = {
    kvCacheDtype: input.kvCacheDtype,
    activationDtype: activation,
    tensorParallelSize: tp,
    pipelineParallelSize: pp,
  };
  const rawBytesPerToken = kvCacheBytesPerToken(model, kvOptions);
  const counts = kvLayerCounts(model);
  const attentionLayersPerStage = Math.ceil(
    (counts.full + counts.sliding) / pp,
  );
  const kvBytesPerTokenPerGpu =
    attentionLayersPerStage > 0
      ? (rawBytesPerToken * kvLayerSlots(model, attentionLayersPerStage)) /
        attentionLayersPerStage
      : 0;
  // Uniform models: a sequence is maxModelLen tokens. Hybrids: each layer type counts its own way.
  const bytesPerSequence = hasNonFullLayers(model)
    ? kvCacheBytesPerSequence(model, {
        ...kvOptions,
        maxModelLen: input.maxModelLen,
        maxNumBatchedTokens: scheduler.maxNumBatchedTokens,
        blockSize,
      })
    : kvBytesPerTokenPerGpu * input.maxModelLen;
  const kvBytes = Math.max(0, kvCacheGiB) * GIB;
  const maxConcurrency = hasNonFullLayers(model)
    ? kvBytes / bytesPerSequence
    : undefined;
  // With no attention layer (a pure state model) vLLM's token count follows from whole sequences.
  const tokensFromSequences =
    Math.floor(maxConcurrency ?? 0) * input.maxModelLen;
  const tokensFromLayers =
    kvBytesPerTokenPerGpu > 0
      ? Math.floor(kvBytes / kvBytesPerTokenPerGpu / blockSize) * blockSize
      : tokensFromSequences;
  const kvCacheTokens = kvCacheGiB > 0 ? tokensFromLayers : 0;
  const headroomGiB = totalGiB - budgetGiB;
  return {
    perGpu: {
      totalGiB,
      budgetGiB,
      weightsGiB,
      activationPeakGiB,
      nonTorchGiB,
      kvCacheGiB,
      cudaGraphGiB,
      headroomGiB,
      ...(encoderProfilingGiB > 0 ? { encoderProfilingGiB } : {}),
    },
    kvBytesPerTokenPerGpu,
    kvCacheTokens,
    maxConcurrency: maxConcurrency ?? kvCacheTokens / input.maxModelLen,
    kvCacheGiBPerSequence: bytesPerSequence / GIB,
    fitsMaxModelLen:
      maxConcurrency === undefined
        ? kvCacheTokens >= input.maxModelLen
        : maxConcurrency >= 1,
    cudaGraphFits: engine.cudaGraphInBudget || cudaGraphGiB <= headroomGiB,
  };
}

/** Fused-MoE intermediate buffers for one profiling batch: tokens × top-k × (3 × expert width / TP + hidden). */
function moeWorkspaceGiB(
  model: ModelArchitecture,
  tokens: number,
  tp: number,
  activation: ActivationDtype,
): number {
  if (!model.moe) return 0;
  const width = model.moe.expertIntermediateSize / tp;
  return (
    (tokens *
      model.moe.topK *
      (3 * width + model.hiddenSize) *
      activationBytes(activation)) /
    GIB
  );
}

/** The sweep ran 8192-token profiling steps: its fitted base already holds a forward pass of that size. */
const SWEEP_PROFILING_TOKENS = 8192;

/**
 * Forward-pass activations of a profiling batch larger than the sweep's (V0 without chunked prefill profiles a
 * whole max-model-len prompt): the MLP's widest intermediate (gate and up outputs) plus a hidden-size buffer per
 * extra token. Physical extrapolation, not fitted: no calibration run profiles more than 8192 tokens.
 */
function forwardBeyondSweepGiB(
  model: ModelArchitecture,
  tokens: number,
  tp: number,
  activation: ActivationDtype,
): number {
  const extra = tokens - SWEEP_PROFILING_TOKENS;
  if (extra <= 0) return 0;
  const mlpOutputs = model.mlp === 'plain' ? 1 : 2;
  const width = (mlpOutputs * model.intermediateSize) / tp + model.hiddenSize;
  return (extra * width * activationBytes(activation)) / GIB;
}

/**
 * vLLM's multimodal profiling runs the vision encoder on as many of the largest dummy images as the encoder
 * budget allows (max(max_num_batched_tokens, tokens of one image)), then keeps their embeddings for the
 * language model. Peak ≈ patches × (MLP intermediate outputs + 4 hidden-size buffers) × activation bytes /
 * TP (vLLM shards the encoder's linear layers), plus the embeddings. Physical estimate: one public log
 * (Qwen2.5-VL-72B, vllm-public-logs.json) checks it; plans for vision models carry the wider band.
 */
function encoderProfilingPeakGiB(
  model: ModelArchitecture,
  maxNumBatchedTokens: number,
  tp: number,
  activation: ActivationDtype,
): number {
  const encoder = model.visionEncoder;
  if (!encoder) return 0;
  const budget = Math.max(maxNumBatchedTokens, encoder.tokensPerItem);
  const items = Math.max(1, Math.floor(budget / encoder.tokensPerItem));
  const mlpOutputs = encoder.gatedMlp ? 2 : 1;
  const perPatch =
    (mlpOutputs * encoder.intermediateSize) / tp + 4 * encoder.hiddenSize;
  const bytes = activationBytes(activation);
  const encoderPeak = items * encoder.patchesPerItem * perPatch * bytes;
  const embeddings = items * encoder.tokensPerItem * model.hiddenSize * bytes;
  return (encoderPeak + embeddings) / GIB;
}

import { ModelArchitecture } from '../catalog/modelTypes';
import { headDimOf } from '../catalog/models';
import {
  ActivationDtype,
  KvCacheDtype,
  activationBytes,
  kvCacheElementBytes,
} from './precision';
import { VLLM_BLOCK_SIZE } from './vllmDefaults';

/**
 * How the KV cache is laid out: its element type and how the layers and heads are split over GPUs.
 *
 * @public
 */
export interface KvLayout {
  kvCacheDtype?: KvCacheDtype;
  activationDtype: ActivationDtype;
  tensorParallelSize?: number;
  pipelineParallelSize?: number;
}

/**
 * KV-cache bytes per token on one GPU (without allocator padding), over the self-attention layers only (full and
 * sliding window): 2 (K and V) × layers × KV heads per rank × head dim × element bytes. KV heads are replicated
 * once tensor parallelism exceeds their count; MLA caches one latent of kvLoraRank + ropeDim per layer on every
 * rank. Linear-attention, Mamba and cross-attention layers hold no per-text-token cache (see
 * {@link kvCacheBytesPerSequence}).
 *
 * Sources (vLLM, github.com/vllm-project/vllm, `vllm/v1/kv_cache_interface.py` @ 001cabc1):
 * `AttentionSpec.real_page_size_bytes` = 2 × block_size × num_kv_heads × head_size × dtype size;
 * `MLAAttentionSpec.real_page_size_bytes` = block_size × 1 × head_size × dtype size, with head_size =
 * kv_lora_rank + qk_rope_head_dim (one latent, no heads).
 *
 * @public
 */
export function kvCacheBytesPerToken(
  model: ModelArchitecture,
  options: KvLayout,
): number {
  const counts = kvLayerCounts(model);
  const layers = Math.ceil(
    (counts.full + counts.sliding) / (options.pipelineParallelSize ?? 1),
  );
  return layers * kvBytesPerTokenPerLayer(model, options);
}

/** One attention layer's KV bytes per token on one GPU. */
function kvBytesPerTokenPerLayer(
  model: ModelArchitecture,
  options: {
    kvCacheDtype?: KvCacheDtype;
    activationDtype: ActivationDtype;
    tensorParallelSize?: number;
  },
): number {
  const element = kvCacheElementBytes(
    options.kvCacheDtype ?? 'auto',
    options.activationDtype,
  );
  if (model.mla) {
    return (model.mla.kvLoraRank + model.mla.qkRopeHeadDim) * element;
  }
  const kvHeadsPerRank = Math.max(
    1,
    model.numKeyValueHeads / (options.tensorParallelSize ?? 1),
  );
  return 2 * Math.ceil(kvHeadsPerRank) * headDimOf(model) * element;
}

/**
 * The decoder layers of a model by what they cache.
 *
 * @public
 */
export interface KvLayerCounts {
  /** Self-attention over the whole context. */
  full: number;
  /** Self-attention over the last `slidingWindow` tokens. */
  sliding: number;
  /** Linear attention (Gated DeltaNet): a fixed state per sequence. */
  linear: number;
  /** Mamba: a fixed state per sequence. */
  mamba: number;
  /** Cross-attention to encoder tokens. */
  cross: number;
}

/**
 * Splits numHiddenLayers by layer type: linear, Mamba and cross-attention layers are named by their own fields,
 * sliding layers by slidingWindowLayers, and the rest are full attention.
 *
 * @public
 */
export function kvLayerCounts(model: ModelArchitecture): KvLayerCounts {
  const linear = model.linearAttention?.layers ?? 0;
  const mamba = model.mamba?.layers ?? 0;
  const cross = model.crossAttention?.layers ?? 0;
  const selfAttention = Math.max(
    0,
    model.numHiddenLayers - linear - mamba - cross,
  );
  const sliding = Math.min(model.slidingWindowLayers ?? 0, selfAttention);
  return { full: selfAttention - sliding, sliding, linear, mamba, cross };
}

/**
 * Bytes of recurrent state one sequence keeps in one linear-attention or Mamba layer on one GPU, in the
 * activation dtype (vLLM's `mamba_cache_dtype` default `auto`).
 *
 * Sources (vLLM, `vllm/model_executor/layers/mamba/mamba_utils.py` @ 02d71083, `MambaStateShapeCalculator`):
 * Gated DeltaNet: conv state (2·key_heads·key_dim + value_heads·value_dim)/TP × (conv_kernel − 1) plus temporal
 * state value_heads/TP × value_dim × key_dim; Mamba-1: conv state inner/TP × (d_conv − 1) plus temporal state
 * inner/TP × d_state, inner = expand × hidden. `MambaSpec.max_memory_usage_bytes` in
 * `vllm/v1/kv_cache_interface.py` is one such page per request (prefix-caching mode `none`).
 *
 * @public
 */
export function stateBytesPerSequencePerLayer(
  model: ModelArchitecture,
  kind: 'linear' | 'mamba',
  options: { activationDtype: ActivationDtype; tensorParallelSize?: number },
): number {
  const tp = options.tensorParallelSize ?? 1;
  const element = activationBytes(options.activationDtype);
  if (kind === 'linear') {
    const la = model.linearAttention;
    if (!la) return 0;
    const convDim =
      2 * la.numKeyHeads * la.keyHeadDim + la.numValueHeads * la.valueHeadDim;
    const conv = (convDim / tp) * (la.convKernelDim - 1);
    const temporal = (la.numValueHeads / tp) * la.valueHeadDim * la.keyHeadDim;
    return (conv + temporal) * element;
  }
  const m = model.mamba;
  if (!m) return 0;
  const inner = (m.expand * model.hiddenSize) / tp;
  return (inner * (m.dConv - 1) + inner * m.dState) * element;
}

/**
 * KV-cache and state bytes one sequence of `maxModelLen` tokens needs on one GPU, by layer type, the way vLLM's
 * `max_memory_usage_bytes` counts them (`vllm/v1/kv_cache_interface.py` @ 001cabc1):
 * - full attention: maxModelLen tokens (`FullAttentionSpec`);
 * - sliding window: min(window − 1 + max_num_batched_tokens, maxModelLen) tokens plus one block, because a
 *   chunked prefill holds the window and the chunk being computed (`SlidingWindowSpec`); without a known window,
 *   as full attention;
 * - linear attention and Mamba: one fixed state per sequence (`MambaSpec`);
 * - cross-attention: the request's encoder tokens (`CrossAttentionSpec`).
 * Full and sliding layers are counted in the padded slots of vLLM's hybrid allocator.
 *
 * @public
 */
export function kvCacheBytesPerSequence(
  model: ModelArchitecture,
  options: KvLayout & {
    maxModelLen: number;
    maxNumBatchedTokens: number;
    blockSize?: number;
  },
): number {
  const pp = options.pipelineParallelSize ?? 1;
  const blockSize = options.blockSize ?? VLLM_BLOCK_SIZE;
  const counts = kvLayerCounts(model);
  const perLayer = kvBytesPerTokenPerLayer(model, options);
  const slots = kvLayerSlotsByType(
    Math.ceil(counts.full / pp),
    Math.ceil(counts.sliding / pp),
  );
  const slidingTokens =
    model.slidingWindow === undefined
      ? options.maxModelLen
      : Math.min(
          model.slidingWindow - 1 + options.maxNumBatchedTokens,
          options.maxModelLen,
        ) + blockSize;
  const attention =
    perLayer *
    (slots.full * options.maxModelLen + slots.sliding * slidingTokens);
  const cross =
    perLayer *
    Math.ceil(counts.cross / pp) *
    (model.crossAttention?.encoderTokensPerSequence ?? 0);
  const state =
    Math.ceil(counts.linear / pp) *
      stateBytesPerSequencePerLayer(model, 'linear', options) +
    Math.ceil(counts.mamba / pp) *
      stateBytesPerSequencePerLayer(model, 'mamba', options);
  return attention + cross + state;
}

/** True when some layer does not cache every token of the context (so tokens alone do not size a sequence). */
export function hasNonFullLayers(model: ModelArchitecture): boolean {
  const counts = kvLayerCounts(model);
  return (
    counts.linear + counts.mamba + counts.cross > 0 ||
    (counts.sliding > 0 && model.slidingWindow !== undefined)
  );
}

/**
 * Layer slots vLLM's hybrid KV allocator reserves: sliding-window and full-attention layers are grouped in groups
 * of equal size (the smaller count), padded up. Equal to the layer count for uniform models.
 */
export function kvLayerSlots(model: ModelArchitecture, layers: number): number {
  const sliding = Math.min(kvLayerCounts(model).sliding, layers);
  const slots = kvLayerSlotsByType(layers - sliding, sliding);
  return slots.full + slots.sliding;
}

function kvLayerSlotsByType(
  full: number,
  sliding: number,
): { full: number; sliding: number } {
  if (sliding === 0 || full === 0) return { full, sliding };
  const group = Math.min(sliding, full);
  return {
    full: Math.ceil(full / group) * group,
    sliding: Math.ceil(sliding / group) * group,
  };
}

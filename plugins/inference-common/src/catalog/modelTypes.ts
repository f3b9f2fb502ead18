/**
 * Mixture-of-experts numbers of a model (Hugging Face config names in brackets).
 *
 * @public
 */
export interface MoeArchitecture {
  /** Routed experts per MoE layer (`num_local_experts`, `n_routed_experts`, `num_experts`). */
  numExperts: number;
  /** Hidden width of one expert (`moe_intermediate_size`, or `intermediate_size` in Mixtral). */
  expertIntermediateSize: number;
  /** Experts each token is routed to (`num_experts_per_tok`). */
  topK: number;
  /** Total width of the always-on shared expert(s), 0 when none. */
  sharedExpertIntermediateSize?: number;
  /** Leading layers that use a dense MLP of `intermediateSize` instead (`first_k_dense_replace`). */
  denseLayers?: number;
}

/**
 * Multi-head latent attention numbers (DeepSeek-V2/V3 family): the KV cache holds one compressed latent per token.
 *
 * @public
 */
export interface MlaArchitecture {
  kvLoraRank: number;
  qkRopeHeadDim: number;
  qkNopeHeadDim: number;
  vHeadDim: number;
}

/**
 * The numbers that describe a transformer for sizing, named after Hugging Face `config.json` keys in camelCase.
 * Any model can be described this way; catalog models carry them already.
 *
 * @public
 */
export interface ModelArchitecture {
  numHiddenLayers: number;
  hiddenSize: number;
  numAttentionHeads: number;
  numKeyValueHeads: number;
  /** `head_dim`; defaults to hiddenSize / numAttentionHeads. */
  headDim?: number;
  /** Dense MLP width. */
  intermediateSize: number;
  vocabSize: number;
  /** Longest context the model was trained for; vLLM's default `--max-model-len`. */
  maxPositionEmbeddings: number;
  /** True when the LM head shares the input embedding matrix. */
  tieWordEmbeddings: boolean;
  /** `gated` (SwiGLU/GeGLU: gate, up, down) or `plain` (up, down). Default gated. */
  mlp?: 'gated' | 'plain';
  moe?: MoeArchitecture;
  mla?: MlaArchitecture;
  /** Parameters of a vision tower and projector, kept at 16 bits by weight quantization. */
  visionParams?: number;
  /** Total positions of the rotary caches vLLM allocates (default maxPositionEmbeddings; linear scaling multiplies it). */
  ropeCachePositions?: number;
  /** Rotary dimensions (default headDim; qkRopeHeadDim for MLA). */
  rotaryDim?: number;
  /** Layers with sliding-window or chunked attention; vLLM's hybrid KV allocator pads layer groups to equal size. */
  slidingWindowLayers?: number;
  /** Published total parameter count; when set it replaces the computed total (the split stays computed). */
  parameterCount?: number;
}

/**
 * A model of the embedded catalog.
 *
 * @public
 */
export interface CatalogModel extends ModelArchitecture {
  /** Catalog id, e.g. `llama-3.1-8b`. */
  id: string;
  /** Hugging Face repository. */
  hfRepo: string;
  kind: 'llm' | 'embedding';
  /** Parameter count computed from the config in the reference (billions), to cross-check the estimate. */
  referenceParamsBillion?: number;
  /** Where the numbers come from. */
  source: string;
  /** True when the numbers are assumed rather than read (e.g. a distill assumed to share its base's config). */
  unverified: boolean;
  notes?: string;
}

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
  /**
   * Layers that use a dense MLP of `intermediateSize` instead: DeepSeek's leading `first_k_dense_replace`,
   * Qwen's `mlp_only_layers`, or Jamba's layers outside `expert_layer_period`. Only the count matters for sizing.
   */
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
  /** Low-rank query compression (`q_lora_rank`); absent when the query projection is full rank (V2-Lite). */
  qLoraRank?: number;
}

/**
 * Gated DeltaNet linear-attention layers (Qwen3-Next / Qwen3.5): each keeps a fixed recurrent state per
 * sequence instead of a per-token KV cache.
 *
 * @public
 */
export interface LinearAttentionArchitecture {
  /** How many of `numHiddenLayers` are linear-attention layers. */
  layers: number;
  numKeyHeads: number;
  numValueHeads: number;
  keyHeadDim: number;
  valueHeadDim: number;
  /** Width of the causal convolution before the recurrence (`linear_conv_kernel_dim`). */
  convKernelDim: number;
}

/**
 * Mamba (selective state space, Mamba-1) layers of a hybrid such as Jamba: a fixed state per sequence.
 *
 * @public
 */
export interface MambaArchitecture {
  /** How many of `numHiddenLayers` are Mamba layers. */
  layers: number;
  /** SSM state size per channel (`mamba_d_state`). */
  dState: number;
  /** Convolution width (`mamba_d_conv`). */
  dConv: number;
  /** Inner width = expand × hiddenSize (`mamba_expand`). */
  expand: number;
  /** Rank of the Δ projection (`mamba_dt_rank`, default ceil(hiddenSize / 16)). */
  dtRank?: number;
}

/**
 * Cross-attention layers that attend to encoder (image) tokens (Llama 3.2 Vision): their KV cache holds the
 * encoder tokens of a request, not its text tokens.
 *
 * @public
 */
export interface CrossAttentionArchitecture {
  /** How many of `numHiddenLayers` are cross-attention layers. */
  layers: number;
  /** Encoder tokens one request brings (one image at the largest tiling), what each cross layer caches. */
  encoderTokensPerSequence: number;
}

/**
 * The vision encoder vLLM runs on dummy images when it profiles memory at startup (multimodal models): its
 * activations of that run are taken from the KV-cache budget.
 *
 * @public
 */
export interface VisionEncoderArchitecture {
  layers: number;
  hiddenSize: number;
  intermediateSize: number;
  /** SiLU/SwiGLU MLP (gate, up, down) instead of up/down. */
  gatedMlp: boolean;
  /** Patches the encoder processes for the largest image the processor accepts. */
  patchesPerItem: number;
  /** Tokens that image becomes in the language model (after patch merging). */
  tokensPerItem: number;
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
  /** The vision encoder's profiling workload (multimodal models). */
  visionEncoder?: VisionEncoderArchitecture;
  /** Total positions of the rotary caches vLLM allocates (default maxPositionEmbeddings; linear scaling multiplies it). */
  ropeCachePositions?: number;
  /** Rotary dimensions (default headDim; qkRopeHeadDim for MLA). */
  rotaryDim?: number;
  /** Layers with sliding-window or chunked attention; vLLM's hybrid KV allocator pads layer groups to equal size. */
  slidingWindowLayers?: number;
  /**
   * Tokens a sliding-window layer attends to (`sliding_window`). When set, those layers keep at most the window
   * per sequence; when absent they are sized like full attention (the older, conservative behaviour).
   */
  slidingWindow?: number;
  /** Linear-attention layers among numHiddenLayers (no per-token KV cache). */
  linearAttention?: LinearAttentionArchitecture;
  /** Mamba layers among numHiddenLayers (no per-token KV cache). */
  mamba?: MambaArchitecture;
  /** Cross-attention layers among numHiddenLayers (KV per encoder token). */
  crossAttention?: CrossAttentionArchitecture;
  /** Learned attention sinks (gpt-oss): one logit per head, no KV-cache cost; kept so a plan can say so. */
  attentionSinks?: boolean;
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

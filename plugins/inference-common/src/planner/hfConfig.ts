import {
  ModelArchitecture,
  MoeArchitecture,
  MlaArchitecture,
} from '../catalog/modelTypes';
import { HfTextConfig, hfConfigSchema } from './hfConfigSchema';
import { HfLayerTypeCounts, layerTypesFromHfConfig } from './hfLayerTypes';
import { precisionFromHfConfig } from './hfQuantization';
import {
  crossAttentionEncoderTokens,
  visionParamsFromHfConfig,
  visionEncoderFromHfConfig,
} from './hfVision';
import { WeightPrecision } from './precision';

/**
 * Text-decoder families (`model_type`) whose config keys the parser knows. Anything else is refused rather than
 * read with keys that may mean something else.
 *
 * @public
 */
export const SUPPORTED_HF_MODEL_TYPES: readonly string[] = [
  'llama',
  'mistral',
  'mixtral',
  'qwen2',
  'qwen2_moe',
  'qwen3',
  'qwen3_moe',
  'qwen3_next',
  'gemma',
  'gemma2',
  'gemma3',
  'gemma3_text',
  'phi3',
  'granite',
  'deepseek_v2',
  'deepseek_v3',
  'gpt_oss',
  'jamba',
  'mllama',
  'mllama_text_model',
  'qwen2_vl',
  'qwen2_vl_text',
  'qwen2_5_vl',
  'qwen2_5_vl_text',
];

/**
 * What a `config.json` says about a model, for the planner.
 *
 * @public
 */
export interface HfModelDescription {
  /** The text decoder's `model_type`. */
  modelType: string;
  architecture: ModelArchitecture;
  /** The weight precision its checkpoint is stored in. */
  precision: WeightPrecision;
  /** Decoder layers by type, and the key the split came from. */
  layerTypes: HfLayerTypeCounts;
  /** Assumptions a reader should know about (e.g. a sliding window sized as full attention). */
  notes: string[];
}

/**
 * Reads a Hugging Face `config.json` (already parsed from JSON) into the planner's model description.
 * Throws an error naming the missing keys, the unsupported family or the unsupported feature; never guesses.
 *
 * @public
 */
export function describeHfConfig(config: unknown): HfModelDescription {
  const parsed = hfConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map(i => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new Error(`Not a usable config.json: ${issues}`);
  }
  const root = parsed.data;
  const { text_config, vision_config, quantization_config, ...top } = root;
  // Multimodal configs nest the decoder; top-level keys (tie_word_embeddings, dtype) are the fallback.
  const text: HfTextConfig = { ...top, ...(text_config ?? {}) };
  const modelType = text_config?.model_type ?? root.model_type;
  if (!modelType || !SUPPORTED_HF_MODEL_TYPES.includes(modelType)) {
    throw new Error(
      `Unsupported architecture: model_type '${modelType ?? '(missing)'}'${
        root.architectures ? ` (${root.architectures.join(', ')})` : ''
      }; the planner reads ${SUPPORTED_HF_MODEL_TYPES.join(', ')}`,
    );
  }
  const notes: string[] = [];
  fillFamilyDefaults(text, modelType, notes);
  const required = requireKeys(text, [
    'num_hidden_layers',
    'hidden_size',
    'num_attention_heads',
    'intermediate_size',
    'vocab_size',
    'max_position_embeddings',
  ]);
  const layers = required.num_hidden_layers;
  const heads = required.num_attention_heads;
  if (text.num_key_value_heads === undefined) {
    notes.push(
      'num_key_value_heads absent: multi-head attention (as many KV heads as query heads), the transformers default',
    );
  }
  const layerTypes = layerTypesFromHfConfig(text, layers, notes);
  const headDim = text.head_dim ?? undefined;
  const architecture: ModelArchitecture = {
    numHiddenLayers: layers,
    hiddenSize: required.hidden_size,
    numAttentionHeads: heads,
    numKeyValueHeads: text.num_key_value_heads ?? heads,
    ...(headDim ? { headDim } : {}),
    intermediateSize: required.intermediate_size,
    vocabSize: required.vocab_size,
    maxPositionEmbeddings: required.max_position_embeddings,
    // transformers' PretrainedConfig default is true.
    tieWordEmbeddings: text.tie_word_embeddings ?? true,
  };
  const moe = moeFromHfConfig(text, layers);
  if (moe) architecture.moe = moe;
  const mla = mlaFromHfConfig(text);
  if (mla) {
    architecture.mla = mla;
    architecture.headDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim;
  }
  addLayerTypes(architecture, text, layerTypes);
  addRotary(architecture, text, modelType);
  if (modelType === 'gpt_oss') architecture.attentionSinks = true;
  if (vision_config) {
    architecture.visionParams = Math.round(
      visionParamsFromHfConfig(vision_config, required.hidden_size),
    );
    notes.push(
      'vision tower parameters approximated from vision_config (see visionParamsFromHfConfig)',
    );
    const encoder = visionEncoderFromHfConfig(vision_config);
    if (encoder) {
      architecture.visionEncoder = root.mm_tokens_per_image
        ? { ...encoder, tokensPerItem: root.mm_tokens_per_image }
        : encoder;
    } else
      notes.push(
        'no image size in vision_config: the vision encoder profiling run is not sized',
      );
  }
  if (layerTypes.cross > 0) {
    if (!vision_config) {
      throw new Error(
        'cross_attention_layers without vision_config: cannot size the cross-attention KV cache',
      );
    }
    architecture.crossAttention = {
      layers: layerTypes.cross,
      encoderTokensPerSequence: crossAttentionEncoderTokens(vision_config),
    };
  }
  const precision = precisionFromHfConfig(
    quantization_config,
    text.torch_dtype ?? text.dtype ?? root.torch_dtype ?? root.dtype,
    notes,
  );
  return { modelType, architecture, precision, layerTypes, notes };
}

/**
 * The planner's ModelArchitecture for a Hugging Face `config.json` (see {@link describeHfConfig}).
 *
 * @public
 */
export function architectureFromHfConfig(config: unknown): ModelArchitecture {
  return describeHfConfig(config).architecture;
}

function requireKeys<K extends keyof HfTextConfig>(
  text: HfTextConfig,
  keys: K[],
): Record<K, number> {
  const missing = keys.filter(key => typeof text[key] !== 'number');
  if (missing.length > 0) {
    throw new Error(
      `config.json lacks ${missing.join(', ')} (model_type '${
        text.model_type
      }')`,
    );
  }
  return Object.fromEntries(keys.map(key => [key, text[key]])) as Record<
    K,
    number
  >;
}

function moeFromHfConfig(
  text: HfTextConfig,
  layers: number,
): MoeArchitecture | undefined {
  const numExperts =
    text.num_local_experts ?? text.num_experts ?? text.n_routed_experts ?? 0;
  if (numExperts <= 1) return undefined;
  const topK = text.num_experts_per_tok ?? text.experts_per_token;
  if (!topK) {
    throw new Error(
      `config.json has ${numExperts} experts but no num_experts_per_tok (or experts_per_token)`,
    );
  }
  const expertIntermediateSize =
    text.moe_intermediate_size ?? text.intermediate_size!;
  const shared =
    text.shared_expert_intermediate_size ??
    (text.n_shared_experts ?? 0) * expertIntermediateSize;
  const dense = layers - moeLayerCount(text, layers);
  return {
    numExperts,
    expertIntermediateSize,
    topK,
    ...(shared > 0 ? { sharedExpertIntermediateSize: shared } : {}),
    ...(dense > 0 ? { denseLayers: dense } : {}),
  };
}

/** Layers whose MLP is a mixture of experts, by the family's own key. */
function moeLayerCount(text: HfTextConfig, layers: number): number {
  const denseSet = new Set(text.mlp_only_layers ?? []);
  let n = 0;
  for (let i = 0; i < layers; i++) {
    if (denseSet.has(i)) continue;
    if (text.first_k_dense_replace !== undefined) {
      const freq = text.moe_layer_freq ?? 1;
      if (i >= text.first_k_dense_replace && i % freq === 0) n += 1;
    } else if (text.expert_layer_period) {
      if (i % text.expert_layer_period === (text.expert_layer_offset ?? 0))
        n += 1;
    } else if (text.decoder_sparse_step) {
      if ((i + 1) % text.decoder_sparse_step === 0) n += 1;
    } else {
      n += 1;
    }
  }
  return n;
}

function mlaFromHfConfig(text: HfTextConfig): MlaArchitecture | undefined {
  if (!text.kv_lora_rank) return undefined;
  const missing = (
    ['qk_rope_head_dim', 'qk_nope_head_dim', 'v_head_dim'] as const
  ).filter(key => text[key] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `config.json has kv_lora_rank (MLA) but lacks ${missing.join(', ')}`,
    );
  }
  return {
    kvLoraRank: text.kv_lora_rank,
    qkRopeHeadDim: text.qk_rope_head_dim!,
    qkNopeHeadDim: text.qk_nope_head_dim!,
    vHeadDim: text.v_head_dim!,
    ...(text.q_lora_rank ? { qLoraRank: text.q_lora_rank } : {}),
  };
}

function addLayerTypes(
  architecture: ModelArchitecture,
  text: HfTextConfig,
  types: HfLayerTypeCounts,
): void {
  if (types.sliding > 0) {
    if (!text.sliding_window) {
      throw new Error(
        `${types.sliding} layers are sliding_attention but sliding_window is not set`,
      );
    }
    architecture.slidingWindowLayers = types.sliding;
    architecture.slidingWindow = text.sliding_window;
  }
  if (types.linear > 0) {
    const keys = [
      'linear_num_key_heads',
      'linear_num_value_heads',
      'linear_key_head_dim',
      'linear_value_head_dim',
      'linear_conv_kernel_dim',
    ] as const;
    const la = requireKeys(text, [...keys]);
    architecture.linearAttention = {
      layers: types.linear,
      numKeyHeads: la.linear_num_key_heads,
      numValueHeads: la.linear_num_value_heads,
      keyHeadDim: la.linear_key_head_dim,
      valueHeadDim: la.linear_value_head_dim,
      convKernelDim: la.linear_conv_kernel_dim,
    };
  }
  if (types.mamba > 0) {
    const m = requireKeys(text, [
      'mamba_d_state',
      'mamba_d_conv',
      'mamba_expand',
    ]);
    architecture.mamba = {
      layers: types.mamba,
      dState: m.mamba_d_state,
      dConv: m.mamba_d_conv,
      expand: m.mamba_expand,
      ...(typeof text.mamba_dt_rank === 'number'
        ? { dtRank: text.mamba_dt_rank }
        : {}),
    };
  }
}

/**
 * Rotary width and cache length as vLLM builds them: `partial_rotary_factor` rotates part of each head; linear
 * rope scaling multiplies the cached positions; Gemma 3 keeps a second, unscaled cache for its local layers.
 */
function addRotary(
  architecture: ModelArchitecture,
  text: HfTextConfig,
  modelType: string,
): void {
  const headDim =
    architecture.headDim ??
    architecture.hiddenSize / architecture.numAttentionHeads;
  if (text.partial_rotary_factor && text.partial_rotary_factor < 1) {
    architecture.rotaryDim = Math.round(headDim * text.partial_rotary_factor);
  }
  const scaling = text.rope_scaling;
  const kind = scaling?.rope_type ?? scaling?.type;
  if (kind === 'linear' && scaling?.factor && scaling.factor > 1) {
    const positions = architecture.maxPositionEmbeddings;
    const local = modelType.startsWith('gemma3') ? positions : 0;
    architecture.ropeCachePositions = positions * scaling.factor + local;
  }
}

/**
 * Keys some families leave out of config.json because transformers' config class supplies them. Google's Gemma 3
 * files list only what differs from `Gemma3TextConfig` (transformers `models/gemma3/configuration_gemma3.py`,
 * 4.50): vocab_size 262208, 8 heads / 4 KV heads of 256, 131072 positions, a 4096 sliding window on five of every
 * six layers, tied embeddings.
 */
const FAMILY_DEFAULTS: Record<string, Partial<HfTextConfig>> = {
  gemma3_text: {
    vocab_size: 262208,
    hidden_size: 2304,
    intermediate_size: 9216,
    num_hidden_layers: 26,
    num_attention_heads: 8,
    num_key_value_heads: 4,
    head_dim: 256,
    max_position_embeddings: 131072,
    sliding_window: 4096,
    sliding_window_pattern: 6,
    tie_word_embeddings: true,
  },
};

/** Fills a family's config-class defaults into the keys the file leaves out, and says which. */
function fillFamilyDefaults(
  text: HfTextConfig,
  modelType: string,
  notes: string[],
): void {
  const defaults =
    FAMILY_DEFAULTS[modelType === 'gemma3' ? 'gemma3_text' : modelType];
  if (!defaults) return;
  const filled: string[] = [];
  for (const [key, value] of Object.entries(defaults)) {
    const k = key as keyof HfTextConfig;
    if (
      text[k] === undefined &&
      !(k === 'sliding_window_pattern' && text.layer_types)
    ) {
      (text as Record<string, unknown>)[k] = value;
      filled.push(`${key} ${JSON.stringify(value)}`);
    }
  }
  if (filled.length > 0) {
    notes.push(
      `not in the file, taken from transformers' ${modelType} config defaults: ${filled.join(
        ', ',
      )}`,
    );
  }
}

import { z } from 'zod';

/**
 * The shape of the Hugging Face `config.json` keys the planner reads. Every key is optional here: which ones a
 * model needs depends on its family, and the parser names the missing ones itself. Unknown keys pass through.
 */
const count = z.number().int().nonnegative();
const size = z.number().positive();

/** `rope_scaling` / `rope_parameters`: only the type and factor matter for the rotary cache. */
const ropeScalingSchema = z
  .object({
    rope_type: z.string().optional(),
    type: z.string().optional(),
    factor: z.number().optional(),
  })
  .passthrough();

/** Keys of a text decoder (top level, or inside `text_config`). */
export const hfTextConfigSchema = z
  .object({
    model_type: z.string().optional(),
    architectures: z.array(z.string()).nullish(),
    num_hidden_layers: count.optional(),
    hidden_size: size.optional(),
    num_attention_heads: count.optional(),
    num_key_value_heads: count.nullish(),
    head_dim: size.nullish(),
    intermediate_size: size.optional(),
    vocab_size: count.optional(),
    max_position_embeddings: count.optional(),
    tie_word_embeddings: z.boolean().optional(),
    torch_dtype: z.string().nullish(),
    dtype: z.string().nullish(),
    partial_rotary_factor: z.number().optional(),
    rope_scaling: ropeScalingSchema.nullish(),
    rope_local_base_freq: z.number().optional(),
    // Mixture of experts
    num_local_experts: count.optional(),
    num_experts: count.nullish(),
    n_routed_experts: count.nullish(),
    num_experts_per_tok: count.nullish(),
    experts_per_token: count.optional(),
    moe_intermediate_size: size.optional(),
    shared_expert_intermediate_size: count.optional(),
    n_shared_experts: count.nullish(),
    first_k_dense_replace: count.optional(),
    moe_layer_freq: count.optional(),
    decoder_sparse_step: count.optional(),
    mlp_only_layers: z.array(count).optional(),
    expert_layer_period: count.optional(),
    expert_layer_offset: count.optional(),
    // Multi-head latent attention
    kv_lora_rank: count.nullish(),
    q_lora_rank: count.nullish(),
    qk_rope_head_dim: count.optional(),
    qk_nope_head_dim: count.optional(),
    v_head_dim: count.optional(),
    // Sliding windows and layer types
    sliding_window: count.nullish(),
    use_sliding_window: z.boolean().optional(),
    max_window_layers: count.optional(),
    sliding_window_pattern: count.optional(),
    _sliding_window_pattern: count.optional(),
    layer_types: z.array(z.string()).optional(),
    // Hybrid linear attention (Qwen3-Next)
    full_attention_interval: count.optional(),
    linear_num_key_heads: count.optional(),
    linear_num_value_heads: count.optional(),
    linear_key_head_dim: count.optional(),
    linear_value_head_dim: count.optional(),
    linear_conv_kernel_dim: count.optional(),
    // Mamba hybrids (Jamba)
    attn_layer_period: count.optional(),
    attn_layer_offset: count.optional(),
    layers_block_type: z.array(z.string()).optional(),
    mamba_d_state: count.optional(),
    mamba_d_conv: count.optional(),
    mamba_expand: z.number().positive().optional(),
    mamba_dt_rank: z.union([count, z.literal('auto')]).optional(),
    // Cross-attention (Llama 3.2 Vision)
    cross_attention_layers: z.array(count).optional(),
  })
  .passthrough();

/** Keys of a vision tower (`vision_config`). */
export const hfVisionConfigSchema = z
  .object({
    model_type: z.string().optional(),
    num_hidden_layers: count.optional(),
    depth: count.optional(),
    num_global_layers: count.optional(),
    hidden_size: size.optional(),
    embed_dim: size.optional(),
    intermediate_size: size.optional(),
    mlp_ratio: z.number().positive().optional(),
    hidden_act: z.string().optional(),
    patch_size: count.optional(),
    temporal_patch_size: count.optional(),
    num_channels: count.optional(),
    in_chans: count.optional(),
    image_size: count.optional(),
    max_num_tiles: count.optional(),
    spatial_merge_size: count.optional(),
    vision_output_dim: count.optional(),
    out_hidden_size: count.optional(),
    /** Not a config.json key: the image processor's largest image (preprocessor_config.json), when known. */
    max_pixels: count.optional(),
  })
  .passthrough();

/** `quantization_config`: the method and, for compressed-tensors, the weight scheme of each group. */
export const hfQuantizationConfigSchema = z
  .object({
    quant_method: z.string().optional(),
    quant_algo: z.string().nullish(),
    bits: count.optional(),
    w_bit: count.optional(),
    format: z.string().optional(),
    quantization: z
      .object({ quant_algo: z.string().nullish() })
      .passthrough()
      .optional(),
    config_groups: z
      .record(
        z
          .object({
            weights: z
              .object({
                num_bits: count.optional(),
                type: z.string().optional(),
                group_size: count.nullish(),
              })
              .passthrough()
              .nullish(),
            format: z.string().nullish(),
          })
          .passthrough(),
      )
      .optional(),
  })
  .passthrough();

/** A whole `config.json`. */
export const hfConfigSchema = hfTextConfigSchema.extend({
  text_config: hfTextConfigSchema.optional(),
  vision_config: hfVisionConfigSchema.optional(),
  quantization_config: hfQuantizationConfigSchema.optional(),
  /** Tokens one image becomes in the language model after pooling (Gemma 3: 256). */
  mm_tokens_per_image: z.number().int().positive().optional(),
});

/** A parsed text decoder config. */
export type HfTextConfig = z.infer<typeof hfTextConfigSchema>;
/** A parsed vision tower config. */
export type HfVisionConfig = z.infer<typeof hfVisionConfigSchema>;
/** A parsed quantization config. */
export type HfQuantizationConfig = z.infer<typeof hfQuantizationConfigSchema>;

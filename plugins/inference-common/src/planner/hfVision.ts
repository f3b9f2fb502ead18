import { VisionEncoderArchitecture } from '../catalog/modelTypes';
import { HfVisionConfig } from './hfConfigSchema';

/**
 * Approximate parameters of a vision tower and its projector, from `vision_config`. Our approximation, stated:
 *
 *   params ≈ L × (4·h² + m·h·i) + c·t·p²·h + projector
 *
 * with L encoder layers (`num_hidden_layers` or `depth`, plus Mllama's `num_global_layers`), h the encoder width
 * (`embed_dim`, else `hidden_size`), i the MLP width (`intermediate_size`, else `mlp_ratio` × h), m = 3 for a
 * gated (SiLU) MLP and 2 otherwise, 4·h² the q/k/v/o projections, c·t·p²·h the patch embedding (channels,
 * temporal patch, patch size). projector = (h·s²)² + h·s²·d for a Qwen-VL patch merger (s =
 * `spatial_merge_size`), else o·d (o = `vision_output_dim` or h, d = the text model's hidden size).
 * Norms, biases and position embeddings are left out (about 1% of a tower).
 */
export function visionParamsFromHfConfig(
  vision: HfVisionConfig,
  textHiddenSize: number,
): number {
  const layers =
    (vision.num_hidden_layers ?? vision.depth ?? NaN) +
    (vision.num_global_layers ?? 0);
  const hidden = vision.embed_dim ?? vision.hidden_size;
  const mlp =
    vision.intermediate_size ??
    (vision.mlp_ratio && hidden ? vision.mlp_ratio * hidden : undefined);
  const missing: string[] = [];
  if (!Number.isFinite(layers)) missing.push('num_hidden_layers (or depth)');
  if (!hidden) missing.push('hidden_size (or embed_dim)');
  if (!mlp) missing.push('intermediate_size (or mlp_ratio)');
  if (!vision.patch_size) missing.push('patch_size');
  if (missing.length > 0 || !hidden || !mlp || !vision.patch_size) {
    throw new Error(
      `vision_config lacks ${missing.join(', ')}: cannot size the vision tower`,
    );
  }
  const gated = /silu|swiglu/i.test(vision.hidden_act ?? '');
  const perLayer = 4 * hidden * hidden + (gated ? 3 : 2) * hidden * mlp;
  const channels = vision.num_channels ?? vision.in_chans ?? 3;
  const patchEmbedding =
    channels *
    (vision.temporal_patch_size ?? 1) *
    vision.patch_size ** 2 *
    hidden;
  const merge = vision.spatial_merge_size;
  const projector = merge
    ? (hidden * merge * merge) ** 2 +
      hidden * merge * merge * (vision.out_hidden_size ?? textHiddenSize)
    : (vision.vision_output_dim ?? hidden) * textHiddenSize;
  return layers * perLayer + patchEmbedding + projector;
}

/**
 * Encoder tokens one request brings to cross-attention layers (Mllama): tiles × (patches per tile + 1 class
 * token), patches per tile = (image_size / patch_size)². One image at the largest tiling.
 */
export function crossAttentionEncoderTokens(vision: HfVisionConfig): number {
  const missing = (['image_size', 'patch_size', 'max_num_tiles'] as const)
    .filter(key => !vision[key])
    .join(', ');
  if (missing) {
    throw new Error(
      `vision_config lacks ${missing}: cannot size the cross-attention KV cache`,
    );
  }
  const perSide = Math.floor(vision.image_size! / vision.patch_size!);
  return vision.max_num_tiles! * (perSide * perSide + 1);
}

/**
 * Qwen2-VL's image processor default `max_pixels` (28 × 28 × 16384, `preprocessor_config.json` of Qwen2-VL and
 * Qwen2.5-VL): the largest image vLLM feeds the encoder when it profiles.
 */
const QWEN_VL_DEFAULT_MAX_PIXELS = 12845056;

/**
 * The encoder workload of vLLM's multimodal profiling run: the largest image the processor accepts, in patches
 * (what the encoder layers process) and in language-model tokens (what the encoder budget counts). Qwen-VL
 * (dynamic resolution): max_pixels / patch² patches, merged spatial_merge_size² to one token. Mllama: every tile
 * of the largest tiling. Fixed-size towers (SigLIP, CLIP): (image_size / patch_size)². Undefined when the
 * config gives no image size.
 */
export function visionEncoderFromHfConfig(
  vision: HfVisionConfig,
): VisionEncoderArchitecture | undefined {
  const layers =
    (vision.num_hidden_layers ?? vision.depth ?? 0) +
    (vision.num_global_layers ?? 0);
  const hiddenSize = vision.embed_dim ?? vision.hidden_size;
  const intermediateSize =
    vision.intermediate_size ??
    (vision.mlp_ratio && hiddenSize ? vision.mlp_ratio * hiddenSize : 0);
  const patch = vision.patch_size;
  if (!layers || !hiddenSize || !intermediateSize || !patch) return undefined;
  const tower = {
    layers,
    hiddenSize,
    intermediateSize,
    gatedMlp: /silu|swiglu/i.test(vision.hidden_act ?? ''),
  };
  const merge = vision.spatial_merge_size;
  if (merge) {
    const patches = Math.floor(
      (vision.max_pixels ?? QWEN_VL_DEFAULT_MAX_PIXELS) / patch ** 2,
    );
    return {
      ...tower,
      patchesPerItem: patches,
      tokensPerItem: Math.floor(patches / merge ** 2),
    };
  }
  if (!vision.image_size) return undefined;
  const perSide = Math.floor(vision.image_size / patch);
  const patches = vision.max_num_tiles
    ? vision.max_num_tiles * (perSide * perSide + 1)
    : perSide * perSide;
  return { ...tower, patchesPerItem: patches, tokensPerItem: patches };
}

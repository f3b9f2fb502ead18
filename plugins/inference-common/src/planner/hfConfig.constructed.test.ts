import { describeHfConfig } from './hfConfig';
import {
  kvCacheBytesPerSequence,
  kvCacheBytesPerToken,
  stateBytesPerSequencePerLayer,
} from './memory';
import { planModelServing } from './planner';
import { estimateParameters } from '../catalog/models';

/*
 * CONSTRUCTED configs, not real fixtures: we have no intact copy of these models' config.json (see
 * __fixtures__/hf-configs/SOURCES.md, "Looked at and left out"). Each is written here by hand with the key names
 * the family documents (its transformers configuration class), trimmed to the keys the parser reads, with values
 * as we understand the published model to have them. They test the parser's reading of the keys, not the
 * published numbers.
 */

/** CONSTRUCTED: DeepSeek-V3 key names (MLA, routed + shared experts, leading dense layers, FP8 blocks). */
const DEEPSEEK_V3 = {
  architectures: ['DeepseekV3ForCausalLM'],
  model_type: 'deepseek_v3',
  num_hidden_layers: 61,
  hidden_size: 7168,
  intermediate_size: 18432,
  num_attention_heads: 128,
  num_key_value_heads: 128,
  vocab_size: 129280,
  max_position_embeddings: 163840,
  tie_word_embeddings: false,
  n_routed_experts: 256,
  n_shared_experts: 1,
  num_experts_per_tok: 8,
  moe_intermediate_size: 2048,
  first_k_dense_replace: 3,
  moe_layer_freq: 1,
  kv_lora_rank: 512,
  q_lora_rank: 1536,
  qk_rope_head_dim: 64,
  qk_nope_head_dim: 128,
  v_head_dim: 128,
  torch_dtype: 'bfloat16',
  quantization_config: {
    quant_method: 'fp8',
    fmt: 'e4m3',
    activation_scheme: 'dynamic',
    weight_block_size: [128, 128],
  },
};

/** CONSTRUCTED: gpt-oss key names (alternating sliding/full layer_types, MXFP4 experts, sinks). */
const GPT_OSS_20B = {
  architectures: ['GptOssForCausalLM'],
  model_type: 'gpt_oss',
  num_hidden_layers: 24,
  hidden_size: 2880,
  intermediate_size: 2880,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  head_dim: 64,
  vocab_size: 201088,
  max_position_embeddings: 131072,
  tie_word_embeddings: false,
  num_local_experts: 32,
  experts_per_token: 4,
  num_experts_per_tok: 4,
  sliding_window: 128,
  layer_types: Array.from({ length: 24 }, (_, i) =>
    i % 2 === 0 ? 'sliding_attention' : 'full_attention',
  ),
  quantization_config: { quant_method: 'mxfp4' },
};

/** CONSTRUCTED: Jamba key names (attention every 8th layer from 4, MoE every 2nd from 1, Mamba-1 state). */
const JAMBA = {
  architectures: ['JambaForCausalLM'],
  model_type: 'jamba',
  num_hidden_layers: 32,
  hidden_size: 4096,
  intermediate_size: 14336,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  vocab_size: 65536,
  max_position_embeddings: 262144,
  tie_word_embeddings: false,
  attn_layer_period: 8,
  attn_layer_offset: 4,
  expert_layer_period: 2,
  expert_layer_offset: 1,
  num_experts: 16,
  num_experts_per_tok: 2,
  mamba_d_state: 16,
  mamba_d_conv: 4,
  mamba_expand: 2,
  mamba_dt_rank: 256,
  torch_dtype: 'bfloat16',
};

/** CONSTRUCTED: Llama 3.2 Vision (Mllama) key names: text_config with cross-attention layers, tiled vision. */
const LLAMA_32_VISION = {
  architectures: ['MllamaForConditionalGeneration'],
  model_type: 'mllama',
  torch_dtype: 'bfloat16',
  text_config: {
    model_type: 'mllama_text_model',
    num_hidden_layers: 40,
    cross_attention_layers: [3, 8, 13, 18, 23, 28, 33, 38],
    hidden_size: 4096,
    intermediate_size: 14336,
    num_attention_heads: 32,
    num_key_value_heads: 8,
    vocab_size: 128256,
    max_position_embeddings: 131072,
    tie_word_embeddings: false,
  },
  vision_config: {
    model_type: 'mllama_vision_model',
    hidden_size: 1280,
    intermediate_size: 5120,
    num_hidden_layers: 32,
    num_global_layers: 8,
    image_size: 560,
    patch_size: 14,
    max_num_tiles: 4,
    vision_output_dim: 7680,
    hidden_act: 'gelu',
  },
};

/** CONSTRUCTED: Gemma 3 key names (text_config with sliding_window_pattern, SigLIP vision_config). */
const GEMMA_3_27B = {
  architectures: ['Gemma3ForConditionalGeneration'],
  model_type: 'gemma3',
  torch_dtype: 'bfloat16',
  text_config: {
    model_type: 'gemma3_text',
    num_hidden_layers: 62,
    hidden_size: 5376,
    intermediate_size: 21504,
    num_attention_heads: 32,
    num_key_value_heads: 16,
    head_dim: 128,
    vocab_size: 262208,
    max_position_embeddings: 131072,
    sliding_window: 1024,
    sliding_window_pattern: 6,
    rope_scaling: { factor: 8.0, rope_type: 'linear' },
  },
  vision_config: {
    model_type: 'siglip_vision_model',
    hidden_size: 1152,
    intermediate_size: 4304,
    num_hidden_layers: 27,
    patch_size: 14,
    image_size: 896,
    hidden_act: 'gelu_pytorch_tanh',
  },
};

/** CONSTRUCTED: Qwen2.5-VL key names (decoder keys at top level, vision `depth` + patch merger). */
const QWEN_25_VL_7B = {
  architectures: ['Qwen2_5_VLForConditionalGeneration'],
  model_type: 'qwen2_5_vl',
  num_hidden_layers: 28,
  hidden_size: 3584,
  intermediate_size: 18944,
  num_attention_heads: 28,
  num_key_value_heads: 4,
  vocab_size: 152064,
  max_position_embeddings: 128000,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
  vision_config: {
    depth: 32,
    hidden_size: 1280,
    intermediate_size: 3420,
    hidden_act: 'silu',
    patch_size: 14,
    temporal_patch_size: 2,
    spatial_merge_size: 2,
    out_hidden_size: 3584,
  },
};

const bf16 = { activationDtype: 'bf16' as const };

describe('describeHfConfig on constructed configs (documented key names)', () => {
  it('DeepSeek-V3: MLA caches one 576-wide latent per layer, 256 routed + 1 shared expert, 3 dense layers, fp8', () => {
    const d = describeHfConfig(DEEPSEEK_V3);
    const a = d.architecture;
    expect(d.precision).toBe('fp8');
    expect(a.mla).toEqual({
      kvLoraRank: 512,
      qkRopeHeadDim: 64,
      qkNopeHeadDim: 128,
      vHeadDim: 128,
      qLoraRank: 1536,
    });
    expect(a.moe).toEqual({
      numExperts: 256,
      topK: 8,
      expertIntermediateSize: 2048,
      sharedExpertIntermediateSize: 2048,
      denseLayers: 3,
    });
    // (kv_lora_rank + qk_rope_head_dim) × 61 layers × 2 bytes, on every rank.
    expect(kvCacheBytesPerToken(a, bf16)).toBe((512 + 64) * 61 * 2);
    expect(kvCacheBytesPerToken(a, { ...bf16, tensorParallelSize: 8 })).toBe(
      (512 + 64) * 61 * 2,
    );
    // 671B published for the main model (without the multi-token-prediction layer).
    expect(estimateParameters(a).total / 1e9).toBeGreaterThan(660);
    expect(estimateParameters(a).total / 1e9).toBeLessThan(685);
  });

  it('gpt-oss: 12 sliding (128) + 12 full layers, MXFP4, sinks, 32 experts top-4', () => {
    const d = describeHfConfig(GPT_OSS_20B);
    const a = d.architecture;
    expect(d.precision).toBe('mxfp4');
    expect(a.attentionSinks).toBe(true);
    expect(d.layerTypes).toMatchObject({ full: 12, sliding: 12 });
    expect(a.slidingWindow).toBe(128);
    expect(a.moe).toMatchObject({ numExperts: 32, topK: 4 });
    expect(kvCacheBytesPerToken(a, bf16)).toBe(24 * 2 * 8 * 64 * 2);
    // Per sequence: full layers hold 32768 tokens, sliding ones 128 − 1 + 8192 (+ one block of 16).
    const perLayer = 2 * 8 * 64 * 2;
    expect(
      kvCacheBytesPerSequence(a, {
        ...bf16,
        maxModelLen: 32768,
        maxNumBatchedTokens: 8192,
      }),
    ).toBe(perLayer * (12 * 32768 + 12 * (127 + 8192 + 16)));
  });

  it('Jamba: 4 attention layers, 28 Mamba layers with a fixed state, 16 of 32 layers MoE', () => {
    const d = describeHfConfig(JAMBA);
    const a = d.architecture;
    expect(d.layerTypes).toMatchObject({ full: 4, mamba: 28 });
    expect(a.mamba).toEqual({
      layers: 28,
      dState: 16,
      dConv: 4,
      expand: 2,
      dtRank: 256,
    });
    expect(a.moe).toMatchObject({ numExperts: 16, topK: 2, denseLayers: 16 });
    expect(kvCacheBytesPerToken(a, bf16)).toBe(4 * 2 * 8 * 128 * 2);
    // Mamba-1 state: inner (2 × 4096) × ((d_conv − 1) + d_state) × 2 bytes.
    const state = 8192 * (3 + 16) * 2;
    expect(stateBytesPerSequencePerLayer(a, 'mamba', bf16)).toBe(state);
    const perSequence = (len: number) =>
      kvCacheBytesPerSequence(a, {
        ...bf16,
        maxModelLen: len,
        maxNumBatchedTokens: 8192,
      });
    expect(perSequence(4096)).toBe(4 * 4096 * 4096 + 28 * state);
    // The state does not grow with the context.
    expect(perSequence(8192) - perSequence(4096)).toBe(4 * 4096 * 4096);
    // 52B published.
    expect(estimateParameters(a).total / 1e9).toBeGreaterThan(50.5);
    expect(estimateParameters(a).total / 1e9).toBeLessThan(53);
  });

  it('Llama 3.2 Vision: 8 cross-attention layers cache 6404 encoder tokens, vision tower by the stated formula', () => {
    const d = describeHfConfig(LLAMA_32_VISION);
    const a = d.architecture;
    expect(d.modelType).toBe('mllama_text_model');
    expect(d.layerTypes).toMatchObject({ full: 32, cross: 8 });
    // 4 tiles × ((560 / 14)² + 1 class token)
    expect(a.crossAttention).toEqual({
      layers: 8,
      encoderTokensPerSequence: 4 * (40 * 40 + 1),
    });
    expect(kvCacheBytesPerToken(a, bf16)).toBe(32 * 2 * 8 * 128 * 2);
    const perLayer = 2 * 8 * 128 * 2;
    expect(
      kvCacheBytesPerSequence(a, {
        ...bf16,
        maxModelLen: 8192,
        maxNumBatchedTokens: 8192,
      }),
    ).toBe(perLayer * (32 * 8192 + 8 * 6404));
    // 40 layers × (4·1280² + 2·1280·5120) + 3·14²·1280 + 7680 × 4096
    expect(a.visionParams).toBe(
      40 * (4 * 1280 ** 2 + 2 * 1280 * 5120) + 3 * 14 ** 2 * 1280 + 7680 * 4096,
    );
  });

  it('Gemma 3: 52 sliding (1024) + 10 global layers, two rotary caches, SigLIP tower', () => {
    const d = describeHfConfig(GEMMA_3_27B);
    const a = d.architecture;
    expect(d.layerTypes).toMatchObject({ full: 10, sliding: 52 });
    expect(a.slidingWindow).toBe(1024);
    expect(a.ropeCachePositions).toBe(131072 * 8 + 131072);
    expect(kvCacheBytesPerToken(a, bf16)).toBe(62 * 2 * 16 * 128 * 2);
    expect(a.visionParams).toBe(
      27 * (4 * 1152 ** 2 + 2 * 1152 * 4304) + 3 * 14 ** 2 * 1152 + 1152 * 5376,
    );
  });

  it('Qwen2.5-VL: decoder keys at the top level, gated vision MLP and patch merger', () => {
    const d = describeHfConfig(QWEN_25_VL_7B);
    expect(d.architecture.numHiddenLayers).toBe(28);
    expect(d.architecture.visionParams).toBe(
      32 * (4 * 1280 ** 2 + 3 * 1280 * 3420) +
        3 * 2 * 14 ** 2 * 1280 +
        (1280 * 4) ** 2 +
        1280 * 4 * 3584,
    );
  });

  it('DeepSeek-V3 in fp8 does not fit on 8 H100s (about 640 GiB of weights) but does on 8 H200s', () => {
    const d = describeHfConfig(DEEPSEEK_V3);
    const request = {
      model: d.architecture,
      precision: d.precision,
      maxModelLen: 8192,
    };
    const h100 = planModelServing({ ...request, gpuTypes: ['h100-80gb-sxm'] });
    expect(h100.recommendation).toBeUndefined();
    expect(h100.plans[0].reasons.join(' ')).toMatch(/weights|memory/i);
    const h200 = planModelServing({ ...request, gpuTypes: ['h200-141gb'] });
    expect(h200.recommendation?.gpusPerReplica).toBe(8);
  });

  it.each([
    ['gpt-oss-20b', GPT_OSS_20B, 1],
    ['Jamba', JAMBA, 2],
    ['Llama 3.2 Vision', LLAMA_32_VISION, 1],
    ['Gemma 3 27B', GEMMA_3_27B, 1],
    ['Qwen2.5-VL 7B', QWEN_25_VL_7B, 1],
  ] as const)('%s plans on H100s', (_name, config, minGpus) => {
    const d = describeHfConfig(config);
    const plan = planModelServing({
      model: d.architecture,
      precision: d.precision,
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
    });
    expect(plan.recommendation).toBeDefined();
    expect(plan.recommendation!.gpusPerReplica).toBeGreaterThanOrEqual(minGpus);
  });
});

describe('quantization_config → weight precision (constructed)', () => {
  const base = { ...JAMBA };
  it.each([
    [{ quant_method: 'awq', bits: 4, group_size: 128 }, 'awq'],
    [{ quant_method: 'gptq', bits: 4, group_size: 128 }, 'gptq'],
    [{ quant_method: 'gptq', bits: 8 }, 'int8'],
    [{ quant_method: 'fp8' }, 'fp8'],
    [{ quant_method: 'mxfp4' }, 'mxfp4'],
    [{ quant_method: 'modelopt', quant_algo: 'NVFP4' }, 'nvfp4'],
    [{ quant_method: 'modelopt', quantization: { quant_algo: 'FP8' } }, 'fp8'],
    [compressed(8, 'float'), 'fp8'],
    [compressed(8, 'int'), 'int8'],
    [compressed(4, 'int'), 'int4'],
    [compressed(4, 'float'), 'nvfp4'],
  ])('%j → %s', (quantization_config, precision) => {
    expect(describeHfConfig({ ...base, quantization_config }).precision).toBe(
      precision,
    );
  });

  it('refuses methods it has no byte count for, naming them', () => {
    expect(() =>
      describeHfConfig({
        ...base,
        quantization_config: { quant_method: 'bitsandbytes' },
      }),
    ).toThrow(/Unsupported quantization method 'bitsandbytes'/);
    expect(() =>
      describeHfConfig({
        ...base,
        quantization_config: { quant_method: 'awq', bits: 3 },
      }),
    ).toThrow(/awq bit width 3/);
  });

  it('reads the checkpoint dtype when nothing is quantized', () => {
    expect(
      describeHfConfig({ ...base, torch_dtype: 'float16' }).precision,
    ).toBe('fp16');
    expect(
      describeHfConfig({ ...base, torch_dtype: undefined, dtype: 'bfloat16' })
        .precision,
    ).toBe('bf16');
  });
});

describe('configs the parser refuses (constructed)', () => {
  it('names an unknown architecture instead of guessing', () => {
    expect(() =>
      describeHfConfig({
        ...JAMBA,
        model_type: 'rwkv',
        architectures: ['RwkvForCausalLM'],
      }),
    ).toThrow(
      /Unsupported architecture: model_type 'rwkv' \(RwkvForCausalLM\)/,
    );
  });

  it('names every missing key', () => {
    const { num_attention_heads, vocab_size, ...jamba } = JAMBA;
    expect(() => describeHfConfig(jamba)).toThrow(
      'config.json lacks num_attention_heads, vocab_size',
    );
  });

  it('fills what Gemma 3 files leave to transformers, and says so', () => {
    const { text_config, ...rest } = GEMMA_3_27B;
    const { num_attention_heads, vocab_size, ...text } = text_config;
    const d = describeHfConfig({ ...rest, text_config: text });
    expect(d.architecture.numAttentionHeads).toBe(8);
    expect(d.architecture.vocabSize).toBe(262208);
    expect(d.notes.join(' ')).toMatch(
      /taken from transformers' gemma3_text config defaults: vocab_size 262208, num_attention_heads 8/,
    );
  });

  it('names a layer type it cannot size', () => {
    expect(() =>
      describeHfConfig({
        ...GPT_OSS_20B,
        layer_types: GPT_OSS_20B.layer_types.map(() => 'chunked_attention'),
      }),
    ).toThrow(/Unsupported layer type 'chunked_attention'/);
  });

  it('names missing linear-attention keys of a hybrid', () => {
    expect(() =>
      describeHfConfig({
        ...JAMBA,
        model_type: 'qwen3_next',
        attn_layer_period: undefined,
        full_attention_interval: 4,
      }),
    ).toThrow(/lacks linear_num_key_heads, linear_num_value_heads/);
  });

  it('rejects values of the wrong type with their key', () => {
    expect(() =>
      describeHfConfig({ ...JAMBA, num_hidden_layers: '32' }),
    ).toThrow(/num_hidden_layers/);
  });
});

function compressed(bits: number, type: 'int' | 'float') {
  return {
    quant_method: 'compressed-tensors',
    config_groups: {
      group_0: {
        targets: ['Linear'],
        weights: { num_bits: bits, type, group_size: bits === 4 ? 16 : null },
      },
    },
  };
}

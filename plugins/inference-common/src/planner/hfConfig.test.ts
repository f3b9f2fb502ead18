import fs from 'fs';
import path from 'path';
import { describeHfConfig } from './hfConfig';
import { kvCacheBytesPerToken, stateBytesPerSequencePerLayer } from './memory';
import { planModelServing } from './planner';

/**
 * The real `config.json` fixtures (see __fixtures__/hf-configs/SOURCES.md). Every expected number below can be
 * checked by hand against the file: head dim = head_dim, else hidden_size / num_attention_heads; KV bytes per
 * token in bf16 = attention layers × 2 (K and V) × num_key_value_heads × head dim × 2 bytes.
 */
const FIXTURES = path.join(__dirname, '__fixtures__', 'hf-configs');

function readFixture(file: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8'));
}

interface Expected {
  modelType: string;
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Layers by type: full / sliding / linear. */
  full: number;
  sliding?: number;
  linear?: number;
  /** Cross-attention layers (Mllama), counted apart from `full`. */
  cross?: number;
  kvBytesPerToken: number;
  experts?: {
    count: number;
    topK: number;
    width: number;
    shared?: number;
    /** Leading dense (non-MoE) layers, e.g. DeepSeek's first_k_dense_replace. */
    dense?: number;
  };
  tied: boolean;
  /** The weight precision, when it is not bf16 (a quantization_config or a float16 checkpoint). */
  precision?: string;
  /** The weights alone outgrow eight 80 GB GPUs, so no single H100 node can serve it. */
  tooBigForOneH100Node?: true;
}

const EXPECTED: Record<string, Expected> = {
  'Qwen__Qwen2.5-7B.json': {
    modelType: 'qwen2',
    layers: 28,
    kvHeads: 4,
    headDim: 3584 / 28, // 128
    full: 28, // use_sliding_window false
    kvBytesPerToken: 28 * 2 * 4 * 128 * 2, // 57344
    tied: false,
  },
  'Qwen__Qwen2.5-32B.json': {
    modelType: 'qwen2',
    layers: 64,
    kvHeads: 8,
    headDim: 5120 / 40,
    full: 64,
    kvBytesPerToken: 64 * 2 * 8 * 128 * 2, // 262144
    tied: false,
  },
  'Qwen__Qwen2.5-72B.json': {
    modelType: 'qwen2',
    layers: 80,
    kvHeads: 8,
    headDim: 8192 / 64,
    full: 80,
    kvBytesPerToken: 80 * 2 * 8 * 128 * 2, // 327680
    tied: false,
  },
  'Qwen__Qwen3-8B.json': {
    modelType: 'qwen3',
    layers: 36,
    kvHeads: 8,
    headDim: 128, // explicit head_dim
    full: 36,
    kvBytesPerToken: 36 * 2 * 8 * 128 * 2, // 147456
    tied: false,
  },
  'Qwen__Qwen3-Next-80B-A3B-Thinking.json': {
    modelType: 'qwen3_next',
    layers: 48,
    kvHeads: 2,
    headDim: 256,
    full: 12, // full_attention_interval 4: layers 3, 7, …, 47
    linear: 36,
    kvBytesPerToken: 12 * 2 * 2 * 256 * 2, // 24576: only the full-attention layers
    experts: { count: 512, topK: 10, width: 512, shared: 512 },
    tied: false,
  },
  'google__gemma-3-4b-it.json': {
    modelType: 'gemma3_text',
    layers: 34,
    kvHeads: 4, // not in the file: Gemma3TextConfig's default
    headDim: 256, // default head_dim
    full: 5, // default sliding_window_pattern 6: layers 6, 12, …, 30 are global
    sliding: 29, // over the file's 1024-token window
    kvBytesPerToken: 34 * 2 * 4 * 256 * 2, // 139264
    tied: true,
  },
  'google__gemma-3-27b-it.json': {
    modelType: 'gemma3_text',
    layers: 62,
    kvHeads: 16,
    headDim: 128, // explicit in the file
    full: 10, // layers 6, 12, …, 60
    sliding: 52,
    kvBytesPerToken: 62 * 2 * 16 * 128 * 2, // 507904
    tied: true,
  },
  'google__gemma-2-9b-it.json': {
    modelType: 'gemma2',
    layers: 42,
    kvHeads: 8,
    headDim: 256, // explicit, not 3584 / 16
    full: 21,
    sliding: 21, // alternate layers slide over 4096 tokens
    kvBytesPerToken: 42 * 2 * 8 * 256 * 2, // 344064
    tied: true, // no tie_word_embeddings key: transformers' default
  },
  'meta-llama__Llama-3.2-3B-Instruct.json': {
    modelType: 'llama',
    layers: 28,
    kvHeads: 8,
    headDim: 128,
    full: 28,
    kvBytesPerToken: 28 * 2 * 8 * 128 * 2, // 114688
    tied: true,
  },
  'microsoft__Phi-3-mini-4k-instruct.json': {
    modelType: 'phi3',
    layers: 32,
    kvHeads: 32,
    headDim: 3072 / 32, // 96
    full: 32, // sliding_window 2047 but no layer marked: sized as full
    kvBytesPerToken: 32 * 2 * 32 * 96 * 2, // 393216
    tied: false,
  },
  'mistralai__Mistral-7B-Instruct-v0.3.json': {
    modelType: 'mistral',
    layers: 32,
    kvHeads: 8,
    headDim: 4096 / 32,
    full: 32,
    kvBytesPerToken: 32 * 2 * 8 * 128 * 2, // 131072
    tied: false,
  },
  'mistralai__Mixtral-8x7B-Instruct-v0.1.json': {
    modelType: 'mixtral',
    layers: 32,
    kvHeads: 8,
    headDim: 4096 / 32,
    full: 32,
    kvBytesPerToken: 32 * 2 * 8 * 128 * 2,
    experts: { count: 8, topK: 2, width: 14336 },
    tied: false,
  },
  'mistralai__Mixtral-8x22B-v0.1.json': {
    modelType: 'mixtral',
    layers: 56,
    kvHeads: 8,
    headDim: 6144 / 48,
    full: 56,
    kvBytesPerToken: 56 * 2 * 8 * 128 * 2, // 229376
    experts: { count: 8, topK: 2, width: 16384 },
    tied: false,
  },
  'meta-llama__Llama-3.1-8B.json': {
    modelType: 'llama',
    layers: 32,
    kvHeads: 8,
    headDim: 4096 / 32, // 128
    full: 32,
    kvBytesPerToken: 32 * 2 * 8 * 128 * 2, // 131072
    tied: false,
  },
  'meta-llama__Llama-3.2-3B.json': {
    modelType: 'llama',
    layers: 28,
    kvHeads: 8,
    headDim: 128, // explicit head_dim (3072 / 24 would also be 128)
    full: 28,
    kvBytesPerToken: 28 * 2 * 8 * 128 * 2, // 114688
    tied: true,
  },
  'Qwen__Qwen2.5-3B.json': {
    modelType: 'qwen2',
    layers: 36,
    kvHeads: 2,
    headDim: 2048 / 16, // 128
    full: 36, // use_sliding_window false
    kvBytesPerToken: 36 * 2 * 2 * 128 * 2, // 36864
    tied: true,
  },
  'Qwen__Qwen2.5-14B.json': {
    modelType: 'qwen2',
    layers: 48,
    kvHeads: 8,
    headDim: 5120 / 40, // 128
    full: 48, // use_sliding_window false
    kvBytesPerToken: 48 * 2 * 8 * 128 * 2, // 196608
    tied: false,
  },
  'Qwen__Qwen3-14B.json': {
    modelType: 'qwen3',
    layers: 40,
    kvHeads: 8,
    headDim: 128, // explicit head_dim
    full: 40,
    kvBytesPerToken: 40 * 2 * 8 * 128 * 2, // 163840
    tied: false,
  },
  'Qwen__Qwen3-32B.json': {
    modelType: 'qwen3',
    layers: 64,
    kvHeads: 8,
    headDim: 128, // explicit head_dim, not 5120 / 64 = 80
    full: 64,
    kvBytesPerToken: 64 * 2 * 8 * 128 * 2, // 262144
    tied: false,
  },
  'Qwen__Qwen3-30B-A3B.json': {
    modelType: 'qwen3_moe',
    layers: 48,
    kvHeads: 4,
    headDim: 128, // explicit head_dim, not 2048 / 32 = 64
    full: 48,
    kvBytesPerToken: 48 * 2 * 4 * 128 * 2, // 98304
    // decoder_sparse_step 1 and mlp_only_layers []: every layer is MoE; no shared expert
    experts: { count: 128, topK: 8, width: 768 },
    tied: false,
  },

  'Qwen__Qwen2.5-1.5B.json': {
    modelType: 'qwen2',
    layers: 28,
    kvHeads: 2,
    headDim: 1536 / 12, // 128
    full: 28, // use_sliding_window false
    kvBytesPerToken: 28 * 2 * 2 * 128 * 2, // 28672
    tied: true,
  },
  'Qwen__Qwen2.5-7B-Instruct.json': {
    modelType: 'qwen2',
    layers: 28,
    kvHeads: 4,
    headDim: 3584 / 28, // 128
    full: 28, // use_sliding_window false
    kvBytesPerToken: 28 * 2 * 4 * 128 * 2, // 57344
    tied: false,
  },
  'Qwen__Qwen2.5-32B-Instruct.json': {
    modelType: 'qwen2',
    layers: 64,
    kvHeads: 8,
    headDim: 5120 / 40, // 128
    full: 64, // max_window_layers 70 > 64, and use_sliding_window false anyway
    kvBytesPerToken: 64 * 2 * 8 * 128 * 2, // 262144
    tied: false,
  },
  'Qwen__Qwen2.5-VL-7B-Instruct.json': {
    modelType: 'qwen2_5_vl', // decoder keys at the top level, no text_config
    layers: 28,
    kvHeads: 4,
    headDim: 3584 / 28, // 128
    full: 28,
    kvBytesPerToken: 28 * 2 * 4 * 128 * 2, // 57344: the vision tower holds no KV cache
    tied: false,
  },
  'meta-llama__Llama-2-13b-hf.json': {
    modelType: 'llama',
    layers: 40,
    kvHeads: 40, // multi-head attention
    headDim: 5120 / 40, // 128
    full: 40,
    kvBytesPerToken: 40 * 2 * 40 * 128 * 2, // 819200
    tied: false,
    precision: 'fp16', // torch_dtype float16
  },
  'meta-llama__Llama-3.1-8B-Instruct.json': {
    modelType: 'llama',
    layers: 32,
    kvHeads: 8,
    headDim: 4096 / 32, // 128
    full: 32,
    kvBytesPerToken: 32 * 2 * 8 * 128 * 2, // 131072
    tied: false,
  },
  'meta-llama__Llama-3.1-70B-Instruct.json': {
    modelType: 'llama',
    layers: 80,
    kvHeads: 8,
    headDim: 8192 / 64, // 128
    full: 80,
    kvBytesPerToken: 80 * 2 * 8 * 128 * 2, // 327680
    tied: false,
  },
  'meta-llama__Llama-3.2-1B-Instruct.json': {
    modelType: 'llama',
    layers: 16,
    kvHeads: 8,
    headDim: 64, // explicit head_dim (2048 / 32 = 64 too)
    full: 16,
    kvBytesPerToken: 16 * 2 * 8 * 64 * 2, // 32768
    tied: true,
  },
  'meta-llama__Llama-3.2-90B-Vision-Instruct.json': {
    modelType: 'mllama_text_model', // from text_config
    layers: 100,
    kvHeads: 8,
    headDim: 8192 / 64, // 128
    full: 80, // 100 layers less the 20 cross_attention_layers (3, 8, …, 98)
    cross: 20,
    // per generated token, only the 80 self-attention layers; the cross layers cache the image tokens once
    kvBytesPerToken: 80 * 2 * 8 * 128 * 2, // 327680
    tied: false, // text_config.tie_word_embeddings false (vision_config says true, for the vision tower)
  },
  'microsoft__phi-4.json': {
    modelType: 'phi3',
    layers: 40,
    kvHeads: 10,
    headDim: 5120 / 40, // 128
    full: 40, // sliding_window null
    kvBytesPerToken: 40 * 2 * 10 * 128 * 2, // 204800
    tied: false,
  },
  'openai__gpt-oss-120b.json': {
    modelType: 'gpt_oss',
    layers: 36,
    kvHeads: 8,
    headDim: 64, // explicit, not 2880 / 64 = 45
    full: 18,
    sliding: 18, // layer_types alternates, sliding first; window 128
    kvBytesPerToken: 36 * 2 * 8 * 64 * 2, // 73728 per token before the window caps the sliding layers
    experts: { count: 128, topK: 4, width: 2880 }, // num_local_experts, num_experts_per_tok; intermediate_size
    tied: false,
    precision: 'mxfp4', // quantization_config.quant_method
  },
  'deepseek-ai__DeepSeek-V3.json': {
    modelType: 'deepseek_v3',
    layers: 61,
    kvHeads: 128,
    headDim: 128 + 64, // MLA: qk_nope_head_dim + qk_rope_head_dim
    full: 61,
    // MLA caches one latent per layer: (kv_lora_rank 512 + qk_rope_head_dim 64) × 2 bytes
    kvBytesPerToken: 61 * (512 + 64) * 2, // 70272
    // n_routed_experts 256, top-8, moe_intermediate_size 2048; n_shared_experts 1 × 2048; first_k_dense_replace 3
    experts: { count: 256, topK: 8, width: 2048, shared: 2048, dense: 3 },
    tied: false,
    precision: 'fp8', // quantization_config.quant_method fp8 (block 128 × 128)
    tooBigForOneH100Node: true, // 671B parameters at 1 byte: about 625 GiB, more than 8 × 80 GB leaves after overheads
  },
};

describe('describeHfConfig on the real config.json fixtures', () => {
  it('has an expectation for every fixture file', () => {
    const files = fs.readdirSync(FIXTURES).filter(f => f.endsWith('.json'));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s', (file, expected) => {
    const d = describeHfConfig(readFixture(file));
    const a = d.architecture;
    expect(d.modelType).toBe(expected.modelType);
    // bf16 unless stated: torch_dtype bfloat16 and no quantization_config
    expect(d.precision).toBe(expected.precision ?? 'bf16');
    expect(a.numHiddenLayers).toBe(expected.layers);
    expect(a.numKeyValueHeads).toBe(expected.kvHeads);
    expect(a.headDim ?? a.hiddenSize / a.numAttentionHeads).toBe(
      expected.headDim,
    );
    expect(a.tieWordEmbeddings).toBe(expected.tied);
    expect(d.layerTypes).toMatchObject({
      full: expected.full,
      sliding: expected.sliding ?? 0,
      linear: expected.linear ?? 0,
      mamba: 0,
      cross: expected.cross ?? 0,
    });
    expect(kvCacheBytesPerToken(a, { activationDtype: 'bf16' })).toBe(
      expected.kvBytesPerToken,
    );
    const experts = expected.experts;
    expect(a.moe).toEqual(
      experts && {
        numExperts: experts.count,
        topK: experts.topK,
        expertIntermediateSize: experts.width,
        ...(experts.shared
          ? { sharedExpertIntermediateSize: experts.shared }
          : {}),
        ...(experts.dense ? { denseLayers: experts.dense } : {}),
      },
    );
  });

  const h100Plan = (file: string) => {
    const d = describeHfConfig(readFixture(file));
    return planModelServing({
      model: d.architecture,
      precision: d.precision,
      maxModelLen: Math.min(d.architecture.maxPositionEmbeddings, 8192),
      gpuTypes: ['h100-80gb-sxm'],
    });
  };
  const oneNode = Object.keys(EXPECTED).filter(
    file => !EXPECTED[file].tooBigForOneH100Node,
  );
  const beyondOneNode = Object.keys(EXPECTED).filter(
    file => EXPECTED[file].tooBigForOneH100Node,
  );

  it.each(oneNode)('%s plans on H100s', file => {
    const plan = h100Plan(file);
    expect(plan.recommendation?.gpuId).toBe('h100-80gb-sxm');
    expect(plan.recommendation!.kvCacheTokens).toBeGreaterThanOrEqual(8192);
  });

  it.each(beyondOneNode)('%s does not fit one node of 8 H100s', file => {
    const plan = h100Plan(file);
    expect(plan.recommendation).toBeUndefined();
    expect(plan.plans.map(p => p.fits)).toEqual([false]);
  });

  it('reads Qwen3-Next: Gated DeltaNet state, partial rotary, 80B parameters', () => {
    const d = describeHfConfig(
      readFixture('Qwen__Qwen3-Next-80B-A3B-Thinking.json'),
    );
    expect(d.architecture.linearAttention).toEqual({
      layers: 36,
      numKeyHeads: 16,
      numValueHeads: 32,
      keyHeadDim: 128,
      valueHeadDim: 128,
      convKernelDim: 4,
    });
    expect(d.architecture.rotaryDim).toBe(256 * 0.25);
    // conv state (2·16·128 + 32·128) × (4 − 1) + recurrent state 32 × 128 × 128, in bf16.
    expect(
      stateBytesPerSequencePerLayer(d.architecture, 'linear', {
        activationDtype: 'bf16',
      }),
    ).toBe(((2 * 16 * 128 + 32 * 128) * 3 + 32 * 128 * 128) * 2);
    const plan = planModelServing({
      model: d.architecture,
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
    });
    expect(plan.parametersBillion).toBeGreaterThan(79);
    expect(plan.parametersBillion).toBeLessThan(81.5);
  });

  it('counts DeepSeek-V3 at 671B parameters (MLA, 256 routed experts, 3 dense layers)', () => {
    const d = describeHfConfig(readFixture('deepseek-ai__DeepSeek-V3.json'));
    const plan = planModelServing({
      model: d.architecture,
      precision: d.precision,
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
    });
    // DeepSeek's model card: 671B total parameters (the MTP module is not loaded for serving)
    expect(plan.parametersBillion).toBeGreaterThan(668);
    expect(plan.parametersBillion).toBeLessThan(674);
  });

  it('reads Gemma 2: 21 of 42 layers slide over 4096 tokens', () => {
    const d = describeHfConfig(readFixture('google__gemma-2-9b-it.json'));
    expect(d.architecture.slidingWindow).toBe(4096);
    expect(d.architecture.slidingWindowLayers).toBe(21);
  });

  it('says when a sliding_window is sized as full attention (Phi-3 mini)', () => {
    const d = describeHfConfig(
      readFixture('microsoft__Phi-3-mini-4k-instruct.json'),
    );
    expect(d.architecture.slidingWindow).toBeUndefined();
    expect(d.notes.join(' ')).toMatch(/sliding_window 2047 .* full attention/);
  });
});

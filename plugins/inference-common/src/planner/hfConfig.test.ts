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
  kvBytesPerToken: number;
  experts?: { count: number; topK: number; width: number; shared?: number };
  tied: boolean;
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
    expect(d.precision).toBe('bf16'); // torch_dtype bfloat16, no quantization_config
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
      cross: 0,
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
      },
    );
  });

  it.each(Object.keys(EXPECTED))('%s plans on H100s', file => {
    const d = describeHfConfig(readFixture(file));
    const plan = planModelServing({
      model: d.architecture,
      precision: d.precision,
      maxModelLen: Math.min(d.architecture.maxPositionEmbeddings, 8192),
      gpuTypes: ['h100-80gb-sxm'],
    });
    expect(plan.recommendation?.gpuId).toBe('h100-80gb-sxm');
    expect(plan.recommendation!.kvCacheTokens).toBeGreaterThanOrEqual(8192);
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

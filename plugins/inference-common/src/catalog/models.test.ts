import { MODEL_CATALOG } from './models.data';
import {
  estimateParameters,
  findModel,
  headDimOf,
  resolveModelArchitecture,
  validateArchitecture,
} from './models';
import modelsReference from './__fixtures__/models.reference.json';
import { kvCacheBytesPerToken } from '../planner/memory';

describe('model catalog', () => {
  it.each(modelsReference.llms.map(m => [m.id, m] as const))(
    '%s matches the reference architecture numbers',
    (id, ref) => {
      const model = findModel(id)!;
      expect(model).toMatchObject({
        numHiddenLayers: ref.num_hidden_layers,
        hiddenSize: ref.hidden_size,
        numAttentionHeads: ref.num_attention_heads,
        numKeyValueHeads: ref.num_key_value_heads,
        intermediateSize: ref.intermediate_size,
        vocabSize: ref.vocab_size,
        maxPositionEmbeddings: ref.max_position_embeddings,
        tieWordEmbeddings: ref.tie_word_embeddings,
      });
      expect(headDimOf(model)).toBe(ref.head_dim);
      // The estimate reproduces the reference parameter count computed from the same config.
      expect(estimateParameters(model).total / 1e9).toBeCloseTo(
        ref.params_computed_billion,
        1,
      );
      expect(
        Math.abs(
          estimateParameters(model).total / 1e9 / ref.params_computed_billion -
            1,
        ),
      ).toBeLessThan(0.005);
      expect(kvCacheBytesPerToken(model, { activationDtype: 'bf16' })).toBe(
        ref.kv_cache_bytes_per_token_bf16,
      );
    },
  );

  it('marks assumed architectures as unverified and keeps a source for every entry', () => {
    expect(findModel('e5-large-v2')!.unverified).toBe(true);
    expect(findModel('deepseek-r1-distill-llama-70b')!.unverified).toBe(true);
    expect(MODEL_CATALOG.every(m => m.source.length > 0)).toBe(true);
  });

  it('finds models by Hugging Face repository, with or without the -Instruct suffix', () => {
    expect(findModel('meta-llama/Llama-3.1-8B-Instruct')!.id).toBe(
      'llama-3.1-8b',
    );
    expect(findModel('Qwen/Qwen2.5-72B')!.id).toBe('qwen2.5-72b');
    expect(findModel('nope/nothing')).toBeUndefined();
  });
});

describe('describing other models by their numbers', () => {
  const phi4 = {
    numHiddenLayers: 40,
    hiddenSize: 5120,
    numAttentionHeads: 40,
    numKeyValueHeads: 10,
    headDim: 128,
    intermediateSize: 17920,
    vocabSize: 100352,
    maxPositionEmbeddings: 16384,
    tieWordEmbeddings: false,
  };

  it('estimates dense, MoE and MLA parameter counts', () => {
    expect(estimateParameters(phi4).total / 1e9).toBeCloseTo(14.66, 1);
    const mixtral = findModel('mixtral-8x7b-v0.1')!;
    expect(
      estimateParameters(mixtral).experts / estimateParameters(mixtral).total,
    ).toBeGreaterThan(0.9);
    const deepseekV2Lite = {
      ...phi4,
      numHiddenLayers: 27,
      hiddenSize: 2048,
      numAttentionHeads: 16,
      numKeyValueHeads: 16,
      intermediateSize: 10944,
      vocabSize: 102400,
      moe: {
        numExperts: 64,
        expertIntermediateSize: 1408,
        topK: 6,
        sharedExpertIntermediateSize: 2816,
        denseLayers: 1,
      },
      mla: {
        kvLoraRank: 512,
        qkRopeHeadDim: 64,
        qkNopeHeadDim: 128,
        vHeadDim: 128,
      },
    };
    expect(estimateParameters(deepseekV2Lite).total / 1e9).toBeCloseTo(15.7, 1);
  });

  it('scales the computed split to a published total', () => {
    const scaled = estimateParameters({ ...phi4, parameterCount: 15e9 });
    expect(scaled.total).toBe(15e9);
    expect(scaled.decoder + scaled.experts + scaled.embeddings).toBeCloseTo(
      15e9,
      -3,
    );
  });

  it('rejects inconsistent numbers with the list of problems', () => {
    expect(validateArchitecture({ ...phi4, numKeyValueHeads: 12 })).toEqual([
      'numAttentionHeads must be a multiple of numKeyValueHeads',
    ]);
    expect(() =>
      resolveModelArchitecture({ ...phi4, numHiddenLayers: 0 }),
    ).toThrow(/numHiddenLayers must be a positive integer/);
    expect(() => resolveModelArchitecture('no-such-model')).toThrow(
      /Unknown model 'no-such-model'/,
    );
    expect(resolveModelArchitecture(phi4).id).toBe('custom');
  });
});

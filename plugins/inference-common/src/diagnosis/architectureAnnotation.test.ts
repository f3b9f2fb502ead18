import { findModel } from '../catalog/models';
import { architectureFromAnnotation } from './architectureAnnotation';
import { memoryInputFromContext } from './servingContext';

describe('architectureFromAnnotation', () => {
  const qwen3 = {
    numHiddenLayers: 36,
    hiddenSize: 4096,
    numAttentionHeads: 32,
    numKeyValueHeads: 8,
    headDim: 128,
    intermediateSize: 12288,
    vocabSize: 151936,
    maxPositionEmbeddings: 40960,
    tieWordEmbeddings: false,
  };

  it('gives the health card the numbers of a model outside the catalog', () => {
    expect(findModel('Qwen/Qwen3-8B')).toBeUndefined();
    const architecture = architectureFromAnnotation(JSON.stringify(qwen3));
    expect(architecture).toEqual(qwen3);
    const input = memoryInputFromContext({
      model: architecture,
      gpuType: 'NVIDIA-L4',
      maxModelLen: 8192,
      vllmVersion: '0.10.1.1',
    });
    expect(input?.model.numHiddenLayers).toBe(36);
    // without the annotation a Hugging Face id the catalog lacks gets no advice rather than a guess
    expect(
      memoryInputFromContext({ model: 'Qwen/Qwen3-8B', gpuType: 'NVIDIA-L4' }),
    ).toBeUndefined();
  });

  it('ignores a broken annotation instead of making up advice', () => {
    expect(architectureFromAnnotation(undefined)).toBeUndefined();
    expect(architectureFromAnnotation('{not json')).toBeUndefined();
    expect(architectureFromAnnotation('[1,2]')).toBeUndefined();
    expect(
      architectureFromAnnotation(JSON.stringify({ ...qwen3, hiddenSize: -1 })),
    ).toBeUndefined();
  });
});

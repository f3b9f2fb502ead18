import fs from 'fs';
import path from 'path';
import { ModelArchitecture } from '../catalog/modelTypes';
import { describeHfConfig } from './hfConfig';
import { estimateVllmMemory, kvCacheBytesPerSequence } from './memory';

const GIB = 1024 ** 3;

function fixture(file: string): ModelArchitecture {
  const text = fs.readFileSync(
    path.join(__dirname, '__fixtures__', 'hf-configs', file),
    'utf8',
  );
  return describeHfConfig(JSON.parse(text)).architecture;
}

const H100 = {
  precision: 'bf16' as const,
  tensorParallelSize: 1,
  gpuMemoryUtilization: 0.9,
  usableMemoryGiB: 79.19,
  scheduler: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 },
};

describe('KV cache per layer type in estimateVllmMemory', () => {
  it('caps sliding-window layers at the window plus one prefill chunk (gemma-2-9b)', () => {
    const gemma2 = fixture('google__gemma-2-9b-it.json');
    const m = estimateVllmMemory({
      ...H100,
      model: gemma2,
      maxModelLen: 32768,
    });
    const perLayerPerToken = 2 * 8 * 256 * 2;
    // 21 full layers hold 32768 tokens; 21 sliding ones min(4096 − 1 + 8192, 32768) + one block of 16.
    expect(m.kvCacheGiBPerSequence * GIB).toBe(
      perLayerPerToken * (21 * 32768 + 21 * (4095 + 8192 + 16)),
    );
    // The token count vLLM logs still divides by every layer; sequences are cheaper than that.
    expect(m.kvBytesPerTokenPerGpu).toBe(42 * perLayerPerToken);
    expect(m.maxConcurrency).toBeGreaterThan(m.kvCacheTokens / 32768);
    expect(m.maxConcurrency).toBeCloseTo(
      (m.perGpu.kvCacheGiB * GIB) / (m.kvCacheGiBPerSequence * GIB),
      9,
    );
  });

  it('sizes sliding layers as full attention when the window is unknown (the catalog behaviour)', () => {
    const gemma2 = fixture('google__gemma-2-9b-it.json');
    const { slidingWindow, ...withoutWindow } = gemma2;
    expect(slidingWindow).toBe(4096);
    const known = estimateVllmMemory({
      ...H100,
      model: gemma2,
      maxModelLen: 32768,
    });
    const unknown = estimateVllmMemory({
      ...H100,
      model: withoutWindow,
      maxModelLen: 32768,
    });
    expect(unknown.kvCacheTokens).toBe(known.kvCacheTokens);
    expect(unknown.maxConcurrency).toBe(unknown.kvCacheTokens / 32768);
    expect(unknown.maxConcurrency).toBeLessThan(known.maxConcurrency);
  });

  it('counts the Gated DeltaNet state once per sequence, not per token (Qwen3-Next, TP 4)', () => {
    const next = fixture('Qwen__Qwen3-Next-80B-A3B-Thinking.json');
    const options = {
      activationDtype: 'bf16' as const,
      tensorParallelSize: 4,
      maxNumBatchedTokens: 8192,
    };
    const short = kvCacheBytesPerSequence(next, {
      ...options,
      maxModelLen: 8192,
    });
    const long = kvCacheBytesPerSequence(next, {
      ...options,
      maxModelLen: 16384,
    });
    // 2 KV heads on 4 ranks: replicated, one per rank → 12 layers × 2 × 1 × 256 × 2 bytes per token.
    const attentionPerToken = 12 * 2 * 1 * 256 * 2;
    expect(long - short).toBe(attentionPerToken * 8192);
    const statePerLayer =
      (((2 * 16 * 128 + 32 * 128) / 4) * 3 + (32 / 4) * 128 * 128) * 2;
    expect(short).toBe(attentionPerToken * 8192 + 36 * statePerLayer);

    const m = estimateVllmMemory({
      ...H100,
      model: next,
      tensorParallelSize: 4,
      maxModelLen: 8192,
    });
    expect(m.kvBytesPerTokenPerGpu).toBe(attentionPerToken);
    expect(m.kvCacheGiBPerSequence * GIB).toBe(short);
    expect(m.maxConcurrency).toBeLessThan(m.kvCacheTokens / 8192);
    expect(m.fitsMaxModelLen).toBe(true);
  });

  it('fits a context only when the KV memory holds one whole sequence, state included', () => {
    const next = fixture('Qwen__Qwen3-Next-80B-A3B-Thinking.json');
    const at = (gpuMemoryUtilization: number) =>
      estimateVllmMemory({
        ...H100,
        model: next,
        tensorParallelSize: 4,
        gpuMemoryUtilization,
        maxModelLen: 262144,
      });
    const verdicts = [0.5, 0.52, 0.54, 0.56, 0.6, 0.9].map(u => {
      const m = at(u);
      expect(m.fitsMaxModelLen).toBe(
        m.perGpu.kvCacheGiB >= m.kvCacheGiBPerSequence,
      );
      return { fits: m.fitsMaxModelLen, kv: m.perGpu.kvCacheGiB };
    });
    // Some utilization leaves positive KV memory that is still short of one 262144-token sequence.
    expect(verdicts.some(v => !v.fits && v.kv > 0)).toBe(true);
    expect(verdicts.some(v => v.fits)).toBe(true);
  });
});

import { vllmEngineBehaviour } from './vllmEngine';
import { findModel } from '../catalog/models';
import { adviseKvCacheFit, roundDownContext } from './advice';

const L4 = {
  usableMemoryGiB: 22.05,
  engine: vllmEngineBehaviour('0.19.0'),
  scheduler: { maxNumSeqs: 256, maxNumBatchedTokens: 2048 },
};

describe('adviseKvCacheFit', () => {
  it('says what would fit: a shorter context, a higher utilization or more tensor parallelism', () => {
    const advice = adviseKvCacheFit({
      model: findModel('llama-3.1-8b')!,
      precision: 'bf16',
      tensorParallelSize: 1,
      maxModelLen: 131072,
      gpuMemoryUtilization: 0.9,
      ...L4,
    });
    expect(advice).toMatchObject({
      fits: false,
      kvCacheNeededGiB: 16,
      maxModelLenThatFits: 32000,
      tensorParallelSizeThatFits: 2,
      utilizationThatFits: undefined,
    });
    expect(advice.text).toBe(
      'max-model-len 131072 needs 16.0 GiB KV cache; 3.97 GiB free at 0.90 utilization: lower it to 32000, or TP=2',
    );
  });

  it('proposes a utilization when a small raise is enough', () => {
    const advice = adviseKvCacheFit({
      model: findModel('llama-3.1-8b')!,
      precision: 'bf16',
      tensorParallelSize: 1,
      maxModelLen: 40960,
      gpuMemoryUtilization: 0.85,
      ...L4,
    });
    expect(advice.utilizationThatFits).toBeGreaterThan(0.85);
    expect(advice.utilizationThatFits).toBeLessThanOrEqual(0.95);
    expect(advice.text).toMatch(/raise --gpu-memory-utilization to 0\.\d\d/);
  });

  it('reports a fit as such', () => {
    const advice = adviseKvCacheFit({
      model: findModel('llama-3.2-1b')!,
      precision: 'bf16',
      tensorParallelSize: 1,
      maxModelLen: 8192,
      gpuMemoryUtilization: 0.9,
      ...L4,
    });
    expect(advice.fits).toBe(true);
    expect(advice.text).toMatch(/: fits$/);
  });

  it('rounds contexts down to numbers people type', () => {
    expect(roundDownContext(32581)).toBe(32000);
    expect(roundDownContext(1999)).toBe(1984);
  });
});

import { vllmEngineBehaviour } from './vllmEngine';
import { findModel } from '../catalog/models';
import modelsReference from '../catalog/__fixtures__/models.reference.json';
import calibrationModels from './__fixtures__/calibration-models.json';
import { ModelArchitecture } from '../catalog/modelTypes';
import {
  estimateVllmMemory,
  kvCacheBytesPerToken,
  weightsPerGpuGiB,
} from './memory';
import { vllmSchedulerDefaults } from './vllmDefaults';

const llama8b = findModel('llama-3.1-8b')!;
const H100 = {
  usableMemoryGiB: 79.19,
  scheduler: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 },
};

describe('weightsPerGpuGiB', () => {
  it.each(modelsReference.llms.map(m => [m.id, m.weights_gib_bf16] as const))(
    '%s in bf16 is about %s GiB',
    (id, reference) => {
      const weights = weightsPerGpuGiB(findModel(id)!, 'bf16', {
        tensorParallelSize: 1,
      });
      expect(Math.abs(weights / reference - 1)).toBeLessThan(0.01);
    },
  );

  it('keeps embeddings and LM head at 16 bits when the linear layers are quantized', () => {
    const bf16 = weightsPerGpuGiB(llama8b, 'bf16', { tensorParallelSize: 1 });
    const fp8 = weightsPerGpuGiB(llama8b, 'fp8', { tensorParallelSize: 1 });
    const int4 = weightsPerGpuGiB(llama8b, 'awq', { tensorParallelSize: 1 });
    // Naive halving (the reference's 7.5 GiB) misses the 2 GiB of 16-bit embeddings; vLLM logs 8.49 GiB.
    expect(fp8).toBeCloseTo(8.49, 1);
    expect(fp8).toBeGreaterThan(bf16 / 2);
    expect(int4).toBeCloseTo(5.34, 1);
  });

  it('shards weights by tensor parallelism and splits layers by pipeline stage', () => {
    const tp1 = weightsPerGpuGiB(llama8b, 'bf16', { tensorParallelSize: 1 });
    expect(
      weightsPerGpuGiB(llama8b, 'bf16', { tensorParallelSize: 4 }),
    ).toBeCloseTo(tp1 / 4, 1);
    expect(
      weightsPerGpuGiB(llama8b, 'bf16', {
        tensorParallelSize: 1,
        pipelineParallelSize: 2,
      }),
    ).toBeCloseTo(7.51, 2);
  });

  it('counts the rotary cache of very long contexts (Llama 4 Scout keeps 2.5 GiB per GPU)', () => {
    const scout = (
      calibrationModels.models as Record<string, ModelArchitecture>
    )['meta-llama/Llama-4-Scout-17B-16E-Instruct'];
    expect(
      weightsPerGpuGiB(scout, 'bf16', { tensorParallelSize: 4 }),
    ).toBeCloseTo(53.1, 1);
  });
});

describe('kvCacheBytesPerToken', () => {
  it('divides KV heads across ranks and replicates them beyond their count', () => {
    const qwen = findModel('qwen2.5-7b')!; // 4 KV heads
    const opts = { activationDtype: 'bf16' as const };
    expect(kvCacheBytesPerToken(qwen, { ...opts, tensorParallelSize: 2 })).toBe(
      57344 / 2,
    );
    expect(kvCacheBytesPerToken(qwen, { ...opts, tensorParallelSize: 4 })).toBe(
      57344 / 4,
    );
    expect(
      kvCacheBytesPerToken(findModel('llama-3.1-8b')!, {
        ...opts,
        tensorParallelSize: 8,
      }),
    ).toBe(131072 / 8);
    expect(kvCacheBytesPerToken(qwen, { ...opts, kvCacheDtype: 'fp8' })).toBe(
      57344 / 2,
    );
  });

  it('stores one MLA latent per layer on every rank', () => {
    const lite = (
      calibrationModels.models as Record<string, ModelArchitecture>
    )['deepseek-ai/DeepSeek-V2-Lite-Chat'];
    expect(
      kvCacheBytesPerToken(lite, {
        activationDtype: 'bf16',
        tensorParallelSize: 2,
      }),
    ).toBe(27 * 576 * 2);
  });
});

describe('estimateVllmMemory', () => {
  const base = {
    model: llama8b,
    precision: 'bf16' as const,
    tensorParallelSize: 1,
    maxModelLen: 8192,
    gpuMemoryUtilization: 0.95,
    ...H100,
    // The release the overhead model was fitted on: CUDA graphs outside the budget.
    engine: vllmEngineBehaviour('0.19.0'),
  };

  it('reproduces vLLM accounting: KV = total × utilization − weights − activation peak − non-torch', () => {
    const m = estimateVllmMemory(base);
    expect(m.perGpu.budgetGiB).toBeCloseTo(79.19 * 0.95, 6);
    expect(m.perGpu.kvCacheGiB).toBeCloseTo(
      m.perGpu.budgetGiB -
        m.perGpu.weightsGiB -
        m.perGpu.activationPeakGiB -
        m.perGpu.nonTorchGiB,
      9,
    );
    // vLLM 0.19.0 logged 58.11 GiB and 476016 tokens for this run.
    expect(m.perGpu.kvCacheGiB).toBeCloseTo(58.11, 0);
    expect(Math.abs(m.kvCacheTokens / 476016 - 1)).toBeLessThan(0.01);
    expect(m.kvCacheTokens % 16).toBe(0);
    expect(m.maxConcurrency).toBeCloseTo(m.kvCacheTokens / 8192, 9);
  });

  it('pads the KV layers of hybrid sliding-window models like vLLM (gemma-3-27b: 62 layers, 70 slots)', () => {
    const gemma3 = (
      calibrationModels.models as Record<string, ModelArchitecture>
    )['google/gemma-3-27b-it'];
    const m = estimateVllmMemory({ ...base, model: gemma3 });
    expect(m.kvBytesPerTokenPerGpu).toBeCloseTo(
      (2 * 62 * 16 * 128 * 2 * 70) / 62,
      6,
    );
  });

  it('flags contexts the KV cache cannot hold and CUDA graphs that do not fit the headroom', () => {
    const tight = estimateVllmMemory({
      ...base,
      model: findModel('llama-3.1-70b')!,
      tensorParallelSize: 2,
      maxModelLen: 131072,
    });
    expect(tight.fitsMaxModelLen).toBe(false);
    expect(tight.kvCacheGiBPerSequence).toBeCloseTo(20, 6);
    expect(
      estimateVllmMemory({ ...base, gpuMemoryUtilization: 0.995 })
        .cudaGraphFits,
    ).toBe(false);
  });

  it('sizes the profiling run with vLLM defaults per GPU (A100s and small GPUs get 256 sequences)', () => {
    expect(
      vllmSchedulerDefaults({
        usableMemoryGiB: 79.19,
        name: 'NVIDIA H100 80GB HBM3',
      }),
    ).toEqual({ maxNumSeqs: 1024, maxNumBatchedTokens: 8192 });
    expect(
      vllmSchedulerDefaults({
        usableMemoryGiB: 79.15,
        name: 'NVIDIA A100-SXM4-80GB',
      }),
    ).toEqual({ maxNumSeqs: 256, maxNumBatchedTokens: 2048 });
    expect(
      vllmSchedulerDefaults({ usableMemoryGiB: 22.05, name: 'NVIDIA L4' }),
    ).toEqual({ maxNumSeqs: 256, maxNumBatchedTokens: 2048 });
    const small = estimateVllmMemory({
      ...base,
      scheduler: { maxNumSeqs: 256, maxNumBatchedTokens: 2048 },
    });
    expect(small.perGpu.activationPeakGiB).toBeLessThan(
      estimateVllmMemory(base).perGpu.activationPeakGiB / 2,
    );
  });
});

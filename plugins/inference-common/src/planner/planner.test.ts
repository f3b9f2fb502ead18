import { resolveGpuPrices } from '../catalog/prices';
import { planModelServing } from './planner';
import { VLLM_DEFAULT_GPU_MEMORY_UTILIZATION } from './vllmDefaults';

describe('planModelServing', () => {
  it('states the gpu_memory_utilization it used, and where the default comes from', () => {
    const plan = planModelServing({ model: 'llama-3.1-8b', maxModelLen: 8192 });
    expect(plan.gpuMemoryUtilization).toBe(VLLM_DEFAULT_GPU_MEMORY_UTILIZATION);
    expect(plan.gpuMemoryUtilization).toBe(0.92);
    expect(plan.gpuMemoryUtilizationSource).toMatch(/vllm\/config\/cache.py/);
    for (const gpu of plan.plans) {
      expect(gpu.vllmArgs.join(' ')).toContain('--gpu-memory-utilization 0.92');
    }
    expect(
      planModelServing({ model: 'llama-3.1-8b', gpuMemoryUtilization: 0.85 })
        .gpuMemoryUtilizationSource,
    ).toBe('set in the request');
  });

  it('plans Llama-3.1-8B on one H100 with the vLLM arguments to run it', () => {
    const plan = planModelServing({
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      gpuTypes: ['h100-80gb-sxm'],
      targetConcurrency: 50,
    });
    const h100 = plan.recommendation!;
    expect(h100).toMatchObject({
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      fits: true,
      tensorParallelSize: 1,
      gpusPerReplica: 1,
      replicas: 1,
    });
    expect(h100.memoryPerGpu.weightsGiB).toBeCloseTo(14.99, 1);
    expect(h100.maxConcurrencyPerReplica).toBeGreaterThan(50);
    expect(h100.vllmArgs).toEqual([
      '--tensor-parallel-size',
      '1',
      '--max-model-len',
      '8192',
      '--gpu-memory-utilization',
      '0.92',
      '--dtype',
      'bfloat16',
      '--kv-cache-dtype',
      'auto',
      '--max-num-seqs',
      '1024',
      '--max-num-batched-tokens',
      '8192',
    ]);
    expect(h100.costPerHourUsd).toBeCloseTo(6.88);
    expect(h100.price).toMatchObject({
      kind: 'on-demand',
      isDefault: true,
      asOf: '2026-01-21',
    });
  });

  it('chooses the tensor-parallel size that fits and says why smaller ones do not', () => {
    const plan = planModelServing({
      model: 'llama-3.1-70b',
      maxModelLen: 32768,
      gpuTypes: ['NVIDIA-H100-80GB-HBM3'],
    });
    const h100 = plan.plans[0];
    expect(h100.fits).toBe(true);
    expect(h100.tensorParallelSize).toBe(4);
    const two = planModelServing({
      model: 'llama-3.1-70b',
      maxModelLen: 32768,
      gpuTypes: ['h100-80gb-sxm'],
      tensorParallelSize: 2,
      vllmVersion: '0.19.0',
    }).plans[0];
    expect(two.reasons[0]).toMatch(
      /^TP=2: the KV cache holds \d+ tokens \(3.\d+ GiB\), less than max-model-len 32768 \(needs 5.00 GiB\): vLLM refuses to start/,
    );
    const one = planModelServing({
      model: 'llama-3.1-70b',
      maxModelLen: 32768,
      gpuTypes: ['h100-80gb-sxm'],
      tensorParallelSize: 1,
    }).plans[0];
    expect(one.fits).toBe(false);
    expect(one.reasons[0]).toMatch(
      /^TP=1: weights 131.4 GiB .* more than the 72.9 GiB budget \(0.92 × 79.2 GiB\)/,
    );
  });

  it('never proposes a tensor-parallel size that does not divide the attention heads', () => {
    const plan = planModelServing({
      model: 'qwen2.5-7b',
      maxModelLen: 32768,
      gpuTypes: ['t4'],
      precision: 'fp16',
    });
    const t4 = plan.plans[0];
    expect(t4.notes.join(' ')).toMatch(
      /8 \(28 attention heads are not divisible by tensor-parallel size 8\)/,
    );
    const pinned = planModelServing({
      model: 'qwen2.5-7b',
      gpuTypes: ['h100-80gb-sxm'],
      tensorParallelSize: 8,
    }).plans[0];
    expect(pinned.fits).toBe(false);
    expect(pinned.reasons[0]).toMatch(/no valid tensor-parallel size: 8/);
  });

  it('falls back to fp16 on GPUs without BF16 and refuses fp8 there', () => {
    const t4 = planModelServing({
      model: 'llama-3.2-1b',
      maxModelLen: 4096,
      gpuTypes: ['t4'],
    }).plans[0];
    expect(t4.activationDtype).toBe('fp16');
    expect(t4.vllmArgs).toContain('float16');
    const fp8 = planModelServing({
      model: 'llama-3.2-1b',
      maxModelLen: 4096,
      gpuTypes: ['t4'],
      precision: 'fp8',
    }).plans[0];
    expect(fp8.fits).toBe(false);
    expect(fp8.reasons).toContain(
      'fp8 kernels need compute capability 8.0 or newer',
    );
  });

  it('sizes replicas for the target concurrency and recommends the cheapest GPU-hours', () => {
    const plan = planModelServing({
      model: 'llama-3.1-8b',
      maxModelLen: 8192,
      targetConcurrency: 64,
      gpuTypes: ['l4', 'l40s', 'h100-80gb-sxm', 'h100-pcie'],
    });
    const fitting = plan.plans.filter(p => p.fits);
    for (const p of fitting) {
      expect(p.replicas * p.maxConcurrencyPerReplica).toBeGreaterThanOrEqual(
        64,
      );
      expect(p.totalGpus).toBe(p.replicas * p.gpusPerReplica);
    }
    const priced = fitting.filter(p => p.costPerHourUsd !== undefined);
    expect(priced.map(p => p.costPerHourUsd)).toEqual(
      [...priced.map(p => p.costPerHourUsd!)].sort((a, b) => a - b),
    );
    expect(plan.recommendation).toBe(plan.plans[0]);
    expect(plan.recommendation!.costPerHourUsd).toBe(
      Math.min(...priced.map(p => p.costPerHourUsd!)),
    );
    // unpriced GPU types rank after priced ones
    expect(
      plan.plans.findIndex(p => p.gpuType === 'NVIDIA-H100-PCIe'),
    ).toBeGreaterThan(
      plan.plans.findIndex(p => p.gpuType === 'NVIDIA-H100-80GB-HBM3'),
    );
  });

  it('uses configured prices and price kinds', () => {
    const prices = resolveGpuPrices([
      { gpuType: 'h100-80gb-sxm', onDemandUsdPerGpuHour: 1 },
    ]);
    const plan = planModelServing({
      model: 'llama-3.1-8b',
      maxModelLen: 8192,
      targetConcurrency: 8,
      gpuTypes: ['l4', 'h100-80gb-sxm'],
      prices,
      priceKind: 'spot',
    });
    expect(plan.recommendation!.gpuType).toBe('NVIDIA-H100-80GB-HBM3');
    expect(plan.recommendation!.price).toMatchObject({
      kind: 'spot',
      usdPerGpuHour: 0.4,
      isDefault: true,
    });
  });

  it('plans MIG slices as their own GPU types, without tensor parallelism', () => {
    const plan = planModelServing({
      model: 'llama-3.2-1b',
      maxModelLen: 4096,
      gpuTypes: [
        'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
        'NVIDIA-A100-SXM4-80GB-MIG-3g.40gb',
      ],
    });
    expect(plan.plans.every(p => p.tensorParallelSize === 1)).toBe(true);
    expect(plan.plans.map(p => p.gpuType)).toContain(
      'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
    );
    expect(plan.plans.every(p => p.fits)).toBe(true);
  });

  it('accepts any model described by its numbers and warns about unknown GPU types and over-long contexts', () => {
    const plan = planModelServing({
      model: {
        numHiddenLayers: 40,
        hiddenSize: 5120,
        numAttentionHeads: 40,
        numKeyValueHeads: 10,
        headDim: 128,
        intermediateSize: 17920,
        vocabSize: 100352,
        maxPositionEmbeddings: 16384,
        tieWordEmbeddings: false,
      },
      maxModelLen: 32768,
      gpuTypes: ['h100-80gb-sxm', 'tpu-v5'],
    });
    expect(plan.modelId).toBe('custom');
    expect(plan.parametersBillion).toBeCloseTo(14.66, 1);
    expect(plan.warnings).toEqual([
      "max-model-len 32768 exceeds the model's 16384 positions: vLLM rejects it unless rope scaling is configured",
      "unknown GPU type 'tpu-v5' ignored",
    ]);
  });

  it('refuses nonsensical requests', () => {
    expect(() =>
      planModelServing({ model: 'llama-3.1-8b', gpuMemoryUtilization: 1.2 }),
    ).toThrow(/gpuMemoryUtilization/);
    expect(() =>
      planModelServing({ model: 'llama-3.1-8b', maxModelLen: 0 }),
    ).toThrow(/maxModelLen/);
    expect(() =>
      planModelServing({ model: 'llama-3.1-8b', targetConcurrency: 0 }),
    ).toThrow(/targetConcurrency/);
  });

  it('says why nothing fits when the model is too large for every GPU', () => {
    const plan = planModelServing({
      model: 'llama-3.1-405b',
      maxModelLen: 8192,
      gpuTypes: ['l4', 'h100-80gb-sxm'],
    });
    expect(plan.recommendation).toBeUndefined();
    const h100 = plan.plans.find(p => p.gpuId === 'h100-80gb-sxm')!;
    expect(h100.reasons.join('\n')).toMatch(/TP=8: weights 94.5 GiB/);
  });
});

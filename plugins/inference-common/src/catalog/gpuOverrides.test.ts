import { planModelServing } from '../planner/planner';
import { activeGpuCatalog, setActiveGpuCatalog } from './activeGpuCatalog';
import { applyGpuOverrides, usableMemoryLabel } from './gpuOverrides';
import { findGpu, isGpuFieldUnverified, resolveGpuType } from './gpus';
import { GPU_CATALOG } from './gpus.data';

describe('applyGpuOverrides', () => {
  afterEach(() => setActiveGpuCatalog(GPU_CATALOG));

  it('puts the configured figure in place: no longer UNVERIFIED, with its source', () => {
    const a100 = findGpu('a100-80gb-sxm')!;
    expect(isGpuFieldUnverified(a100, 'usableMemoryGiB')).toBe(true);

    const catalog = applyGpuOverrides(GPU_CATALOG, [
      {
        gpu: 'NVIDIA-A100-SXM4-80GB',
        usableMemoryGiB: 79.1,
        source: 'nvidia-smi on gpu-us-east, 2026-11-30',
      },
    ]);
    const configured = findGpu('a100-80gb-sxm', catalog)!;
    expect(configured.usableMemoryGiB).toBe(79.1);
    expect(isGpuFieldUnverified(configured, 'usableMemoryGiB')).toBe(false);
    expect(configured.usableMemorySource).toBe(
      'nvidia-smi on gpu-us-east, 2026-11-30',
    );
    expect(configured.sources.usableMemoryGiB).toBe(
      'nvidia-smi on gpu-us-east, 2026-11-30',
    );
    // the built-in catalog is left as it was
    expect(findGpu('a100-80gb-sxm')!.usableMemoryGiB).toBe(
      a100.usableMemoryGiB,
    );
    expect(isGpuFieldUnverified(a100, 'usableMemoryGiB')).toBe(true);
  });

  it('refuses an unknown GPU and figures that cannot be right, naming the entry', () => {
    expect(() =>
      applyGpuOverrides(GPU_CATALOG, [{ gpu: 'NVIDIA-Z9' }]),
    ).toThrow(/inference.gpus\[0\]: unknown GPU 'NVIDIA-Z9'/);
    expect(() =>
      applyGpuOverrides(GPU_CATALOG, [
        { gpu: 'l4', usableMemoryGiB: 22 },
        { gpu: 'l4', usableMemoryGiB: 30 },
      ]),
    ).toThrow(
      /inference.gpus\[1\] \(l4\): usableMemoryGiB 30 is more than the GPU's nominal 24 GB/,
    );
    expect(() =>
      applyGpuOverrides(GPU_CATALOG, [{ gpu: 'l4', memoryBandwidthGBs: -1 }]),
    ).toThrow(/memoryBandwidthGBs must be a positive number/);
    expect(() =>
      applyGpuOverrides(GPU_CATALOG, [{ gpu: 'l4', computeCapability: 'ada' }]),
    ).toThrow(/computeCapability must look like 9.0/);
    expect(() =>
      applyGpuOverrides(GPU_CATALOG, [
        { gpu: 'l4', karpenterGpuName: 'NVIDIA L4' },
      ]),
    ).toThrow(/karpenterGpuName must be a lower-case/);
  });

  it('reaches the planner and GPU-type lookups once put in effect', () => {
    const request = {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      maxModelLen: 8192,
      gpuTypes: ['NVIDIA-L4'],
      vllmVersion: '0.10.1.1',
    };
    const before = planModelServing(request).plans[0];
    setActiveGpuCatalog(
      applyGpuOverrides(GPU_CATALOG, [{ gpu: 'l4', usableMemoryGiB: 21 }]),
    );
    expect(activeGpuCatalog()).not.toBe(GPU_CATALOG);
    expect(resolveGpuType('NVIDIA-L4')!.usableMemoryGiB).toBe(21);
    const after = planModelServing(request).plans[0];
    expect(after.memoryPerGpu.totalGiB).toBe(21);
    // 1.05 GiB less memory, 0.92 of it in vLLM's budget, all of it taken from the KV cache
    expect(after.kvCacheTokens).toBeLessThan(before.kvCacheTokens);
    const tokensPerGiB = before.kvCacheTokens / before.memoryPerGpu.kvCacheGiB;
    expect(before.kvCacheTokens - after.kvCacheTokens).toBeCloseTo(
      1.05 * 0.92 * tokensPerGiB,
      -3,
    );
  });
});

describe('usableMemoryLabel', () => {
  it('labels an UNVERIFIED catalog figure as a default, and a configured one with its source', () => {
    expect(usableMemoryLabel(resolveGpuType('NVIDIA-L4')!)).toBe(
      '22.05 GiB usable per GPU (catalog default, UNVERIFIED: set inference.gpus)',
    );
    const catalog = applyGpuOverrides(GPU_CATALOG, [
      { gpu: 'l4', usableMemoryGiB: 22.49, source: 'nvidia-smi, g6 nodes' },
    ]);
    expect(usableMemoryLabel(resolveGpuType('NVIDIA-L4', { catalog })!)).toBe(
      '22.49 GiB usable per GPU (nvidia-smi, g6 nodes)',
    );
  });
});

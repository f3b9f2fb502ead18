import { GPU_CATALOG } from './gpus.data';
import {
  findGpu,
  gpuTypeKey,
  isGpuFieldUnverified,
  listGpuTypes,
  mergeGpuCatalog,
  resolveGpuType,
  sanitizeGpuProductName,
} from './gpus';
import gpusReference from './__fixtures__/gpus.reference.json';

describe('sanitizeGpuProductName', () => {
  it.each([
    ['NVIDIA H100 80GB HBM3', 'NVIDIA-H100-80GB-HBM3'],
    ['Tesla T4', 'Tesla-T4'],
    ['NVIDIA A100-SXM4-40GB', 'NVIDIA-A100-SXM4-40GB'],
    ['NVIDIA  L40S (rev 1)', 'NVIDIA-L40S-rev-1'],
  ])('turns %s into the GFD label %s', (nvml, label) => {
    expect(sanitizeGpuProductName(nvml)).toBe(label);
  });
});

describe('GPU catalog', () => {
  it('has the label, memory, compute capability and sources of every reference GPU', () => {
    for (const ref of gpusReference.gpus) {
      const gpu = findGpu(ref.id)!;
      expect(gpu).toBeDefined();
      expect(gpu.gfdProductLabel).toBe(ref.gfd_product_label);
      expect(gpu.memoryGB).toBe(ref.memory_gib);
      expect(gpu.memoryBandwidthGBs).toBe(ref.memory_bandwidth_gbs);
      expect(gpu.computeCapability).toBe(ref.compute_capability);
      expect(Object.keys(gpu.sources).length).toBeGreaterThan(0);
      expect(gpu.usableMemoryGiB).toBeLessThan(gpu.memoryGB);
    }
  });

  it('has the MIG profiles of mig-parted', () => {
    for (const ref of gpusReference.gpus) {
      if (!Array.isArray(ref.mig_profiles)) continue;
      expect(
        findGpu(ref.id)!.migProfiles.map(p => [p.profile, p.maxInstances]),
      ).toEqual(ref.mig_profiles.map(p => [p.profile, p.max_instances]));
    }
  });

  it('dates every embedded price and takes it from the AWS snapshot of 2026-01-21', () => {
    const priced = GPU_CATALOG.filter(g => g.defaultPrice);
    expect(priced.map(g => g.id).sort()).toEqual(
      [
        'a100-40gb-sxm',
        'a100-80gb-sxm',
        'a10g',
        'b200',
        'h100-80gb-sxm',
        'h200-141gb',
        'l4',
        'l40s',
        't4',
      ].sort(),
    );
    for (const gpu of priced) {
      expect(gpu.defaultPrice!.asOf).toBe('2026-01-21');
      expect(gpu.defaultPrice!.source).toContain('tsaol/aws-gpu');
    }
    expect(findGpu('h100-80gb-sxm')!.defaultPrice!.onDemandUsdPerGpuHour).toBe(
      6.88,
    );
  });

  it('flags the values the reference marks UNVERIFIED', () => {
    expect(isGpuFieldUnverified(findGpu('a10g')!, 'memoryBandwidthGBs')).toBe(
      true,
    );
    expect(isGpuFieldUnverified(findGpu('h100-pcie')!, 'fp8DenseTflops')).toBe(
      true,
    );
    expect(
      isGpuFieldUnverified(findGpu('h100-80gb-sxm')!, 'usableMemoryGiB'),
    ).toBe(false);
  });

  it('has no MIG on L4, L40S, A10G and T4', () => {
    for (const id of ['l4', 'l40s', 'a10g', 't4'])
      expect(findGpu(id)!.migProfiles).toEqual([]);
  });
});

describe('resolveGpuType', () => {
  it('finds GPUs by id, label and the label older drivers report', () => {
    expect(resolveGpuType('h100-80gb-sxm')!.key).toBe('NVIDIA-H100-80GB-HBM3');
    expect(resolveGpuType('nvidia-l40s')!.gpu.id).toBe('l40s');
    expect(resolveGpuType('A100-SXM4-40GB')!.gpu.id).toBe('a100-40gb-sxm');
    expect(resolveGpuType('NVIDIA-H200-SXM5-141GB')).toBeUndefined();
  });

  it('treats MIG profiles as their own GPU types with the mixed-strategy resource name', () => {
    const slice = resolveGpuType('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb')!;
    expect(slice.key).toBe('NVIDIA-A100-SXM4-40GB-MIG-1g.5gb');
    expect(slice.resourceName).toBe('nvidia.com/mig-1g.5gb');
    expect(slice.usableMemoryGiB).toBeLessThan(5);
    const h100 = resolveGpuType('h100-80gb-sxm', {
      migProfile: 'nvidia.com/mig-3g.40gb',
    })!;
    expect(h100.key).toBe(gpuTypeKey('NVIDIA-H100-80GB-HBM3', '3g.40gb'));
    expect(h100.mig!.maxInstances).toBe(2);
    expect(resolveGpuType('NVIDIA-L4-MIG-1g.5gb')).toBeUndefined();
  });

  it('recognises the -SHARED suffix of time-sliced GPUs', () => {
    expect(resolveGpuType('NVIDIA-L4-SHARED')).toMatchObject({
      key: 'NVIDIA-L4',
      shared: true,
    });
  });

  it('lists whole GPUs and every MIG profile', () => {
    const keys = listGpuTypes().map(t => t.key);
    expect(keys).toContain('NVIDIA-B200-MIG-7g.180gb');
    expect(keys).toContain('NVIDIA-H200-MIG-1g.18gb+me');
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('mergeGpuCatalog', () => {
  it('overrides fields and clears their UNVERIFIED flag', () => {
    const merged = mergeGpuCatalog([{ id: 'l4', usableMemoryGiB: 22.16 }]);
    const l4 = merged.find(g => g.id === 'l4')!;
    expect(l4.usableMemoryGiB).toBe(22.16);
    expect(isGpuFieldUnverified(l4, 'usableMemoryGiB')).toBe(false);
    expect(findGpu('l4')!.usableMemoryGiB).toBe(22.05);
  });

  it('adds complete new GPUs and rejects incomplete ones', () => {
    expect(() => mergeGpuCatalog([{ id: 'rtx-6000' }])).toThrow(/lacks: name/);
    const merged = mergeGpuCatalog([
      {
        id: 'rtx-pro-6000',
        name: 'NVIDIA RTX PRO 6000',
        vendor: 'nvidia',
        architecture: 'blackwell',
        computeCapability: '12.0',
        dataCenter: false,
        memoryGB: 96,
        usableMemoryGiB: 94.5,
        usableMemorySource: 'config',
        memoryBandwidthGBs: 1792,
        bf16DenseTflops: null,
        fp8DenseTflops: null,
        gfdProductLabel: 'NVIDIA-RTX-PRO-6000',
        kubernetesResource: 'nvidia.com/gpu',
      },
    ]);
    expect(findGpu('NVIDIA-RTX-PRO-6000', merged)!.id).toBe('rtx-pro-6000');
  });
});

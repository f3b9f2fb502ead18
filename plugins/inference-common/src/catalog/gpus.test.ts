import { GPU_CATALOG } from './gpus.data';
import {
  findGpu,
  gpuTypeKey,
  isGpuFieldUnverified,
  listGpuTypes,
  resolveGpuType,
  sanitizeGpuProductName,
} from './gpus';
import { planModelServing } from '../planner/planner';
import gpusReference from './__fixtures__/gpus.reference.json';
import measuredH200 from './__fixtures__/measured-h200.json';

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

describe('GPUs people run beyond the reference snapshot', () => {
  const added = [
    ['rtx-3090', 'NVIDIA-GeForce-RTX-3090'],
    ['rtx-4090', 'NVIDIA-GeForce-RTX-4090'],
    ['rtx-5090', 'NVIDIA-GeForce-RTX-5090'],
    ['rtx-6000-ada', 'NVIDIA-RTX-6000-Ada-Generation'],
    ['h20', 'NVIDIA-H20'],
    ['gb200', 'NVIDIA-GB200'],
    ['gb10', 'NVIDIA-GB10'],
  ] as const;

  it.each(added)('resolves %s from its node label %s', (id, label) => {
    const type = resolveGpuType(label)!;
    expect(type.gpu.id).toBe(id);
    expect(type.key).toBe(label);
    expect(resolveGpuType(`${label}-SHARED`)!.shared).toBe(true);
  });

  it.each(added)(
    'sources the specs, compute capability and label of %s',
    id => {
      const gpu = findGpu(id)!;
      expect(Object.keys(gpu.sources)).toEqual(
        expect.arrayContaining(['specs', 'cc', 'label']),
      );
      expect(gpu.usableMemorySource).not.toBe('');
      expect(gpu.usableMemoryGiB).toBeLessThan(gpu.memoryGB);
      expect(gpu.usableMemoryGiB).toBeGreaterThan(gpu.memoryGB * 0.9);
    },
  );

  it('gives every NVIDIA GPU a compute capability that matches its architecture family', () => {
    const majorsByFamily: Record<string, string[]> = {
      turing: ['7.5'],
      ampere: ['8.0', '8.6'],
      'ada-lovelace': ['8.9'],
      hopper: ['9.0'],
      // GFD's getArchFamily maps compute major 10 and 12 to blackwell.
      blackwell: ['10.0', '12.0', '12.1'],
    };
    for (const gpu of GPU_CATALOG.filter(g => g.vendor === 'nvidia')) {
      expect([gpu.id, majorsByFamily[gpu.architecture]]).toEqual([
        gpu.id,
        expect.arrayContaining([gpu.computeCapability]),
      ]);
    }
  });

  it('keeps GeForce, workstation and desktop GPUs without MIG, data-center status or an embedded price', () => {
    const desk = GPU_CATALOG.filter(g => !g.dataCenter).map(g => g.id);
    expect(desk.sort()).toEqual(
      ['gb10', 'rtx-3090', 'rtx-4090', 'rtx-5090', 'rtx-6000-ada'].sort(),
    );
    for (const id of desk) {
      expect(findGpu(id)!.migProfiles).toEqual([]);
      expect(findGpu(id)!.defaultPrice).toBeUndefined();
    }
  });

  it('has FP8 at twice the BF16 rate where both are given, and no FP8 before Ada', () => {
    const nvidia = GPU_CATALOG.filter(g => g.vendor === 'nvidia');
    const ratios = nvidia
      .filter(g => g.bf16DenseTflops !== null && g.fp8DenseTflops !== null)
      .map(g => [
        g.id,
        Math.round((g.fp8DenseTflops! / g.bf16DenseTflops!) * 10) / 10,
      ]);
    expect(ratios.length).toBeGreaterThan(8);
    expect(ratios).toEqual(ratios.map(([id]) => [id, 2]));
    const fp8BeforeAda = nvidia.filter(
      g => Number(g.computeCapability) < 8.9 && g.fp8DenseTflops !== null,
    );
    expect(fp8BeforeAda).toEqual([]);
  });

  it('flags the figures no source states', () => {
    expect(isGpuFieldUnverified(findGpu('rtx-5090')!, 'gfdProductLabel')).toBe(
      true,
    );
    expect(isGpuFieldUnverified(findGpu('rtx-4090')!, 'gfdProductLabel')).toBe(
      false,
    );
    expect(isGpuFieldUnverified(findGpu('h20')!, 'migProfiles')).toBe(true);
    expect(isGpuFieldUnverified(findGpu('gb200')!, 'migProfiles')).toBe(true);
    expect(isGpuFieldUnverified(findGpu('gb10')!, 'usableMemoryGiB')).toBe(
      true,
    );
  });

  it('gives H20 and GB200 the MIG profiles mig-parted names for their device ids', () => {
    expect(resolveGpuType('NVIDIA-H20-MIG-3g.48gb')!.resourceName).toBe(
      'nvidia.com/mig-3g.48gb',
    );
    expect(resolveGpuType('NVIDIA-GB200-MIG-1g.24gb')!.mig!.maxInstances).toBe(
      7,
    );
    expect(
      resolveGpuType('NVIDIA-GeForce-RTX-4090-MIG-1g.6gb'),
    ).toBeUndefined();
  });

  it('lets the planner size Llama-3.2-1B on one GPU of each added type', () => {
    for (const [id, label] of added) {
      const plan = planModelServing({
        model: 'llama-3.2-1b',
        maxModelLen: 4096,
        gpuTypes: [id],
      });
      expect(plan.recommendation).toMatchObject({
        gpuType: label,
        fits: true,
        tensorParallelSize: 1,
        gpusPerReplica: 1,
      });
      expect(plan.recommendation!.memoryPerGpu.totalGiB).toBe(
        findGpu(id)!.usableMemoryGiB,
      );
    }
  });
});

describe('H200 measured on a real machine', () => {
  const h200 = findGpu('NVIDIA-H200')!;

  it('uses the CUDA total of reference/measured-h200.json as usable memory', () => {
    expect(h200.usableMemoryGiB).toBeCloseTo(
      measuredH200.torch.total_mib / 1024,
      2,
    );
    expect(isGpuFieldUnverified(h200, 'usableMemoryGiB')).toBe(false);
    expect(resolveGpuType('NVIDIA-H200-MIG-7g.141gb')!.usableMemoryGiB).toBe(
      h200.usableMemoryGiB,
    );
  });

  it('keeps the measured nvidia-smi, reserved and non-torch figures', () => {
    expect(h200.measuredMemory).toMatchObject({
      nvidiaSmiTotalMiB: measuredH200.nvidia_smi.memory_total_mib,
      reservedMiB: measuredH200.nvidia_smi.memory_reserved_mib,
      cudaTotalMiB: measuredH200.torch.total_mib,
      nonTorchMiB: measuredH200.torch.non_torch_after_cublas_mib,
      driver: measuredH200.nvidia_smi.driver,
    });
    const m = h200.measuredMemory!;
    // What CUDA sees is what nvidia-smi reports less the driver's reservation (nvidia-smi rounds to whole MiB).
    expect(
      Math.abs(m.nvidiaSmiTotalMiB - m.reservedMiB - m.cudaTotalMiB),
    ).toBeLessThan(1);
    expect(h200.gfdProductLabel).toBe(
      sanitizeGpuProductName(measuredH200.nvidia_smi.name),
    );
    expect(h200.computeCapability).toBe(
      measuredH200.nvidia_smi.compute_capability,
    );
  });
});

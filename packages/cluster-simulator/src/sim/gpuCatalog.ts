/*
 * The GPUs and instance types simulated nodes are made of. Values follow the
 * team's reference data (reference/gpus.json, GFD label rules); the simulator
 * keeps its own copy so that it stays independent of the product's catalog.
 */

/** A simulated GPU model. @public */
export interface GpuModel {
  /** GFD `nvidia.com/gpu.product` label value */
  product: string;
  /** NVML device name, as dcgm-exporter's `modelName` label shows it */
  nvmlName: string;
  /** GFD `nvidia.com/gpu.memory` (MiB) */
  memoryMiB: number;
  family: string;
  computeMajor: number;
  computeMinor: number;
  /** board power limit, W */
  tdpW: number;
  /** idle power, W */
  idleW: number;
  /** memory bandwidth, GB/s (drives simulated throughput) */
  bandwidthGBs: number;
  /** `karpenter.k8s.aws/instance-gpu-name` */
  karpenterName: string;
  migProfiles: string[];
}

/** A cloud instance type a node pool is made of. @public */
export interface InstanceType {
  name: string;
  /** GPU product label of the instance's GPUs, if any */
  gpuProduct?: string;
  gpus: number;
  vcpu: number;
  memoryGiB: number;
  /**
   * Memory of one GPU as EC2 DescribeInstanceTypes reports it
   * (`GpuInfo.Gpus[].MemoryInfo.SizeInMiB`), which Karpenter copies into
   * `karpenter.k8s.aws/instance-gpu-memory`. Not the same figure as GFD's
   * `nvidia.com/gpu.memory`, which NVML reports.
   */
  gpuMemoryMiB?: number;
  /** Linux on-demand list price in us-east-1, USD per hour, when AWS publishes one */
  onDemandUsdPerHour?: number;
}

const MIG_80GB = [
  '1g.10gb',
  '1g.20gb',
  '2g.20gb',
  '3g.40gb',
  '4g.40gb',
  '7g.80gb',
];

/** GPUs known to the simulator, by product label. @public */
export const GPU_MODELS: Record<string, GpuModel> = {
  'Tesla-T4': {
    product: 'Tesla-T4',
    nvmlName: 'Tesla T4',
    memoryMiB: 15360,
    family: 'turing',
    computeMajor: 7,
    computeMinor: 5,
    tdpW: 70,
    idleW: 10,
    bandwidthGBs: 320,
    karpenterName: 't4',
    migProfiles: [],
  },
  'NVIDIA-A10G': {
    product: 'NVIDIA-A10G',
    nvmlName: 'NVIDIA A10G',
    memoryMiB: 23028,
    family: 'ampere',
    computeMajor: 8,
    computeMinor: 6,
    tdpW: 300,
    idleW: 25,
    bandwidthGBs: 600,
    karpenterName: 'a10g',
    migProfiles: [],
  },
  'NVIDIA-L4': {
    product: 'NVIDIA-L4',
    nvmlName: 'NVIDIA L4',
    memoryMiB: 23034,
    family: 'ada-lovelace',
    computeMajor: 8,
    computeMinor: 9,
    tdpW: 72,
    idleW: 16,
    bandwidthGBs: 300,
    karpenterName: 'l4',
    migProfiles: [],
  },
  'NVIDIA-L40S': {
    product: 'NVIDIA-L40S',
    nvmlName: 'NVIDIA L40S',
    memoryMiB: 46068,
    family: 'ada-lovelace',
    computeMajor: 8,
    computeMinor: 9,
    tdpW: 350,
    idleW: 35,
    bandwidthGBs: 864,
    karpenterName: 'l40s',
    migProfiles: [],
  },
  'NVIDIA-A100-SXM4-40GB': {
    product: 'NVIDIA-A100-SXM4-40GB',
    nvmlName: 'NVIDIA A100-SXM4-40GB',
    memoryMiB: 40960,
    family: 'ampere',
    computeMajor: 8,
    computeMinor: 0,
    tdpW: 400,
    idleW: 50,
    bandwidthGBs: 1555,
    karpenterName: 'a100',
    migProfiles: [
      '1g.5gb',
      '1g.10gb',
      '2g.10gb',
      '3g.20gb',
      '4g.20gb',
      '7g.40gb',
    ],
  },
  'NVIDIA-A100-SXM4-80GB': {
    product: 'NVIDIA-A100-SXM4-80GB',
    nvmlName: 'NVIDIA A100-SXM4-80GB',
    memoryMiB: 81920,
    family: 'ampere',
    computeMajor: 8,
    computeMinor: 0,
    tdpW: 400,
    idleW: 55,
    bandwidthGBs: 2039,
    karpenterName: 'a100',
    migProfiles: MIG_80GB,
  },
  'NVIDIA-H100-80GB-HBM3': {
    product: 'NVIDIA-H100-80GB-HBM3',
    nvmlName: 'NVIDIA H100 80GB HBM3',
    memoryMiB: 81559,
    family: 'hopper',
    computeMajor: 9,
    computeMinor: 0,
    tdpW: 700,
    idleW: 70,
    bandwidthGBs: 3350,
    karpenterName: 'h100',
    migProfiles: MIG_80GB,
  },
  'NVIDIA-H200': {
    product: 'NVIDIA-H200',
    nvmlName: 'NVIDIA H200',
    memoryMiB: 143771,
    family: 'hopper',
    computeMajor: 9,
    computeMinor: 0,
    tdpW: 700,
    idleW: 75,
    bandwidthGBs: 4800,
    karpenterName: 'h200',
    migProfiles: [],
  },
  'NVIDIA-B200': {
    product: 'NVIDIA-B200',
    nvmlName: 'NVIDIA B200',
    memoryMiB: 183359,
    family: 'blackwell',
    computeMajor: 10,
    computeMinor: 0,
    tdpW: 1000,
    idleW: 100,
    bandwidthGBs: 8000,
    karpenterName: 'b200',
    migProfiles: [],
  },
};

/*
 * Instance types known to the simulator. Shapes (GPUs, vCPUs, memory, GPU
 * memory) follow the AWS instance type pages:
 * https://aws.amazon.com/ec2/instance-types/g4/ (g4dn), /g5/, /g6/, /g6e/,
 * /p4/ (p4d: 8x A100 40 GB, p4de: 8x A100 80 GB), /p5/ (p5: 8x H100 80 GB,
 * p5e: 8x H200 141 GB) and /m6i/. Prices are the us-east-1 Linux on-demand
 * list prices of https://aws.amazon.com/ec2/pricing/on-demand/ as of 2024
 * (before the June 2025 P4/P5 price cut); p5e has no public on-demand price
 * (sold through capacity blocks), so Karpenter-style selection ranks it last.
 */
/** Instance types known to the simulator. @public */
export const INSTANCE_TYPES: Record<string, InstanceType> = {
  'm6i.xlarge': {
    name: 'm6i.xlarge',
    gpus: 0,
    vcpu: 4,
    memoryGiB: 16,
    onDemandUsdPerHour: 0.192,
  },
  'm6i.2xlarge': {
    name: 'm6i.2xlarge',
    gpus: 0,
    vcpu: 8,
    memoryGiB: 32,
    onDemandUsdPerHour: 0.384,
  },
  'g4dn.xlarge': {
    name: 'g4dn.xlarge',
    gpuProduct: 'Tesla-T4',
    gpus: 1,
    vcpu: 4,
    memoryGiB: 16,
    gpuMemoryMiB: 16384,
    onDemandUsdPerHour: 0.526,
  },
  'g4dn.12xlarge': {
    name: 'g4dn.12xlarge',
    gpuProduct: 'Tesla-T4',
    gpus: 4,
    vcpu: 48,
    memoryGiB: 192,
    gpuMemoryMiB: 16384,
    onDemandUsdPerHour: 3.912,
  },
  'g5.xlarge': {
    name: 'g5.xlarge',
    gpuProduct: 'NVIDIA-A10G',
    gpus: 1,
    vcpu: 4,
    memoryGiB: 16,
    gpuMemoryMiB: 24576,
    onDemandUsdPerHour: 1.006,
  },
  'g5.12xlarge': {
    name: 'g5.12xlarge',
    gpuProduct: 'NVIDIA-A10G',
    gpus: 4,
    vcpu: 48,
    memoryGiB: 192,
    gpuMemoryMiB: 24576,
    onDemandUsdPerHour: 5.672,
  },
  'g5.48xlarge': {
    name: 'g5.48xlarge',
    gpuProduct: 'NVIDIA-A10G',
    gpus: 8,
    vcpu: 192,
    memoryGiB: 768,
    gpuMemoryMiB: 24576,
    onDemandUsdPerHour: 16.288,
  },
  'g6.xlarge': {
    name: 'g6.xlarge',
    gpuProduct: 'NVIDIA-L4',
    gpus: 1,
    vcpu: 4,
    memoryGiB: 16,
    gpuMemoryMiB: 22888,
    onDemandUsdPerHour: 0.8048,
  },
  'g6.2xlarge': {
    name: 'g6.2xlarge',
    gpuProduct: 'NVIDIA-L4',
    gpus: 1,
    vcpu: 8,
    memoryGiB: 32,
    gpuMemoryMiB: 22888,
    onDemandUsdPerHour: 0.9776,
  },
  'g6.12xlarge': {
    name: 'g6.12xlarge',
    gpuProduct: 'NVIDIA-L4',
    gpus: 4,
    vcpu: 48,
    memoryGiB: 192,
    gpuMemoryMiB: 22888,
    onDemandUsdPerHour: 4.6016,
  },
  'g6.48xlarge': {
    name: 'g6.48xlarge',
    gpuProduct: 'NVIDIA-L4',
    gpus: 8,
    vcpu: 192,
    memoryGiB: 768,
    gpuMemoryMiB: 22888,
    onDemandUsdPerHour: 13.3504,
  },
  'g6e.xlarge': {
    name: 'g6e.xlarge',
    gpuProduct: 'NVIDIA-L40S',
    gpus: 1,
    vcpu: 4,
    memoryGiB: 32,
    gpuMemoryMiB: 45776,
    onDemandUsdPerHour: 1.861,
  },
  'g6e.12xlarge': {
    name: 'g6e.12xlarge',
    gpuProduct: 'NVIDIA-L40S',
    gpus: 4,
    vcpu: 48,
    memoryGiB: 384,
    gpuMemoryMiB: 45776,
    onDemandUsdPerHour: 10.493,
  },
  'g6e.48xlarge': {
    name: 'g6e.48xlarge',
    gpuProduct: 'NVIDIA-L40S',
    gpus: 8,
    vcpu: 192,
    memoryGiB: 1536,
    gpuMemoryMiB: 45776,
    onDemandUsdPerHour: 30.131,
  },
  'p4d.24xlarge': {
    name: 'p4d.24xlarge',
    gpuProduct: 'NVIDIA-A100-SXM4-40GB',
    gpus: 8,
    vcpu: 96,
    memoryGiB: 1152,
    gpuMemoryMiB: 40960,
    onDemandUsdPerHour: 32.7726,
  },
  'p4de.24xlarge': {
    name: 'p4de.24xlarge',
    gpuProduct: 'NVIDIA-A100-SXM4-80GB',
    gpus: 8,
    vcpu: 96,
    memoryGiB: 1152,
    gpuMemoryMiB: 81920,
    onDemandUsdPerHour: 40.9657,
  },
  'p5.48xlarge': {
    name: 'p5.48xlarge',
    gpuProduct: 'NVIDIA-H100-80GB-HBM3',
    gpus: 8,
    vcpu: 192,
    memoryGiB: 2048,
    gpuMemoryMiB: 81920,
    onDemandUsdPerHour: 98.32,
  },
  'p5e.48xlarge': {
    name: 'p5e.48xlarge',
    gpuProduct: 'NVIDIA-H200',
    gpus: 8,
    vcpu: 192,
    memoryGiB: 2048,
    gpuMemoryMiB: 144384,
  },
};

/**
 * The well-known labels Karpenter's AWS provider derives from an instance
 * type (karpenter.sh/docs/concepts/scheduling, "Well-Known Labels"; source:
 * aws/karpenter-provider-aws pkg/providers/instancetype/types.go
 * `computeRequirements`). Zone and capacity type depend on the offering and
 * are added at launch.
 */
export function instanceTypeLabels(it: InstanceType): Record<string, string> {
  const [family, size] = it.name.split('.');
  const m = /^([a-z]+)(\d+)/.exec(family);
  const gpu = it.gpuProduct ? GPU_MODELS[it.gpuProduct] : undefined;
  return {
    'node.kubernetes.io/instance-type': it.name,
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/os': 'linux',
    'karpenter.k8s.aws/instance-hypervisor': 'nitro',
    'karpenter.k8s.aws/instance-category': m?.[1] ?? family,
    'karpenter.k8s.aws/instance-generation': m?.[2] ?? '',
    'karpenter.k8s.aws/instance-family': family,
    'karpenter.k8s.aws/instance-size': size,
    'karpenter.k8s.aws/instance-cpu': String(it.vcpu),
    // mebibytes, as the docs' example (131072) shows
    'karpenter.k8s.aws/instance-memory': String(it.memoryGiB * 1024),
    ...(gpu && it.gpus > 0
      ? {
          'karpenter.k8s.aws/instance-gpu-name': gpu.karpenterName,
          'karpenter.k8s.aws/instance-gpu-manufacturer': 'nvidia',
          'karpenter.k8s.aws/instance-gpu-count': String(it.gpus),
          'karpenter.k8s.aws/instance-gpu-memory': String(
            it.gpuMemoryMiB ?? gpu.memoryMiB,
          ),
        }
      : {}),
  };
}

/**
 * Hourly price of an offering. EC2 reports Spot prices per pool; the
 * simulator models them as a fixed 60% discount on the on-demand price (AWS
 * advertises "up to 90%", https://aws.amazon.com/ec2/spot/pricing/), which
 * keeps Spot cheaper as it is in practice. Undefined when unpublished.
 */
export function offeringPrice(
  it: InstanceType,
  capacityType: 'spot' | 'on-demand',
): number | undefined {
  if (it.onDemandUsdPerHour === undefined) return undefined;
  return capacityType === 'spot'
    ? it.onDemandUsdPerHour * 0.4
    : it.onDemandUsdPerHour;
}

/** Looks a GPU model up by product label; throws for unknown products. */
export function gpuModel(product: string): GpuModel {
  const g = GPU_MODELS[product];
  if (!g)
    throw new Error(
      `unknown GPU product "${product}" (known: ${Object.keys(GPU_MODELS).join(
        ', ',
      )})`,
    );
  return g;
}

/** Memory PyTorch reports as the device's total capacity, GiB (driver and context reserve a little). */
export function torchCapacityGiB(g: GpuModel): number {
  return Math.round(((g.memoryMiB - 470) / 1024) * 100) / 100;
}

/**
 * The CUDA version a driver supports (what `nvidia-smi` shows and what
 * nvidia-container-cli compares an image's `cuda>=X.Y` requirement with).
 */
export function driverCudaVersion(driver: string): string {
  const major = Number(driver.split('.')[0]);
  const table: Array<[number, string]> = [
    [590, '13.1'],
    [580, '13.0'],
    [575, '12.9'],
    [570, '12.8'],
    [565, '12.7'],
    [560, '12.6'],
    [555, '12.5'],
    [550, '12.4'],
    [545, '12.3'],
    [535, '12.2'],
    [530, '12.1'],
    [525, '12.0'],
    [520, '11.8'],
  ];
  for (const [min, cuda] of table) if (major >= min) return cuda;
  return '11.0';
}

/**
 * Whether a driver can run an image built for a CUDA version, by CUDA's minor
 * version compatibility (reference/facts.md §1.2): 12.x images need a driver
 * of at least 525.60.13, 13.x images at least 580.65.06, 11.x 450.80.02.
 */
export function driverSatisfies(driver: string, requiredCuda: string): boolean {
  const major = Number(requiredCuda.split('.')[0]);
  if (major >= 13) return compareVersions(driver, '580.65.06') >= 0;
  if (major === 12) return compareVersions(driver, '525.60.13') >= 0;
  if (major === 11) return compareVersions(driver, '450.80.02') >= 0;
  return compareVersions(driverCudaVersion(driver), requiredCuda) >= 0;
}

/** Compares dotted versions numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Types of the GPU catalog. The data lives in `gpus.data.ts`; lookups in `gpus.ts`.
 */

/**
 * A MIG (Multi-Instance GPU) profile a GPU can be partitioned into.
 *
 * @public
 */
export interface MigProfile {
  /** Profile name as mig-parted and the device plugin spell it, e.g. `1g.10gb` or `1g.10gb+me`. */
  profile: string;
  /** How many instances of this profile fit on one GPU (the `all-<profile>` configuration). */
  maxInstances: number;
  /** Compute slices (the `<n>g` part). */
  computeSlices: number;
  /** Memory of one instance in GB, as in the profile name. */
  memoryGB: number;
  /** True for `+me` profiles, which also own the media engines. */
  mediaExtensions: boolean;
  /** Extended resource the device plugin advertises with MIG strategy `mixed`, e.g. `nvidia.com/mig-1g.10gb`. */
  resourceName: string;
}

/**
 * One GPU model of the catalog, with the sources of its numbers.
 *
 * @public
 */
export interface GpuSpec {
  /** Stable id used in config and URLs, e.g. `h100-80gb-sxm`. */
  id: string;
  /** Human name. */
  name: string;
  vendor: 'nvidia' | 'amd';
  /** Architecture family as GPU Feature Discovery names it (`nvidia.com/gpu.family`). */
  architecture: string;
  /** CUDA compute capability (`major.minor`), null for non-NVIDIA GPUs. */
  computeCapability: string | null;
  /** Data-center GPU: the only kind the CUDA forward-compatibility package supports. */
  dataCenter: boolean;
  /** Nominal memory as marketed (GB on the datasheet). */
  memoryGB: number;
  /**
   * Memory the CUDA runtime reports as total (what vLLM multiplies by `--gpu-memory-utilization`), in GiB.
   * Lower than the nominal figure: ECC and the driver reserve part of it.
   */
  usableMemoryGiB: number;
  /** Where `usableMemoryGiB` comes from. */
  usableMemorySource: string;
  /** Memory figures measured on a real device of this model, when the reference has them. */
  measuredMemory?: GpuMemoryMeasurement;
  /** Memory bandwidth in GB/s. */
  memoryBandwidthGBs: number;
  /** Dense BF16 tensor TFLOPS, null when not published or not supported. */
  bf16DenseTflops: number | null;
  /** Dense FP8 tensor TFLOPS, null when not supported. */
  fp8DenseTflops: number | null;
  /** Value of the `nvidia.com/gpu.product` node label (GPU Feature Discovery); null for non-NVIDIA GPUs. */
  gfdProductLabel: string | null;
  /** Other label values seen for the same GPU (older drivers omit the `NVIDIA-` prefix). */
  gfdProductLabelAliases: string[];
  /** Karpenter `karpenter.k8s.aws/instance-gpu-name` value, when known. */
  karpenterGpuName?: string;
  /** Extended resource the device plugin advertises for a whole GPU. */
  kubernetesResource: 'nvidia.com/gpu' | 'amd.com/gpu';
  /** MIG profiles; empty when the GPU has no MIG. */
  migProfiles: MigProfile[];
  /** Embedded default on-demand price per GPU-hour, dated; config overrides it. */
  defaultPrice?: GpuPriceDefault;
  /** Source of each group of numbers (specs, cc, label, mig, …). */
  sources: Record<string, string>;
  /** Fields whose values are UNVERIFIED in the reference material; the UI labels them as such. */
  unverified: ReadonlyArray<keyof GpuSpec | 'defaultPrice'>;
  /** Free-text caveats. */
  notes?: string;
}

/**
 * Memory of one GPU as measured on a real machine (nvidia-smi and PyTorch), and the software it was measured with.
 *
 * @public
 */
export interface GpuMemoryMeasurement {
  /** `nvidia-smi --query-gpu=memory.total`, MiB. */
  nvidiaSmiTotalMiB: number;
  /** `memory.reserved`: held by the driver, never visible to CUDA, MiB. */
  reservedMiB: number;
  /** Total the CUDA runtime reports (`torch.cuda.mem_get_info()`), MiB: nvidia-smi total less the reserved part. */
  cudaTotalMiB: number;
  /** Device memory in use outside PyTorch's allocator after CUDA context creation and a first bf16 matmul (cuBLAS workspace), MiB. */
  nonTorchMiB: number;
  driver: string;
  torch: string;
  /** ISO date of the measurement. */
  date: string;
  source: string;
}

/**
 * A dated default price of one GPU-hour.
 *
 * @public
 */
export interface GpuPriceDefault {
  /** On-demand USD per GPU-hour (instance price divided by its GPU count). */
  onDemandUsdPerGpuHour: number;
  /** Instance the price was read from. */
  instance: string;
  /** Provider and region. */
  provider: string;
  region: string;
  /** Date of the price list (ISO date). */
  asOf: string;
  /** Where the number comes from. */
  source: string;
}

import { GpuSpec } from './gpuTypes';
import {
  CC_TABLE,
  GFD_LABEL_RULE,
  USABLE_ESTIMATE,
  usableFromTorchOom,
} from './gpuSources';

// GeForce, RTX workstation and desktop (DGX Spark) GPUs people run models on. None has MIG, none is a data-center
// GPU for the CUDA forward-compatibility package, and no cloud price is embedded: set one in config.
// Tensor figures: GeForce cards run FP32-accumulate tensor math (what BF16 and FP8 GEMMs in vLLM use) at half the
// FP16-accumulate rate, as hmc-tech.com lists for the RTX 4090 (BF16 165.2 vs FP16-accumulate 330.3 TFLOPS).

const GEFORCE_NOTE =
  'GeForce: no ECC, no CUDA forward compatibility (data-center GPUs only), one GPU per PCIe slot without NVLink.';
const HALF_RATE_RULE =
  'dense = sparse/2, then halved for FP32 accumulate on GeForce (the RTX 4090 ratio on hmc-tech.com)';

/**
 * Consumer, workstation and desktop GPUs of the catalog (merged into `GPU_CATALOG`).
 *
 * @public
 */
export const WORKSTATION_GPUS: readonly GpuSpec[] = [
  {
    id: 'rtx-3090',
    name: 'NVIDIA GeForce RTX 3090',
    vendor: 'nvidia',
    architecture: 'ampere',
    computeCapability: '8.6',
    dataCenter: false,
    memoryGB: 24,
    usableMemoryGiB: 23.7,
    usableMemorySource: usableFromTorchOom(
      23.7,
      'https://github.com/GaoLii/DSP/issues/10 (two RTX 3090)',
    ),
    memoryBandwidthGBs: 936,
    bf16DenseTflops: 71,
    fp8DenseTflops: null,
    gfdProductLabel: 'NVIDIA-GeForce-RTX-3090',
    gfdProductLabelAliases: [],
    kubernetesResource: 'nvidia.com/gpu',
    migProfiles: [],
    sources: {
      specs:
        "Tom's Hardware spec table copied at holynerdvana.blogspot.com (24 GB GDDR6X, 936 GB/s, FP16 tensor 142 dense with FP16 accumulate); BF16 = 142/2 for FP32 accumulate; no FP8 on Ampere",
      cc: `${CC_TABLE} (GA102, 8.6 as A10/A40)`,
      label: `${GFD_LABEL_RULE} on NVML name 'NVIDIA GeForce RTX 3090'; the value appears as a node label in public scheduling code`,
    },
    unverified: ['bf16DenseTflops'],
    notes: GEFORCE_NOTE,
  },
  {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090',
    vendor: 'nvidia',
    architecture: 'ada-lovelace',
    computeCapability: '8.9',
    dataCenter: false,
    memoryGB: 24,
    usableMemoryGiB: 23.64,
    usableMemorySource: usableFromTorchOom(
      23.64,
      'https://github.com/ali-vilab/VGen/issues/104',
    ),
    memoryBandwidthGBs: 1008,
    bf16DenseTflops: 165.2,
    fp8DenseTflops: 330.3,
    gfdProductLabel: 'NVIDIA-GeForce-RTX-4090',
    gfdProductLabelAliases: [],
    kubernetesResource: 'nvidia.com/gpu',
    migProfiles: [],
    sources: {
      specs:
        'hmc-tech.com/gpus/nvidia-geforce-rtx-4090-vs-nvidia-rtx-pro-5000-blackwell (BF16 tensor 165.2, FP8 with FP32 accumulate 330.3 dense TFLOPS); grafikkarten.com RTX 6000 Ada news table (24 GB GDDR6X, 1,008 GB/s)',
      cc: `${CC_TABLE} (AD102, 8.9 as L40/L40S)`,
      label: `${GFD_LABEL_RULE} on NVML name 'NVIDIA GeForce RTX 4090'; the value appears as a node label in public scheduling code`,
    },
    unverified: [],
    notes: `${GEFORCE_NOTE} FP8 with FP16 accumulate: 660.6 TFLOPS.`,
  },
  {
    id: 'rtx-5090',
    name: 'NVIDIA GeForce RTX 5090',
    vendor: 'nvidia',
    architecture: 'blackwell',
    computeCapability: '12.0',
    dataCenter: false,
    memoryGB: 32,
    usableMemoryGiB: 31.37,
    usableMemorySource: usableFromTorchOom(
      31.37,
      'https://github.com/Wan-Video/Wan2.1/issues/465',
    ),
    memoryBandwidthGBs: 1792,
    bf16DenseTflops: 209.6,
    fp8DenseTflops: 419.2,
    gfdProductLabel: 'NVIDIA-GeForce-RTX-5090',
    gfdProductLabelAliases: [],
    kubernetesResource: 'nvidia.com/gpu',
    migProfiles: [],
    sources: {
      specs: `spheron.network/blog/nvidia-rtx-5090-specs and Tom's Hardware specs in Linux Format May 2025 (32 GB GDDR7, 1,792 GB/s, FP16 tensor 838.4 and FP8 1,676.8 sparse TFLOPS); ${HALF_RATE_RULE}`,
      cc: `${CC_TABLE}; code.akkolli.net 'The RTX 5090 Is Blackwell, But Not That Blackwell' (GeForce Blackwell is sm_120, B200 sm_100)`,
      label: `${GFD_LABEL_RULE} on NVML name 'NVIDIA GeForce RTX 5090' (not seen as a node label)`,
    },
    unverified: ['bf16DenseTflops', 'fp8DenseTflops', 'gfdProductLabel'],
    notes: `${GEFORCE_NOTE} FP4 sparse: 3,352 TFLOPS.`,
  },
  {
    id: 'rtx-6000-ada',
    name: 'NVIDIA RTX 6000 Ada Generation',
    vendor: 'nvidia',
    architecture: 'ada-lovelace',
    computeCapability: '8.9',
    dataCenter: false,
    memoryGB: 48,
    usableMemoryGiB: 44.43,
    usableMemorySource: `${usableFromTorchOom(
      44.43,
      'https://github.com/DINGYANB/MTVCrafter/issues/21',
    )} with nvidia-smi at 46068 MiB (ECC on)`,
    memoryBandwidthGBs: 960,
    bf16DenseTflops: 364.2,
    fp8DenseTflops: 728.5,
    gfdProductLabel: 'NVIDIA-RTX-6000-Ada-Generation',
    gfdProductLabelAliases: [],
    kubernetesResource: 'nvidia.com/gpu',
    migProfiles: [],
    sources: {
      specs:
        'grafikkarten.com RTX 6000 Ada news table from NVIDIA figures (48 GB GDDR6 ECC, 960 GB/s, 568 tensor cores, 2,505 MHz boost); tensor TFLOPS scaled from the RTX 4090 at full FP32-accumulate rate (as the L40S, same AD102): 330.3 x 568/512 x 2505/2520',
      cc: `${CC_TABLE} (AD102, 8.9 as L40/L40S)`,
      label:
        "a public cluster note shows node label 'NVIDIA-RTX-6000-Ada-Generation-SHARED' (time-sliced) with gpu.family ada-lovelace",
    },
    unverified: ['bf16DenseTflops', 'fp8DenseTflops'],
    notes:
      'Workstation card with ECC memory (the usable figure is with ECC on). No MIG; only NGC-ready RTX server SKUs get CUDA forward compatibility.',
  },
  {
    id: 'gb10',
    name: 'NVIDIA GB10 (DGX Spark)',
    vendor: 'nvidia',
    architecture: 'blackwell',
    computeCapability: '12.1',
    dataCenter: false,
    memoryGB: 128,
    usableMemoryGiB: 119.7,
    usableMemorySource: `${USABLE_ESTIMATE}. Unified LPDDR5X shared with the CPU, the OS and the page cache`,
    memoryBandwidthGBs: 273,
    bf16DenseTflops: null,
    fp8DenseTflops: null,
    gfdProductLabel: 'NVIDIA-GB10',
    gfdProductLabelAliases: [],
    kubernetesResource: 'nvidia.com/gpu',
    migProfiles: [],
    sources: {
      specs:
        'docs.nvidia.com/dgx/dgx-spark-porting-guide/overview.html (128 GB LPDDR5x shared with the iGPU); ai-infrastructure.net/dgx-spark (273 GB/s, 1 PFLOP FP4 sparse, no MIG; checked against the NVIDIA product page); BF16/FP8 not published',
      cc: 'blog.kubesimplify.com DGX Spark day 3 and dgx-spark.warehack.ing/hardware (sm_121, compute capability 12.1)',
      label:
        "public DGX Spark scheduling code (nodeSelector 'nvidia.com/gpu.product: NVIDIA-GB10' with kubernetes.io/arch arm64)",
    },
    unverified: ['usableMemoryGiB'],
    notes:
      'Arm64 desktop SoC: NVML memory queries are not supported on its unified memory (forums.developer.nvidia.com NVML support for DGX Spark), so nvidia.com/gpu.memory may be absent. Operators keep --gpu-memory-utilization at 0.85-0.90 (conselara.dev GB10 notes); one GPU per box, no NVLink.',
  },
];

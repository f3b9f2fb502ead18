import { GpuPriceDefault } from './gpuTypes';

// Sources shared by the GPU catalog files (gpus.data.ts, gpus.workstation.data.ts). Figures come from
// reference/gpus.json + facts.md §2 or from the public page named next to each entry.

export const AWSP =
  'github.com/tsaol/aws-gpu data/all_gpu_instances.js (auto-generated from instances.vantage.sh, "Last updated: 2026-01-21"), us-east-1 Linux on-demand';
export const GFD_LABEL_RULE =
  'github.com/NVIDIA/k8s-device-plugin docs/gpu-feature-discovery/README.md + internal/lm/resource.go sanitise() (HEAD 1b826acc)';
export const MIGP =
  'github.com/NVIDIA/mig-parted deployments/systemd/config-default.yaml (HEAD bd7160f4, 2026-08-21)';
/** A later mig-parted config than MIGP: it adds H20 (device 0x2329) and GB200 HGX (device 0x2941) filters. */
export const MIGP_LATER =
  'github.com/NVIDIA/mig-parted deployments/systemd/config-default.yaml (commit 14007872)';
export const CC_TABLE = 'https://developer.nvidia.com/cuda-gpus';
// Usable memory: measured on H100 (vLLM logs) and H200 (reference/measured-h200.json); the consumer cards carry the
// total PyTorch prints in its CUDA OOM message. The others are estimates; override them from nvidia.com/gpu.memory.
export const USABLE_MEASURED =
  'vLLM 0.19.0 startup logs on H100-80GB (reference/vllm-calibration-h100-sweep.json): 79.19 GiB';
export const USABLE_ESTIMATE =
  'UNVERIFIED estimate of the CUDA-reported total (nominal memory less ECC/driver reservation); prefer the node label nvidia.com/gpu.memory';

/** A dated AWS us-east-1 on-demand price per GPU-hour from the AWSP snapshot. */
export function awsPrice(
  instance: string,
  onDemandUsdPerGpuHour: number,
): GpuPriceDefault {
  return {
    onDemandUsdPerGpuHour,
    instance,
    provider: 'aws',
    region: 'us-east-1',
    asOf: '2026-01-21',
    source: AWSP,
  };
}

/** A usable-memory figure read from PyTorch's CUDA out-of-memory message, which prints the device's total capacity. */
export function usableFromTorchOom(totalGiB: number, issueUrl: string): string {
  return `PyTorch CUDA OOM message reporting ${totalGiB} GiB total capacity, in ${issueUrl}`;
}

import { Config } from '@backstage/config';
import {
  applyGpuOverrides,
  GPU_CATALOG,
  GpuSpec,
  GpuSpecOverride,
  setActiveGpuCatalog,
} from '@inference-platform/plugin-inference-common';

/**
 * Reads `inference.gpus` (see the inference backend's config.d.ts): the platform's own figures for catalog GPUs.
 *
 * @public
 */
export function readGpuOverrides(root: Config): GpuSpecOverride[] {
  return (root.getOptionalConfigArray('inference.gpus') ?? []).map(entry => ({
    gpu: entry.getString('gpu'),
    usableMemoryGiB: entry.getOptionalNumber('usableMemoryGiB'),
    memoryBandwidthGBs: entry.getOptionalNumber('memoryBandwidthGBs'),
    bf16DenseTflops: entry.getOptionalNumber('bf16DenseTflops'),
    fp8DenseTflops: entry.getOptionalNumber('fp8DenseTflops'),
    karpenterGpuName: entry.getOptionalString('karpenterGpuName'),
    computeCapability: entry.getOptionalString('computeCapability'),
    source: entry.getOptionalString('source'),
  }));
}

/**
 * Puts the configured GPU figures in effect for this backend process: the scaffolder's planner, the health card's
 * advice and the capacity figures then use them. Throws at startup, naming the entry, for an unknown GPU or a figure
 * that cannot be right. Both the inference backend and the scaffolder module call it with the same config, so the
 * order they start in does not matter.
 *
 * @public
 */
export function configureGpuCatalog(root: Config): readonly GpuSpec[] {
  const catalog = applyGpuOverrides(GPU_CATALOG, readGpuOverrides(root));
  setActiveGpuCatalog(catalog);
  return catalog;
}

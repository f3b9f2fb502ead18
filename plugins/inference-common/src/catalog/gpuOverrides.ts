import { findGpu, GpuTypeRef, isGpuFieldUnverified } from './gpus';
import { GpuSpec } from './gpuTypes';

/**
 * Figures of one catalog GPU that the platform sets itself, for the fields the reference marks UNVERIFIED (or any
 * other of these, measured on its own nodes).
 *
 * @public
 */
export interface GpuSpecOverride {
  /** Catalog id or `nvidia.com/gpu.product` label of the GPU. */
  gpu: string;
  /** Total the CUDA runtime reports on one device, GiB (`torch.cuda.mem_get_info()` or nvidia-smi total less reserved). */
  usableMemoryGiB?: number;
  memoryBandwidthGBs?: number;
  bf16DenseTflops?: number;
  fp8DenseTflops?: number;
  /** Karpenter's `karpenter.k8s.aws/instance-gpu-name` for this GPU. */
  karpenterGpuName?: string;
  /** CUDA compute capability, `major.minor`. */
  computeCapability?: string;
  /** Where the figures come from (shown beside them); default `app-config inference.gpus`. */
  source?: string;
}

const NUMBER_FIELDS = [
  'usableMemoryGiB',
  'memoryBandwidthGBs',
  'bf16DenseTflops',
  'fp8DenseTflops',
] as const;

/** The problems of one override against its GPU; empty when it can be applied. */
function problemsOf(override: GpuSpecOverride, gpu: GpuSpec): string[] {
  const problems: string[] = [];
  for (const field of NUMBER_FIELDS) {
    const value = override[field];
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      problems.push(`${field} must be a positive number, got ${value}`);
  }
  // GPU memory is marketed in binary units (an "80GB" H100 has 81559 MiB), so no device reports more GiB than that
  if (
    override.usableMemoryGiB !== undefined &&
    override.usableMemoryGiB > gpu.memoryGB
  )
    problems.push(
      `usableMemoryGiB ${override.usableMemoryGiB} is more than the GPU's nominal ${gpu.memoryGB} GB`,
    );
  if (
    override.computeCapability !== undefined &&
    !/^\d+\.\d+$/.test(override.computeCapability)
  )
    problems.push(
      `computeCapability must look like 9.0, got '${override.computeCapability}'`,
    );
  if (
    override.karpenterGpuName !== undefined &&
    !/^[a-z0-9][a-z0-9-]*$/.test(override.karpenterGpuName)
  )
    problems.push(
      `karpenterGpuName must be a lower-case instance-gpu-name such as l4, got '${override.karpenterGpuName}'`,
    );
  return problems;
}

/**
 * The catalog with the platform's figures in place of the built-in ones. A field set here is no longer UNVERIFIED:
 * it leaves `unverified` and its source becomes the override's. Throws, naming the entry and field, for a GPU the
 * catalog does not know or a figure that cannot be right; the catalog passed in is not changed.
 *
 * @public
 */
export function applyGpuOverrides(
  catalog: readonly GpuSpec[],
  overrides: readonly GpuSpecOverride[],
): GpuSpec[] {
  const result = catalog.map(gpu => ({ ...gpu }));
  overrides.forEach((override, index) => {
    const at = `inference.gpus[${index}]`;
    const gpu = findGpu(override.gpu, result);
    if (!gpu)
      throw new Error(
        `${at}: unknown GPU '${override.gpu}' (use a catalog id such as l4 or a product label such as NVIDIA-L4)`,
      );
    const problems = problemsOf(override, gpu);
    if (problems.length > 0)
      throw new Error(`${at} (${gpu.id}): ${problems.join('; ')}`);
    const source = override.source ?? 'app-config inference.gpus';
    const { gpu: _name, source: _source, ...figures } = override;
    const set = Object.entries(figures).filter(([, v]) => v !== undefined);
    Object.assign(gpu, Object.fromEntries(set));
    const fields = set.map(([k]) => k);
    gpu.unverified = gpu.unverified.filter(f => !fields.includes(f));
    gpu.sources = {
      ...gpu.sources,
      ...Object.fromEntries(fields.map(f => [f, source])),
    };
    if (fields.includes('usableMemoryGiB')) gpu.usableMemorySource = source;
  });
  return result;
}

/**
 * The usable memory a plan was sized with and where it comes from, labelled as a default when the catalog's figure
 * is UNVERIFIED and the platform has not set its own: `22.05 GiB usable per GPU (catalog default, UNVERIFIED: set
 * inference.gpus)`.
 *
 * @public
 */
export function usableMemoryLabel(type: GpuTypeRef): string {
  const figure = `${type.usableMemoryGiB} GiB usable per ${
    type.mig ? `${type.mig.profile} slice` : 'GPU'
  }`;
  return isGpuFieldUnverified(type.gpu, 'usableMemoryGiB')
    ? `${figure} (catalog default, UNVERIFIED: set inference.gpus)`
    : `${figure} (${type.gpu.usableMemorySource})`;
}

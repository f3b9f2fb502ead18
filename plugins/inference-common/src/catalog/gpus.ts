import { activeGpuCatalog } from './activeGpuCatalog';
import { GpuSpec, MigProfile } from './gpuTypes';

/**
 * Applies GPU Feature Discovery's `sanitise()` rule to an NVML product name: characters outside
 * `[A-Za-z0-9-_. ]` are dropped and each run of whitespace becomes `-`.
 * `sanitizeGpuProductName('NVIDIA H100 80GB HBM3')` is `NVIDIA-H100-80GB-HBM3`.
 *
 * @public
 */
export function sanitizeGpuProductName(nvmlName: string): string {
  return nvmlName
    .replace(/[^A-Za-z0-9\-_. ]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/**
 * A schedulable GPU type: a whole GPU model, or one MIG profile of it (MIG profiles are their own GPU types
 * for quota, cost and capacity).
 *
 * @public
 */
export interface GpuTypeRef {
  /** Canonical key: the product label, or `<product label>-MIG-<profile>` (GFD's form under MIG strategy single). */
  key: string;
  gpu: GpuSpec;
  mig?: MigProfile;
  /** The extended resource a pod requests to get one of these. */
  resourceName: string;
  /** Memory the CUDA runtime sees on one device of this type, GiB (estimated for MIG slices). */
  usableMemoryGiB: number;
  /** True when the label carried GFD's `-SHARED` suffix (time-slicing or MPS). */
  shared: boolean;
}

/**
 * Canonical GPU-type key for a product label and an optional MIG profile.
 *
 * @public
 */
export function gpuTypeKey(
  productLabel: string,
  migProfileName?: string,
): string {
  return migProfileName
    ? `${productLabel}-MIG-${migProfileName}`
    : productLabel;
}

function labelsOf(gpu: GpuSpec): string[] {
  return [gpu.gfdProductLabel, ...gpu.gfdProductLabelAliases].filter(
    (l): l is string => Boolean(l),
  );
}

/**
 * Finds a catalog GPU by catalog id, `nvidia.com/gpu.product` label (or a known alias), case-insensitively.
 *
 * @public
 */
export function findGpu(
  idOrLabel: string,
  catalog: readonly GpuSpec[] = activeGpuCatalog(),
): GpuSpec | undefined {
  const wanted = idOrLabel.trim().toLowerCase();
  return (
    catalog.find(g => g.id.toLowerCase() === wanted) ??
    catalog.find(g => labelsOf(g).some(l => l.toLowerCase() === wanted))
  );
}

/**
 * Resolves anything that names a GPU type — catalog id, product label, label with GFD's `-MIG-<profile>` or
 * `-SHARED` suffix, or `<id or label>` plus a separate MIG profile — to a {@link GpuTypeRef}.
 * Returns undefined for unknown GPUs or profiles the GPU does not have.
 *
 * @public
 */
export function resolveGpuType(
  name: string,
  options: { migProfile?: string; catalog?: readonly GpuSpec[] } = {},
): GpuTypeRef | undefined {
  const catalog = options.catalog ?? activeGpuCatalog();
  let base = name.trim();
  let shared = false;
  if (/-SHARED$/i.test(base)) {
    shared = true;
    base = base.replace(/-SHARED$/i, '');
  }
  let profileName = options.migProfile?.replace(/^nvidia\.com\/mig-/, '');
  const migMatch = /^(.*)-MIG-(\d+g\.\d+gb(?:\+me)?)$/i.exec(base);
  if (migMatch) {
    base = migMatch[1];
    profileName = migMatch[2].toLowerCase();
  }
  const gpu = findGpu(base, catalog);
  if (!gpu) {
    return undefined;
  }
  const label = gpu.gfdProductLabel ?? gpu.id;
  if (!profileName) {
    return {
      key: label,
      gpu,
      resourceName: gpu.kubernetesResource,
      usableMemoryGiB: gpu.usableMemoryGiB,
      shared,
    };
  }
  const mig = gpu.migProfiles.find(p => p.profile === profileName);
  if (!mig) {
    return undefined;
  }
  return {
    key: gpuTypeKey(label, mig.profile),
    gpu,
    mig,
    resourceName: mig.resourceName,
    // A slice gets its share of the usable memory, pro rata to its nominal size.
    usableMemoryGiB: round2(
      (gpu.usableMemoryGiB * mig.memoryGB) / gpu.memoryGB,
    ),
    shared,
  };
}

/**
 * Every GPU type of the catalog: each GPU and each of its MIG profiles.
 *
 * @public
 */
export function listGpuTypes(
  catalog: readonly GpuSpec[] = activeGpuCatalog(),
): GpuTypeRef[] {
  const types: GpuTypeRef[] = [];
  for (const gpu of catalog) {
    const whole = resolveGpuType(gpu.id, { catalog });
    if (whole) types.push(whole);
    for (const mig of gpu.migProfiles) {
      const slice = resolveGpuType(gpu.id, {
        catalog,
        migProfile: mig.profile,
      });
      if (slice) types.push(slice);
    }
  }
  return types;
}

/**
 * True when the catalog marks this field of the GPU as UNVERIFIED (to be labelled as a default in the UI).
 *
 * @public
 */
export function isGpuFieldUnverified(
  gpu: GpuSpec,
  field: keyof GpuSpec | 'defaultPrice',
): boolean {
  return gpu.unverified.includes(field);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

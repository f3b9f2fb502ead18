import { driverVersionFromNodeLabels } from '../cuda/cuda';
import { gpuTypeKey } from '../catalog/gpus';
import { ContainerLike, NodeLike, PodLike } from './types';

/**
 * Node labels published by NVIDIA GPU Feature Discovery that the platform reads.
 *
 * @public
 */
export const GFD_LABELS = {
  product: 'nvidia.com/gpu.product',
  count: 'nvidia.com/gpu.count',
  memoryMiB: 'nvidia.com/gpu.memory',
  family: 'nvidia.com/gpu.family',
  computeMajor: 'nvidia.com/gpu.compute.major',
  computeMinor: 'nvidia.com/gpu.compute.minor',
  driverMajor: 'nvidia.com/cuda.driver.major',
  driverMinor: 'nvidia.com/cuda.driver.minor',
  driverRev: 'nvidia.com/cuda.driver.rev',
  driverVersionFull: 'nvidia.com/cuda.driver-version.full',
  runtimeVersionFull: 'nvidia.com/cuda.runtime-version.full',
  migStrategy: 'nvidia.com/mig.strategy',
} as const;

/**
 * The extended resource of a whole NVIDIA GPU.
 *
 * @public
 */
export const NVIDIA_GPU_RESOURCE = 'nvidia.com/gpu';

/**
 * True for a GPU extended resource name (`nvidia.com/gpu`, `nvidia.com/mig-…`, `amd.com/gpu`).
 *
 * @public
 */
export function isGpuResourceName(name: string): boolean {
  return (
    name === NVIDIA_GPU_RESOURCE ||
    name.startsWith('nvidia.com/mig-') ||
    name === 'amd.com/gpu'
  );
}

/**
 * Parses a Kubernetes integer quantity (GPUs are whole numbers); NaN for anything else. Accepts any value a
 * cluster may hold: built-in objects carry strings (`"1"`), custom resources keep the JSON number they were written
 * with (`1`); absent (undefined or null) counts as 0, never a throw.
 *
 * @public
 */
export function parseCountQuantity(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  if (typeof quantity === 'number') {
    return Number.isSafeInteger(quantity) && quantity >= 0
      ? quantity
      : Number.NaN;
  }
  if (typeof quantity !== 'string') return Number.NaN;
  const text = quantity.trim();
  return /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/**
 * Parses a memory quantity (`32Gi`, `500M`, `1e9`, or a number of bytes) to bytes; NaN when malformed.
 *
 * @public
 */
export function parseMemoryQuantity(quantity: unknown): number {
  if (typeof quantity === 'number')
    return Number.isFinite(quantity) ? quantity : Number.NaN;
  if (typeof quantity !== 'string') return Number.NaN;
  const match = /^([0-9.]+(?:e[0-9]+)?)([KMGTPE]i?)?$/.exec(quantity.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = match[2] ?? '';
  const binary = unit.endsWith('i');
  const power = ' KMGTPE'.indexOf(unit.charAt(0));
  return unit ? value * (binary ? 1024 : 1000) ** power : value;
}

/** The entries of a map-like value (a resource list, labels); none for anything that is not a plain object. */
function entriesOf(value: unknown): Array<[string, unknown]> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

/** A string value of a map-like value, if it is one. */
function stringIn(value: unknown, key: string): string | undefined {
  const found =
    value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)[key]
      : undefined;
  return typeof found === 'string' ? found : undefined;
}

/** The items of a list-like value; none for anything that is not an array. */
function itemsOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The GPU resource a container requests: limits win (extended resources must have request = limit).
 *
 * @public
 */
export function containerGpuRequest(
  container: ContainerLike,
): { resourceName: string; count: number } | undefined {
  const resources: unknown = (container as ContainerLike | null)?.resources;
  const sources = [
    (resources as ContainerLike['resources'])?.limits,
    (resources as ContainerLike['resources'])?.requests,
  ];
  for (const source of sources) {
    for (const [name, quantity] of entriesOf(source)) {
      if (isGpuResourceName(name)) {
        const count = parseCountQuantity(quantity);
        if (count > 0) return { resourceName: name, count };
      }
    }
  }
  return undefined;
}

/**
 * GPUs one pod holds: the sum over its containers, with the resource name of the first GPU container.
 *
 * @public
 */
export function podGpuRequest(
  pod: PodLike,
): { resourceName: string; count: number } | undefined {
  let result: { resourceName: string; count: number } | undefined;
  for (const container of itemsOf(pod.spec?.containers)) {
    const request = containerGpuRequest(container);
    if (!request) continue;
    result = result
      ? { ...result, count: result.count + request.count }
      : request;
  }
  return result;
}

/**
 * The GPU type a pod consumes: the MIG profile from a `nvidia.com/mig-<profile>` request, on the product of the
 * node (or node selector) it runs on. Undefined when the product is unknown.
 *
 * @public
 */
export function podGpuTypeKey(
  pod: PodLike,
  node?: NodeLike,
): string | undefined {
  const request = podGpuRequest(pod);
  if (!request) return undefined;
  const product =
    stringIn(node?.metadata?.labels, GFD_LABELS.product) ??
    stringIn(pod.spec?.nodeSelector, GFD_LABELS.product);
  if (!product) return undefined;
  // Under MIG strategy `single` GFD already appends -MIG-<profile> to the product label.
  const mig = request.resourceName.startsWith('nvidia.com/mig-')
    ? request.resourceName.slice('nvidia.com/mig-'.length)
    : undefined;
  return mig ? gpuTypeKey(product.replace(/-MIG-.*$/, ''), mig) : product;
}

/**
 * What GFD says about a node's GPUs.
 *
 * @public
 */
export interface NodeGpuInfo {
  productLabel?: string;
  gpuCount: number;
  memoryMiB?: number;
  computeCapability?: string;
  driverVersion?: string;
  migStrategy?: string;
  /** Allocatable GPU-like resources by name (`nvidia.com/gpu`, `nvidia.com/mig-1g.10gb`). */
  allocatable: Record<string, number>;
}

/**
 * Reads the GPU Feature Discovery labels and allocatable GPU resources of a node.
 *
 * @public
 */
export function readNodeGpuInfo(node: NodeLike): NodeGpuInfo {
  // only string labels count: anything else a malformed object holds reads as absent
  const labels: Record<string, string> = {};
  for (const [key, value] of entriesOf(node.metadata?.labels)) {
    if (typeof value === 'string') labels[key] = value;
  }
  const major = labels[GFD_LABELS.computeMajor];
  const minor = labels[GFD_LABELS.computeMinor];
  const allocatable: Record<string, number> = {};
  for (const [name, quantity] of entriesOf(node.status?.allocatable)) {
    if (isGpuResourceName(name)) {
      const count = parseCountQuantity(quantity);
      if (Number.isFinite(count)) allocatable[name] = count;
    }
  }
  const memory = labels[GFD_LABELS.memoryMiB];
  return {
    productLabel: labels[GFD_LABELS.product],
    gpuCount:
      parseCountQuantity(labels[GFD_LABELS.count]) ||
      allocatable[NVIDIA_GPU_RESOURCE] ||
      0,
    memoryMiB: memory ? Number(memory) : undefined,
    computeCapability:
      major !== undefined && minor !== undefined
        ? `${major}.${minor}`
        : undefined,
    driverVersion: driverVersionFromNodeLabels(labels),
    migStrategy: labels[GFD_LABELS.migStrategy],
    allocatable,
  };
}

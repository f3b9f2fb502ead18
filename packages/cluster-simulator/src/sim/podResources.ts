/*
 * Resource arithmetic on pods and nodes, shared by the scheduler, quota and
 * Karpenter: effective pod requests (sum of containers, at least the largest
 * init container), in the units the scheduler compares (millicores, bytes,
 * device counts).
 */
import { parseQuantity } from '../controllers/controller';

type Obj = Record<string, any>;

/** Resource amounts keyed by resource name. @public */
export type ResourceAmounts = Record<string, number>;

function containerRequests(
  c: Obj,
  key: 'requests' | 'limits',
): ResourceAmounts {
  const out: ResourceAmounts = {};
  for (const [k, v] of Object.entries((c.resources?.[key] ?? {}) as Obj)) {
    out[k] =
      k === 'cpu' ? Math.round(parseQuantity(v) * 1000) : parseQuantity(v);
  }
  return out;
}

/** Effective requests (`key = 'requests'`) or limits of a pod spec. */
export function podResources(
  spec: Obj | undefined,
  key: 'requests' | 'limits' = 'requests',
): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const c of (spec?.containers ?? []) as Obj[]) {
    for (const [k, v] of Object.entries(containerRequests(c, key)))
      total[k] = (total[k] ?? 0) + v;
  }
  for (const c of (spec?.initContainers ?? []) as Obj[]) {
    for (const [k, v] of Object.entries(containerRequests(c, key)))
      total[k] = Math.max(total[k] ?? 0, v);
  }
  return total;
}

/** Whether a resource is a device (GPU/MIG) counted in whole units. */
export function isDeviceResource(name: string): boolean {
  return name === 'nvidia.com/gpu' || name.startsWith('nvidia.com/mig-');
}

/** GPUs (whole or MIG slices) a pod spec requests. */
export function gpuRequest(
  spec: Obj | undefined,
): { resource: string; count: number } | undefined {
  const req = podResources(spec);
  for (const [k, v] of Object.entries(req)) {
    if (isDeviceResource(k) && v > 0) return { resource: k, count: v };
  }
  return undefined;
}

/** Formats scheduler units back into quantities for node status. */
export function formatAmount(name: string, value: number): string {
  if (name === 'cpu')
    return value % 1000 === 0 ? String(value / 1000) : `${value}m`;
  if (
    name === 'memory' ||
    name === 'ephemeral-storage' ||
    name.startsWith('hugepages-')
  ) {
    if (value === 0) return '0';
    if (value % 1024 ** 3 === 0) return `${value / 1024 ** 3}Gi`;
    if (value % 1024 ** 2 === 0) return `${value / 1024 ** 2}Mi`;
    if (value % 1024 === 0) return `${value / 1024}Ki`;
    return String(value);
  }
  return String(value);
}

/** Whether a pod is terminal (its resources are free again). */
export function isTerminal(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

import {
  NamespaceGpuQuota,
  parseCountQuantity,
} from '@inference-platform/plugin-inference-common';
import { CachedResourceQuota } from './kubernetesObjects';

/**
 * The ResourceQuotas of a namespace that limit a GPU resource (`requests.<resource>`, e.g. `requests.nvidia.com/gpu`),
 * with their hard limit and what the namespace's pods use (the quota controller's `status.used`).
 */
export function namespaceGpuQuotas(
  quotas: readonly CachedResourceQuota[],
  cluster: string,
  namespace: string,
  gpuResource: string,
): NamespaceGpuQuota[] {
  const resource = `requests.${gpuResource}`;
  const found: NamespaceGpuQuota[] = [];
  for (const quota of quotas) {
    if (quota?.metadata?.namespace !== namespace) continue;
    const hardValue =
      quota.status?.hard?.[resource] ?? quota.spec?.hard?.[resource];
    if (hardValue === undefined) continue;
    const hard = parseCountQuantity(hardValue);
    if (!Number.isFinite(hard)) continue;
    const used = parseCountQuantity(quota.status?.used?.[resource] ?? 0);
    found.push({
      cluster,
      namespace,
      name: String(quota.metadata.name),
      resource,
      hard,
      used: Number.isFinite(used) ? used : 0,
    });
  }
  return found;
}

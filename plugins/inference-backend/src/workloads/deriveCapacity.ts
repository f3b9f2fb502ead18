import {
  ClusterCapacity,
  compareVersions,
  ContainerLike,
  containerGpuRequest,
  GFD_LABELS,
  gpuTypeKey,
  NodeLike,
  NodePoolCapacity,
  nodePoolGrowthRoom,
  parseCountQuantity,
  readNodeGpuInfo,
} from '@inference-platform/plugin-inference-common';
import {
  CachedNode,
  CachedNodePool,
  CachedPod,
  metadataOf,
  Quantity,
} from './kubernetesObjects';

/** Node labels that name a node's pool, by provisioner. */
const POOL_LABELS = [
  'karpenter.sh/nodepool',
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'kubernetes.azure.com/agentpool',
];

function poolOf(node: CachedNode): string {
  const labels = metadataOf(node).labels ?? {};
  for (const label of POOL_LABELS) {
    if (labels[label]) return labels[label];
  }
  return 'default';
}

/** GPU types a node offers, by the extended resource that allocates them. */
function nodeGpuResources(
  node: CachedNode,
): Array<{ resource: string; gpuType: string; allocatable: number }> {
  const product = metadataOf(node).labels?.[GFD_LABELS.product];
  if (!product) return [];
  const allocatable: Record<string, Quantity> = node.status?.allocatable ?? {};
  return Object.entries(allocatable)
    .filter(
      ([name]) =>
        name === 'nvidia.com/gpu' || name.startsWith('nvidia.com/mig-'),
    )
    .map(([name, quantity]) => ({
      resource: name,
      gpuType:
        name === 'nvidia.com/gpu'
          ? product
          : gpuTypeKey(
              product.replace(/-MIG-.*$/, ''),
              name.slice('nvidia.com/mig-'.length),
            ),
      allocatable: Number(quantity) || 0,
    }))
    .filter(r => r.allocatable > 0);
}

/** The cached objects capacity is derived from. */
export interface CapacityObjects {
  nodes: CachedNode[];
  pods: CachedPod[];
  nodepools: CachedNodePool[];
}

/**
 * GPU capacity of one cluster per node pool and GPU type: allocatable, requested by running or pending-on-node pods,
 * free, and how much a Karpenter NodePool may still add under its `nvidia.com/gpu` limit. A pool without a GPU limit
 * reports no growth room (unknown), so capacity is never promised on the cloud's behalf.
 */
export function deriveCapacity(
  cluster: string,
  objects: CapacityObjects,
  now: Date,
): ClusterCapacity {
  // keyed by whatever name the objects hold: capacity reads the cache without an identity check
  const allocatedByNode = new Map<string | undefined, Map<string, number>>();
  for (const pod of objects.pods) {
    const nodeName = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!nodeName || phase === 'Succeeded' || phase === 'Failed') continue;
    for (const container of pod.spec?.containers ?? []) {
      // common reads either form of quantity
      const request = containerGpuRequest(container as ContainerLike);
      if (!request) continue;
      const byResource =
        allocatedByNode.get(nodeName) ?? new Map<string, number>();
      byResource.set(
        request.resourceName,
        (byResource.get(request.resourceName) ?? 0) + request.count,
      );
      allocatedByNode.set(nodeName, byResource);
    }
  }

  const lines = new Map<
    string,
    NodePoolCapacity & { nodeNames: Set<string | undefined> }
  >();
  const poolGpus = new Map<string, number>();
  for (const node of objects.nodes) {
    const pool = poolOf(node);
    const nodeName = metadataOf(node).name;
    for (const { resource, gpuType, allocatable } of nodeGpuResources(node)) {
      const key = `${pool}|${gpuType}`;
      const line = lines.get(key) ?? {
        pool,
        gpuType,
        nodes: 0,
        allocatable: 0,
        allocated: 0,
        free: 0,
        nodeNames: new Set<string | undefined>(),
      };
      if (!line.nodeNames.has(nodeName)) {
        line.nodeNames.add(nodeName);
        line.nodes += 1;
      }
      const allocated = Math.min(
        allocatable,
        allocatedByNode.get(nodeName)?.get(resource) ?? 0,
      );
      // common reads every field of the node defensively
      const info = readNodeGpuInfo(node as NodeLike);
      if (
        info.driverVersion &&
        (!line.driverVersion ||
          compareVersions(info.driverVersion, line.driverVersion) < 0)
      ) {
        line.driverVersion = info.driverVersion;
      }
      line.computeCapability ??= info.computeCapability;
      line.allocatable += allocatable;
      line.allocated += allocated;
      // a cordoned node keeps its pods but takes no new ones
      if (!node.spec?.unschedulable) line.free += allocatable - allocated;
      lines.set(key, line);
      if (resource === 'nvidia.com/gpu')
        poolGpus.set(pool, (poolGpus.get(pool) ?? 0) + allocatable);
    }
  }

  for (const nodePool of objects.nodepools) {
    const pool = metadataOf(nodePool).name;
    // a pool line needs a name: a NodePool without one is left out (and reported) by isolatedCapacity
    if (typeof pool !== 'string')
      throw new TypeError('it has no metadata.name');
    const held = Number(
      nodePool.status?.resources?.['nvidia.com/gpu'] ?? poolGpus.get(pool) ?? 0,
    );
    // common reads either form of quantity (Number, parseCountQuantity)
    const limits = nodePool.spec?.limits as Record<string, string> | undefined;
    const room = nodePoolGrowthRoom(limits, held);
    const limit =
      room === undefined
        ? undefined
        : parseCountQuantity(limits?.['nvidia.com/gpu']);
    const poolLines = [...lines.values()].filter(
      l => l.pool === pool && !l.gpuType.includes('-MIG-'),
    );
    const templateProduct =
      nodePool.spec?.template?.metadata?.labels?.[GFD_LABELS.product];
    if (poolLines.length === 0 && templateProduct) {
      // a pool scaled to zero still says, in its template, which GPUs it would add
      lines.set(`${pool}|${templateProduct}`, {
        pool,
        gpuType: templateProduct,
        nodes: 0,
        allocatable: 0,
        allocated: 0,
        free: 0,
        growthRoom: room,
        limit,
        nodeNames: new Set(),
      });
    } else if (poolLines.length === 1) {
      poolLines[0].growthRoom = room;
      poolLines[0].limit = limit;
    }
  }

  return {
    cluster,
    pools: [...lines.values()]
      .map(({ nodeNames: _nodeNames, ...line }) => line)
      .sort(
        (a, b) =>
          a.pool.localeCompare(b.pool) || a.gpuType.localeCompare(b.gpuType),
      ),
    updatedAt: now.toISOString(),
  };
}

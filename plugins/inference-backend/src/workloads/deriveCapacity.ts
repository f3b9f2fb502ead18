import {
  ClusterCapacity,
  compareVersions,
  containerGpuRequest,
  GFD_LABELS,
  gpuTypeKey,
  NodePoolCapacity,
  nodePoolGrowthRoom,
  parseCountQuantity,
  readNodeGpuInfo,
} from '@inference-platform/plugin-inference-common';

type Json = Record<string, any>;

/** Node labels that name a node's pool, by provisioner. */
const POOL_LABELS = [
  'karpenter.sh/nodepool',
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'kubernetes.azure.com/agentpool',
];

function poolOf(node: Json): string {
  const labels = node.metadata.labels ?? {};
  for (const label of POOL_LABELS) {
    if (labels[label]) return labels[label];
  }
  return 'default';
}

/** GPU types a node offers, by the extended resource that allocates them. */
function nodeGpuResources(
  node: Json,
): Array<{ resource: string; gpuType: string; allocatable: number }> {
  const product = node.metadata.labels?.[GFD_LABELS.product];
  if (!product) return [];
  const allocatable: Record<string, string> = node.status?.allocatable ?? {};
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

/**
 * GPU capacity of one cluster per node pool and GPU type: allocatable, requested by running or pending-on-node pods,
 * free, and how much a Karpenter NodePool may still add under its `nvidia.com/gpu` limit. A pool without a GPU limit
 * reports no growth room (unknown), so capacity is never promised on the cloud's behalf.
 */
export function deriveCapacity(
  cluster: string,
  objects: { nodes: Json[]; pods: Json[]; nodepools: Json[] },
  now: Date,
): ClusterCapacity {
  const allocatedByNode = new Map<string, Map<string, number>>();
  for (const pod of objects.pods) {
    const nodeName = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!nodeName || phase === 'Succeeded' || phase === 'Failed') continue;
    for (const container of pod.spec?.containers ?? []) {
      const request = containerGpuRequest(container);
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
    NodePoolCapacity & { nodeNames: Set<string> }
  >();
  const poolGpus = new Map<string, number>();
  for (const node of objects.nodes) {
    const pool = poolOf(node);
    for (const { resource, gpuType, allocatable } of nodeGpuResources(node)) {
      const key = `${pool}|${gpuType}`;
      const line = lines.get(key) ?? {
        pool,
        gpuType,
        nodes: 0,
        allocatable: 0,
        allocated: 0,
        free: 0,
        nodeNames: new Set<string>(),
      };
      if (!line.nodeNames.has(node.metadata.name)) {
        line.nodeNames.add(node.metadata.name);
        line.nodes += 1;
      }
      const allocated = Math.min(
        allocatable,
        allocatedByNode.get(node.metadata.name)?.get(resource) ?? 0,
      );
      const info = readNodeGpuInfo(node as any);
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
    const pool = nodePool.metadata.name;
    const held = Number(
      nodePool.status?.resources?.['nvidia.com/gpu'] ?? poolGpus.get(pool) ?? 0,
    );
    const room = nodePoolGrowthRoom(nodePool.spec?.limits, held);
    const limit =
      room === undefined
        ? undefined
        : parseCountQuantity(nodePool.spec.limits['nvidia.com/gpu']);
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

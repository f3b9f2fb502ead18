import type { ClusterCapacity } from '../api';
import { listGpuTypes, resolveGpuType } from '../catalog';
import type { QuotaStanding } from './quota';

/**
 * The GPU types a quota line may name: those the fleet's pools have (as GPU Feature Discovery labels them, MIG
 * profiles as `<product>-MIG-<profile>`), then the other types of the GPU catalog.
 *
 * @public
 */
export interface KnownGpuTypes {
  /** Types of the tracked pools, sorted. */
  inFleet: string[];
  /** Types of the GPU catalog no pool has yet, sorted. */
  inCatalog: string[];
}

let catalogKeys: string[] | undefined;

/**
 * Lists the GPU types a quota line may name, from the pools of the tracked clusters and the GPU catalog.
 *
 * @public
 */
export function knownGpuTypes(
  capacity: readonly ClusterCapacity[],
): KnownGpuTypes {
  catalogKeys ??= [...new Set(listGpuTypes().map(t => t.key))].sort();
  const inFleet = [
    ...new Set(capacity.flatMap(c => c.pools.map(p => p.gpuType))),
  ].sort();
  const fleet = new Set(inFleet);
  return { inFleet, inCatalog: catalogKeys.filter(k => !fleet.has(k)) };
}

/**
 * Why a quota line may not name this GPU type, or undefined when it may: the message names the field and, for a
 * type the catalog knows under another name (an id, an alias, other case), the name to use.
 *
 * @public
 */
export function gpuTypeRefusal(
  gpuType: string,
  known: KnownGpuTypes,
): string | undefined {
  if (known.inFleet.includes(gpuType) || known.inCatalog.includes(gpuType)) {
    return undefined;
  }
  const canonical = resolveGpuType(gpuType)?.key;
  return `gpuType ${gpuType} is not a GPU type of the GPU catalog or of a tracked pool${
    canonical && canonical !== gpuType ? `; did you mean ${canonical}?` : ''
  }`;
}

/**
 * GPUs each GPU type can ever have in the given clusters (all of them without `clusters`): the GPUs of its pools
 * plus the growth room of pools with a limit (a Karpenter pool without a GPU limit counts only the nodes it has).
 *
 * @public
 */
export function fleetCapacityByGpuType(
  capacity: readonly ClusterCapacity[],
  clusters?: readonly string[],
): Map<string, number> {
  const byType = new Map<string, number>();
  for (const cluster of capacity) {
    if (clusters && !clusters.includes(cluster.cluster)) continue;
    for (const pool of cluster.pools) {
      byType.set(
        pool.gpuType,
        (byType.get(pool.gpuType) ?? 0) +
          pool.allocatable +
          (pool.growthRoom ?? 0),
      );
    }
  }
  return byType;
}

/**
 * Marks the quota lines whose limit is above what the pools of their GPU type can hold in the clusters their owner
 * may deploy to (`clustersOf`; every cluster when it answers undefined): `exceedsCapacity`. Without the capacity of
 * every tracked cluster (one has not been listed yet) nothing is marked: a missing pool would look like a missing
 * GPU.
 *
 * @public
 */
export function flagQuotasAboveCapacity(
  standings: QuotaStanding[],
  fleet: {
    capacity: readonly ClusterCapacity[];
    clusters: number;
    clustersOf?: (owner: string) => readonly string[] | undefined;
  },
): QuotaStanding[] {
  if (fleet.capacity.length < fleet.clusters) return standings;
  return standings.map(standing => {
    if (standing.limit === undefined) return standing;
    const allowed = fleet.clustersOf?.(standing.owner);
    const clusters = fleet.capacity
      .map(c => c.cluster)
      .filter(c => !allowed || allowed.includes(c));
    const capacity =
      fleetCapacityByGpuType(fleet.capacity, clusters).get(standing.gpuType) ??
      0;
    return standing.limit > capacity
      ? {
          ...standing,
          exceedsCapacity: { capacity, limit: standing.limit, clusters },
        }
      : standing;
  });
}

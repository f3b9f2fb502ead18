/**
 * GPUs of one type in one node pool of one cluster.
 *
 * @public
 */
export interface PoolCapacity {
  cluster: string;
  /** Node pool (Karpenter NodePool, managed node group, …). */
  pool: string;
  gpuType: string;
  /** GPUs of this type allocatable now and not requested by any pod. */
  freeGpus: number;
  /** GPUs the pool may still add (Karpenter NodePool `limits` minus what it holds); 0 for fixed pools. */
  growthRoomGpus: number;
}

/**
 * Input of {@link assessHeadroom}.
 *
 * @public
 */
export interface HeadroomInput {
  /** Load multiple to assess; default 10. */
  loadMultiplier?: number;
  /** Current total load, in `loadUnit` (requests/s, tokens/s, or total queue depth). */
  currentLoad: number;
  /** Load one replica sustains at its SLO (throughput), or the queue depth per replica the autoscaler targets. */
  perReplicaCapacity: number;
  /** `replicas`: no load metric yet, so the current replicas are taken as fully used. */
  loadUnit: 'requests/s' | 'tokens/s' | 'queued requests' | 'replicas';
  currentReplicas: number;
  /** Autoscaler ceiling (maxReplicas); its GPUs are already charged to quota. */
  maxReplicas?: number;
  gpusPerReplica: number;
  gpuType: string;
  /** Clusters the service runs in; pools of other clusters or GPU types are ignored. */
  clusters: readonly string[];
  pools: readonly PoolCapacity[];
  /** Owner's quota headroom for this GPU type (limit − used − reserved); undefined = no quota configured. */
  quotaHeadroomGpus?: number;
}

/**
 * `ready`: capacity and quota cover the target load. `quota-bound`: the owner's quota is the binding limit.
 * `capacity-bound`: free GPUs plus node-pool growth are the binding limit.
 *
 * @public
 */
export type HeadroomVerdictKind = 'ready' | 'quota-bound' | 'capacity-bound';

/**
 * Answer of {@link assessHeadroom}, with every number behind it.
 *
 * @public
 */
export interface HeadroomVerdict {
  verdict: HeadroomVerdictKind;
  loadMultiplier: number;
  targetLoad: number;
  loadUnit: HeadroomInput['loadUnit'];
  replicasNeeded: number;
  additionalReplicas: number;
  gpusNeeded: number;
  additionalGpus: number;
  freeGpus: number;
  growthRoomGpus: number;
  /** freeGpus + growthRoomGpus in the service's clusters. */
  capacityGpus: number;
  /** Extra GPUs that need quota: beyond what maxReplicas already charges. */
  additionalQuotaGpus: number;
  quotaHeadroomGpus?: number;
  capacityShortfallGpus: number;
  quotaShortfallGpus: number;
  /** True when the autoscaler ceiling must be raised to reach replicasNeeded. */
  maxReplicasTooLow: boolean;
  /** The pools counted, for the breakdown. */
  pools: PoolCapacity[];
  explanation: string;
}

/**
 * Answers "could this service take k× its current load": replicas and GPUs needed, compared with free GPUs of its
 * type in its clusters plus node-pool growth room, and with its owner's quota headroom. When both fall short, the
 * larger shortfall is the binding one (capacity on a tie: more quota does not help without GPUs).
 *
 * @public
 */
export function assessHeadroom(input: HeadroomInput): HeadroomVerdict {
  const k = input.loadMultiplier ?? 10;
  if (!(input.perReplicaCapacity > 0))
    throw new Error('perReplicaCapacity must be positive');
  if (!(input.gpusPerReplica > 0))
    throw new Error('gpusPerReplica must be positive');
  const targetLoad = input.currentLoad * k;
  const replicasNeeded = Math.max(
    1,
    Math.ceil(targetLoad / input.perReplicaCapacity - 1e-9),
  );
  const additionalReplicas = Math.max(
    0,
    replicasNeeded - input.currentReplicas,
  );
  const additionalGpus = additionalReplicas * input.gpusPerReplica;
  const pools = input.pools.filter(
    p => p.gpuType === input.gpuType && input.clusters.includes(p.cluster),
  );
  const freeGpus = sum(pools.map(p => Math.max(0, p.freeGpus)));
  const growthRoomGpus = sum(pools.map(p => Math.max(0, p.growthRoomGpus)));
  const capacityGpus = freeGpus + growthRoomGpus;
  const chargedReplicas = Math.max(
    input.maxReplicas ?? input.currentReplicas,
    input.currentReplicas,
  );
  const additionalQuotaGpus =
    Math.max(0, replicasNeeded - chargedReplicas) * input.gpusPerReplica;
  const capacityShortfallGpus = Math.max(0, additionalGpus - capacityGpus);
  const quotaShortfallGpus =
    input.quotaHeadroomGpus === undefined
      ? 0
      : Math.max(0, additionalQuotaGpus - Math.max(0, input.quotaHeadroomGpus));
  let verdict: HeadroomVerdictKind = 'ready';
  if (capacityShortfallGpus > 0 || quotaShortfallGpus > 0) {
    verdict =
      quotaShortfallGpus > capacityShortfallGpus
        ? 'quota-bound'
        : 'capacity-bound';
  }
  const maxReplicasTooLow =
    input.maxReplicas !== undefined && input.maxReplicas < replicasNeeded;
  const base = `At ${k}x load (${round(targetLoad)} ${
    input.loadUnit
  }) it needs ${replicasNeeded} replicas (${
    replicasNeeded * input.gpusPerReplica
  } ${input.gpuType} GPUs), ${additionalGpus} more GPUs than now`;
  const capacityText = `${freeGpus} free + ${growthRoomGpus} pool growth`;
  const quotaText =
    input.quotaHeadroomGpus === undefined
      ? 'no quota configured'
      : `${additionalQuotaGpus} need quota, ${input.quotaHeadroomGpus} headroom`;
  let explanation: string;
  if (verdict === 'ready') {
    explanation = `${base}: ready (${capacityText}; ${quotaText}).`;
  } else if (verdict === 'capacity-bound') {
    explanation = `${base}: capacity-bound, ${capacityShortfallGpus} GPUs short (${capacityText})${
      quotaShortfallGpus > 0
        ? `; quota also ${quotaShortfallGpus} short (${quotaText})`
        : ''
    }.`;
  } else {
    explanation = `${base}: quota-bound, ${quotaShortfallGpus} GPUs short (${quotaText})${
      capacityShortfallGpus > 0
        ? `; capacity also ${capacityShortfallGpus} short (${capacityText})`
        : ''
    }.`;
  }
  if (maxReplicasTooLow)
    explanation += ` Raise maxReplicas from ${input.maxReplicas} to ${replicasNeeded}.`;
  return {
    verdict,
    loadMultiplier: k,
    targetLoad,
    loadUnit: input.loadUnit,
    replicasNeeded,
    additionalReplicas,
    gpusNeeded: replicasNeeded * input.gpusPerReplica,
    additionalGpus,
    freeGpus,
    growthRoomGpus,
    capacityGpus,
    additionalQuotaGpus,
    quotaHeadroomGpus: input.quotaHeadroomGpus,
    capacityShortfallGpus,
    quotaShortfallGpus,
    maxReplicasTooLow,
    pools,
    explanation,
  };
}

/**
 * GPUs a Karpenter NodePool may still add for a resource: `spec.limits[resource]` minus what its nodes hold.
 * Unlimited pools (no limit for the resource) return undefined.
 *
 * @public
 */
export function nodePoolGrowthRoom(
  limits: Record<string, string> | undefined,
  heldGpus: number,
  resource = 'nvidia.com/gpu',
): number | undefined {
  const limit = limits?.[resource];
  if (limit === undefined) return undefined;
  return Math.max(0, Number(limit) - heldGpus);
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

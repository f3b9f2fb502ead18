import type { NamespaceGpuQuota } from '../diagnosis/quota';
import {
  HeadroomAction,
  PoolCapacity,
  headroomActions,
  namespaceQuotaHeadroom,
  poolsText,
} from './actions';

export type { HeadroomAction, PoolCapacity } from './actions';

/**
 * What runs today, from the service's pods. Without it every current replica is taken as running.
 *
 * @public
 */
export interface ServiceToday {
  /** Replicas whose pods are on a node and hold their GPUs. */
  scheduledReplicas: number;
  /** Replicas whose pods exist but wait for a node (Pending, PodScheduled=False). */
  pendingReplicas: number;
  /** The scheduler's message for a pending pod, e.g. `0/4 nodes are available: 1 Insufficient nvidia.com/gpu`. */
  pendingReason?: string;
  /** Why the service does not serve (a crash loop and its cause): then there is no verdict at k× load. */
  failing?: string;
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
  /** Desired replicas now (spec.replicas, as the autoscaler set it). */
  currentReplicas: number;
  /** Autoscaler ceiling (maxReplicas); its GPUs are already charged to quota. Undefined: the service has no autoscaler. */
  maxReplicas?: number;
  gpusPerReplica: number;
  gpuType: string;
  /** Clusters the service runs in; pools of other clusters or GPU types are ignored. */
  clusters: readonly string[];
  pools: readonly PoolCapacity[];
  /** Owner's quota headroom for this GPU type (limit − used − reserved); undefined = no quota configured. */
  quotaHeadroomGpus?: number;
  /** The owner's platform quota line, so the advice can say how far to raise it. */
  platformQuota?: { owner: string; limit: number };
  /** ResourceQuotas of the service's namespaces on its GPU resource (none: the namespaces are not limited). */
  namespaceQuotas?: readonly NamespaceGpuQuota[];
  today?: ServiceToday;
}

/**
 * `ready`: capacity and quotas cover the target load. `quota-bound`: the owner's platform quota or the namespace's
 * ResourceQuota is the binding limit. `capacity-bound`: free GPUs plus node-pool growth are the binding limit.
 * `blocked`: it cannot even run its current replicas today. `failing`: it does not serve (crash loop), so no verdict
 * at k× load is given.
 *
 * @public
 */
export type HeadroomVerdictKind =
  | 'ready'
  | 'quota-bound'
  | 'capacity-bound'
  | 'blocked'
  | 'failing';

/**
 * The limit that binds a verdict other than ready.
 *
 * @public
 */
export type HeadroomBinding = 'capacity' | 'platform-quota' | 'namespace-quota';

/**
 * Whether the current replicas run today, and what they lack.
 *
 * @public
 */
export interface HeadroomToday {
  desiredReplicas: number;
  scheduledReplicas: number;
  pendingReplicas: number;
  /** Replicas without a pod: the controller could not create them (a ResourceQuota refused them). */
  missingReplicas: number;
  /** GPUs the current replicas lack beyond free GPUs and node-pool growth. */
  capacityShortfallGpus: number;
  /** GPUs the missing replicas need beyond the namespace ResourceQuota's headroom. */
  namespaceQuotaShortfallGpus: number;
}

/**
 * Answer of {@link assessHeadroom}, with every number behind it.
 *
 * @public
 */
export interface HeadroomVerdict {
  verdict: HeadroomVerdictKind;
  /** Which limit binds (absent when ready or failing). */
  binding?: HeadroomBinding;
  /** Why the service does not serve, when `failing`. */
  failing?: string;
  loadMultiplier: number;
  targetLoad: number;
  loadUnit: HeadroomInput['loadUnit'];
  replicasNeeded: number;
  /** Replicas to add to those running now. */
  additionalReplicas: number;
  gpusNeeded: number;
  /** GPUs to obtain beyond those the service holds now (its pending replicas included). */
  additionalGpus: number;
  freeGpus: number;
  growthRoomGpus: number;
  /** freeGpus + growthRoomGpus in the service's clusters. */
  capacityGpus: number;
  /** Extra GPUs that need platform quota: beyond what maxReplicas already charges. */
  additionalQuotaGpus: number;
  quotaHeadroomGpus?: number;
  /** Headroom of the namespaces' ResourceQuotas on the GPU resource; undefined when none limits it. */
  namespaceQuotaHeadroomGpus?: number;
  capacityShortfallGpus: number;
  quotaShortfallGpus: number;
  namespaceQuotaShortfallGpus: number;
  /** True when the autoscaler ceiling must be raised to reach replicasNeeded. */
  maxReplicasTooLow: boolean;
  today: HeadroomToday;
  /** What the service's team can do, with the numbers: today's fixes first, then those for k× load. */
  actions: HeadroomAction[];
  /** The pools counted, for the breakdown. */
  pools: PoolCapacity[];
  explanation: string;
}

/**
 * Answers "could this service take k× its current load": replicas and GPUs needed, compared with free GPUs of its
 * type in its clusters plus node-pool growth (Karpenter NodePool limits), with its owner's platform quota headroom
 * and with its namespaces' ResourceQuotas. It first accounts for today: pending replicas hold no GPUs, replicas a
 * ResourceQuota refused have no pod, and a crash-looping service gets no k× verdict. A service that cannot run its
 * current replicas is `blocked`, never `ready`. When several limits fall short, the larger shortfall binds (capacity
 * on a tie: more quota does not help without GPUs).
 *
 * @public
 */
export function assessHeadroom(input: HeadroomInput): HeadroomVerdict {
  const k = input.loadMultiplier ?? 10;
  if (!(input.perReplicaCapacity > 0))
    throw new Error('perReplicaCapacity must be positive');
  if (!(input.gpusPerReplica > 0))
    throw new Error('gpusPerReplica must be positive');
  const g = input.gpusPerReplica;
  const desired = input.currentReplicas;
  const scheduled = Math.max(
    0,
    input.today?.scheduledReplicas ?? input.currentReplicas,
  );
  const pending = Math.max(0, input.today?.pendingReplicas ?? 0);
  const missing = Math.max(0, desired - scheduled - pending);

  const targetLoad = input.currentLoad * k;
  const replicasNeeded = Math.max(
    1,
    Math.ceil(targetLoad / input.perReplicaCapacity - 1e-9),
  );
  // the current replicas keep running at k× even when the load alone would need fewer
  const replicasToRun = Math.max(replicasNeeded, desired);
  const additionalReplicas = Math.max(0, replicasToRun - scheduled);
  const additionalGpus = additionalReplicas * g;
  const pools = input.pools.filter(
    p => p.gpuType === input.gpuType && input.clusters.includes(p.cluster),
  );
  const freeGpus = sum(pools.map(p => Math.max(0, p.freeGpus)));
  const growthRoomGpus = sum(pools.map(p => Math.max(0, p.growthRoomGpus)));
  const capacityGpus = freeGpus + growthRoomGpus;
  const chargedReplicas = Math.max(input.maxReplicas ?? desired, desired);
  const additionalQuotaGpus = Math.max(0, replicasNeeded - chargedReplicas) * g;
  const capacityShortfallGpus = Math.max(0, additionalGpus - capacityGpus);
  const quotaShortfallGpus =
    input.quotaHeadroomGpus === undefined
      ? 0
      : Math.max(0, additionalQuotaGpus - Math.max(0, input.quotaHeadroomGpus));
  // a namespace quota counts the pods that exist, pending ones included
  const namespaceQuotaHeadroomGpus = namespaceQuotaHeadroom(
    input.namespaceQuotas ?? [],
  );
  const namespaceQuotaShortfallGpus =
    namespaceQuotaHeadroomGpus === undefined
      ? 0
      : Math.max(
          0,
          (replicasToRun - scheduled - pending) * g -
            namespaceQuotaHeadroomGpus,
        );
  const today: HeadroomToday = {
    desiredReplicas: desired,
    scheduledReplicas: scheduled,
    pendingReplicas: pending,
    missingReplicas: missing,
    capacityShortfallGpus: Math.max(
      0,
      Math.max(0, desired - scheduled) * g - capacityGpus,
    ),
    namespaceQuotaShortfallGpus:
      namespaceQuotaHeadroomGpus === undefined
        ? 0
        : Math.max(0, missing * g - namespaceQuotaHeadroomGpus),
  };

  let verdict: HeadroomVerdictKind = 'ready';
  let binding: HeadroomBinding | undefined;
  const quotaShortfall = Math.max(
    quotaShortfallGpus,
    namespaceQuotaShortfallGpus,
  );
  if (input.today?.failing) {
    verdict = 'failing';
  } else if (
    today.capacityShortfallGpus > 0 ||
    today.namespaceQuotaShortfallGpus > 0
  ) {
    verdict = 'blocked';
    binding =
      today.namespaceQuotaShortfallGpus > today.capacityShortfallGpus
        ? 'namespace-quota'
        : 'capacity';
  } else if (capacityShortfallGpus > 0 || quotaShortfall > 0) {
    if (quotaShortfall > capacityShortfallGpus) {
      verdict = 'quota-bound';
      binding =
        namespaceQuotaShortfallGpus > quotaShortfallGpus
          ? 'namespace-quota'
          : 'platform-quota';
    } else {
      verdict = 'capacity-bound';
      binding = 'capacity';
    }
  }
  const maxReplicasTooLow =
    input.maxReplicas !== undefined && input.maxReplicas < replicasNeeded;
  const actions = headroomActions({
    input,
    pools,
    replicasNeeded,
    today,
    capacityShortfallGpus,
    quotaShortfallGpus,
    namespaceQuotaShortfallGpus,
  });

  const capacityText = `${freeGpus} free + ${growthRoomGpus} pool growth`;
  const quotaText =
    input.quotaHeadroomGpus === undefined
      ? 'no quota configured'
      : `${additionalQuotaGpus} need quota, ${input.quotaHeadroomGpus} headroom`;
  const namespaceText =
    namespaceQuotaHeadroomGpus === undefined
      ? ''
      : `; namespace quota headroom ${namespaceQuotaHeadroomGpus}`;
  const base = `At ${k}x load (${round(targetLoad)} ${
    input.loadUnit
  }) it needs ${replicasNeeded} replicas (${replicasNeeded * g} ${
    input.gpuType
  } GPUs), ${additionalGpus} more GPUs than it holds`;
  let explanation: string;
  if (verdict === 'failing') {
    explanation = `No ${k}x verdict: it is not serving (${input.today?.failing}). Fix that first; its health findings say how.`;
  } else {
    const shortfalls = [
      capacityShortfallGpus > 0
        ? `capacity ${capacityShortfallGpus} short (${capacityText})`
        : '',
      quotaShortfallGpus > 0
        ? `platform quota ${quotaShortfallGpus} short (${quotaText})`
        : '',
      namespaceQuotaShortfallGpus > 0
        ? `namespace quota ${namespaceQuotaShortfallGpus} short (headroom ${namespaceQuotaHeadroomGpus})`
        : '',
    ].filter(Boolean);
    let target: string;
    if (verdict === 'ready') {
      target = `${base}: ready (${capacityText}; ${quotaText}${namespaceText}).`;
    } else if (verdict === 'blocked') {
      target = `${base}: ${
        shortfalls.length ? shortfalls.join('; ') : 'covered'
      }.`;
    } else {
      const short =
        verdict === 'capacity-bound'
          ? capacityShortfallGpus
          : Math.max(quotaShortfallGpus, namespaceQuotaShortfallGpus);
      target = `${base}: ${verdict}, ${short} GPUs short: ${shortfalls.join(
        '; ',
      )}.`;
    }
    explanation =
      verdict === 'blocked'
        ? `${todayText(input, today, pools)} ${target}`
        : target;
  }
  if (actions.length && verdict !== 'failing')
    explanation += ` ${actions.map(a => a.text).join(' ')}`;
  return {
    verdict,
    binding,
    failing: input.today?.failing,
    loadMultiplier: k,
    targetLoad,
    loadUnit: input.loadUnit,
    replicasNeeded,
    additionalReplicas,
    gpusNeeded: replicasNeeded * g,
    additionalGpus,
    freeGpus,
    growthRoomGpus,
    capacityGpus,
    additionalQuotaGpus,
    quotaHeadroomGpus: input.quotaHeadroomGpus,
    namespaceQuotaHeadroomGpus,
    capacityShortfallGpus,
    quotaShortfallGpus,
    namespaceQuotaShortfallGpus,
    maxReplicasTooLow,
    today,
    actions,
    pools,
    explanation,
  };
}

/** `Today 1 of 2 replicas cannot run: 1 Pending (<scheduler message>); 8 GPUs short (...)`. */
function todayText(
  input: HeadroomInput,
  today: HeadroomToday,
  pools: PoolCapacity[],
): string {
  const notRunning = today.desiredReplicas - today.scheduledReplicas;
  const parts = [
    today.pendingReplicas > 0
      ? `${today.pendingReplicas} Pending${
          input.today?.pendingReason ? ` (${input.today.pendingReason})` : ''
        }`
      : '',
    today.missingReplicas > 0
      ? `${today.missingReplicas} without a pod (not created)`
      : '',
  ].filter(Boolean);
  const short = [
    today.capacityShortfallGpus > 0
      ? `${today.capacityShortfallGpus} ${
          input.gpuType
        } GPUs short (${poolsText(pools)})`
      : '',
    today.namespaceQuotaShortfallGpus > 0
      ? `the namespace ResourceQuota lacks ${today.namespaceQuotaShortfallGpus} GPUs`
      : '',
  ].filter(Boolean);
  return `Today ${notRunning} of ${
    today.desiredReplicas
  } replicas cannot run: ${parts.join(', ')}; ${short.join('; ')}.`;
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

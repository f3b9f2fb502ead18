import type { NamespaceGpuQuota } from '../diagnosis/quota';
import type { HeadroomInput, HeadroomToday } from './capacity';

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
  /** GPUs of this type its nodes offer now. */
  allocatableGpus?: number;
  /** The Karpenter NodePool's GPU limit (`spec.limits`), when a NodePool with a limit manages the pool. */
  limitGpus?: number;
}

/**
 * Something the service's team can do about a verdict, with the numbers.
 *
 * @public
 */
export interface HeadroomAction {
  kind:
    | 'fix-failure'
    | 'add-autoscaler'
    | 'raise-max-replicas'
    | 'add-gpus'
    | 'raise-platform-quota'
    | 'raise-namespace-quota';
  /** `today`: needed to run the current replicas; `target`: needed at k× load. */
  for: 'today' | 'target';
  /** The action in one sentence, with its numbers. */
  text: string;
  /** GPUs it adds (GPUs to free or add, quota to grant). */
  gpus?: number;
  cluster?: string;
  pool?: string;
  namespace?: string;
  /** ResourceQuota name. */
  quota?: string;
  owner?: string;
  gpuType?: string;
  /** The value to change (maxReplicas, a quota's limit, a NodePool's GPU limit) now and after. */
  from?: number;
  to?: number;
}

/**
 * Headroom of the namespaces' GPU quotas: per namespace the tightest quota, summed over namespaces; undefined when
 * no quota limits the GPU resource.
 */
export function namespaceQuotaHeadroom(
  quotas: readonly NamespaceGpuQuota[],
): number | undefined {
  if (quotas.length === 0) return undefined;
  const byNamespace = new Map<string, number>();
  for (const q of quotas) {
    const key = `${q.cluster}/${q.namespace}`;
    const room = Math.max(0, q.hard - q.used);
    byNamespace.set(key, Math.min(byNamespace.get(key) ?? room, room));
  }
  return [...byNamespace.values()].reduce((a, b) => a + b, 0);
}

/** `0 free + 0 pool growth in a100-pool (gpu-batch)`. */
export function poolsText(pools: readonly PoolCapacity[]): string {
  if (pools.length === 0) return 'no pool of this GPU type in its clusters';
  return pools
    .map(
      p =>
        `${Math.max(0, p.freeGpus)} free + ${Math.max(
          0,
          p.growthRoomGpus,
        )} pool growth in ${p.pool} (${p.cluster})${
          p.limitGpus !== undefined && p.growthRoomGpus <= 0
            ? `, NodePool limit ${p.limitGpus} reached`
            : ''
        }`,
    )
    .join('; ');
}

/** The pool to grow: one a NodePool limit governs, else the largest. */
function poolToGrow(pools: readonly PoolCapacity[]): PoolCapacity | undefined {
  return [...pools].sort(
    (a, b) =>
      Number(b.limitGpus !== undefined) - Number(a.limitGpus !== undefined) ||
      (b.allocatableGpus ?? 0) - (a.allocatableGpus ?? 0),
  )[0];
}

function addGpus(
  gpus: number,
  input: HeadroomInput,
  pools: readonly PoolCapacity[],
  phase: HeadroomAction['for'],
): HeadroomAction {
  const pool = poolToGrow(pools);
  const what = `${gpus} ${input.gpuType} GPUs`;
  if (!pool) {
    return {
      kind: 'add-gpus',
      for: phase,
      gpus,
      gpuType: input.gpuType,
      text: `Add a node pool with ${what} to ${input.clusters.join(
        ' or ',
      )}: none of its clusters has that GPU type.`,
    };
  }
  const base = {
    kind: 'add-gpus' as const,
    for: phase,
    gpus,
    gpuType: input.gpuType,
    cluster: pool.cluster,
    pool: pool.pool,
  };
  if (pool.limitGpus !== undefined) {
    const to = pool.limitGpus + gpus;
    return {
      ...base,
      from: pool.limitGpus,
      to,
      text: `Free or add ${what} in pool ${pool.pool} (${pool.cluster}): raise its NodePool limit (spec.limits nvidia.com/gpu) from ${pool.limitGpus} to ${to}.`,
    };
  }
  return {
    ...base,
    text: `Free or add ${what} in pool ${pool.pool} (${pool.cluster}): it has no NodePool limit to raise, so add nodes or stop other workloads there.`,
  };
}

function raiseNamespaceQuota(
  gpus: number,
  quotas: readonly NamespaceGpuQuota[],
  phase: HeadroomAction['for'],
  why: string,
): HeadroomAction | undefined {
  // the tightest quota binds
  const quota = [...quotas].sort(
    (a, b) => a.hard - a.used - (b.hard - b.used),
  )[0];
  if (!quota) return undefined;
  const to = quota.hard + gpus;
  return {
    kind: 'raise-namespace-quota',
    for: phase,
    gpus,
    cluster: quota.cluster,
    namespace: quota.namespace,
    quota: quota.name,
    from: quota.hard,
    to,
    text: `Raise the ResourceQuota ${quota.name} in ${quota.cluster}/${quota.namespace}: ${quota.resource} from ${quota.hard} to ${to} (${why}).`,
  };
}

/**
 * The actions a verdict's numbers call for: first what the current replicas lack today (namespace quota, GPUs in a
 * pool), then what k× load needs (an autoscaler or a higher ceiling, GPUs, platform quota, namespace quota).
 */
export function headroomActions(context: {
  input: HeadroomInput;
  pools: readonly PoolCapacity[];
  replicasNeeded: number;
  today: HeadroomToday;
  capacityShortfallGpus: number;
  quotaShortfallGpus: number;
  namespaceQuotaShortfallGpus: number;
}): HeadroomAction[] {
  const { input, pools, replicasNeeded, today } = context;
  const k = input.loadMultiplier ?? 10;
  const quotas = input.namespaceQuotas ?? [];
  if (input.today?.failing) {
    return [
      {
        kind: 'fix-failure',
        for: 'today',
        text: `Fix why it is not serving first (${input.today.failing}); a ${k}x verdict follows once its pods run.`,
      },
    ];
  }
  const actions: HeadroomAction[] = [];
  const todayActions: HeadroomAction[] = [];
  if (today.namespaceQuotaShortfallGpus > 0) {
    const action = raiseNamespaceQuota(
      today.namespaceQuotaShortfallGpus,
      quotas,
      'today',
      `its ${today.desiredReplicas} replicas need ${today.missingReplicas} more pods`,
    );
    if (action) todayActions.push(action);
  }
  if (today.capacityShortfallGpus > 0)
    todayActions.push(
      addGpus(today.capacityShortfallGpus, input, pools, 'today'),
    );
  actions.push(...todayActions);

  if (input.maxReplicas !== undefined && input.maxReplicas < replicasNeeded) {
    actions.push({
      kind: 'raise-max-replicas',
      for: 'target',
      from: input.maxReplicas,
      to: replicasNeeded,
      text: `Raise the autoscaler's maxReplicas from ${input.maxReplicas} to ${replicasNeeded}.`,
    });
  } else if (
    input.maxReplicas === undefined &&
    replicasNeeded > input.currentReplicas
  ) {
    actions.push({
      kind: 'add-autoscaler',
      for: 'target',
      from: input.currentReplicas,
      to: replicasNeeded,
      text: `Add an autoscaler (a KEDA ScaledObject or an HPA) with maxReplicas ${replicasNeeded}: at a fixed ${input.currentReplicas} replicas it cannot follow ${k}x load.`,
    });
  }
  const repeatsToday = (kind: HeadroomAction['kind'], gpus: number) =>
    todayActions.some(a => a.kind === kind && a.gpus === gpus);
  if (
    context.capacityShortfallGpus > 0 &&
    !repeatsToday('add-gpus', context.capacityShortfallGpus)
  ) {
    actions.push(
      addGpus(context.capacityShortfallGpus, input, pools, 'target'),
    );
  }
  if (context.quotaShortfallGpus > 0) {
    const line = input.platformQuota;
    actions.push({
      kind: 'raise-platform-quota',
      for: 'target',
      gpus: context.quotaShortfallGpus,
      gpuType: input.gpuType,
      owner: line?.owner,
      from: line?.limit,
      to: line ? line.limit + context.quotaShortfallGpus : undefined,
      text: line
        ? `Raise the platform quota of ${line.owner} on ${input.gpuType} from ${
            line.limit
          } to ${line.limit + context.quotaShortfallGpus}.`
        : `Raise the platform quota on ${input.gpuType} by ${context.quotaShortfallGpus} GPUs.`,
    });
  }
  if (
    context.namespaceQuotaShortfallGpus > 0 &&
    !repeatsToday('raise-namespace-quota', context.namespaceQuotaShortfallGpus)
  ) {
    const action = raiseNamespaceQuota(
      context.namespaceQuotaShortfallGpus,
      quotas,
      'target',
      `${replicasNeeded} replicas at ${k}x load`,
    );
    if (action) actions.push(action);
  }
  return actions;
}

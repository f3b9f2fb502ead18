/**
 * What quota accounting needs to know about a workload.
 *
 * @public
 */
export interface QuotaWorkload {
  /** Stable id (e.g. `<cluster>/<namespace>/<kind>/<name>`), for evidence. */
  id: string;
  /** Owner group entity ref, e.g. `group:default/ml-platform`. */
  owner: string;
  /** GPU type key (product label, or `<label>-MIG-<profile>`: MIG profiles are their own GPU types). */
  gpuType: string;
  gpusPerReplica: number;
  /** Current replicas (spec.replicas). */
  replicas: number;
  /** The autoscaler that can scale the workload, if any. */
  autoscaler?: {
    kind: 'HorizontalPodAutoscaler' | 'ScaledObject' | string;
    maxReplicas: number;
  };
}

/**
 * A quota limit of one owner group on one GPU type.
 *
 * @public
 */
export interface QuotaLimit {
  owner: string;
  gpuType: string;
  /** GPUs the owner may hold. */
  limit: number;
}

/**
 * Reservation states: pending (held, workload not yet seen) → confirmed (workload appeared) | released | expired.
 *
 * @public
 */
export type ReservationState = 'pending' | 'confirmed' | 'released' | 'expired';

/**
 * A quota reservation as accounting sees it.
 *
 * @public
 */
export interface QuotaReservationLike {
  id: string;
  owner: string;
  gpuType: string;
  gpus: number;
  state: ReservationState;
}

/**
 * GPUs a workload is charged: GPUs per replica × the autoscaler ceiling (maxReplicas of its HPA or
 * ScaledObject), else × replicas — so scaling up can never exceed the quota.
 *
 * @public
 */
export function workloadCharge(
  workload: Pick<QuotaWorkload, 'gpusPerReplica' | 'replicas' | 'autoscaler'>,
): number {
  const replicas = workload.autoscaler
    ? Math.max(workload.autoscaler.maxReplicas, workload.replicas)
    : workload.replicas;
  return workload.gpusPerReplica * replicas;
}

/**
 * Key of a quota line: owner × GPU type.
 *
 * @public
 */
export function quotaKey(owner: string, gpuType: string): string {
  return `${owner}|${gpuType}`;
}

/**
 * An owner's standing on one GPU type.
 *
 * @public
 */
export interface QuotaStanding {
  owner: string;
  gpuType: string;
  /** Undefined when no limit is configured (requests are then refused). */
  limit?: number;
  /** GPUs charged to running workloads. */
  used: number;
  /** GPUs held by pending reservations. */
  reserved: number;
  /** limit − used − reserved (negative when over; undefined without a limit). */
  headroom?: number;
  overLimit: boolean;
  /**
   * Set when the limit is above what the pools of this GPU type can ever hold (their GPUs plus the growth room of
   * limited Karpenter pools) in the clusters the owner may deploy to (`clusters`): the quota promises GPUs that do
   * not exist.
   */
  exceedsCapacity?: { capacity: number; limit: number; clusters: string[] };
  /** Charge per workload, for the breakdown. */
  workloads: Array<{ id: string; charge: number }>;
}

/**
 * Builds the ledger: one standing per owner × GPU type that has a limit, a workload or a reservation. Only
 * pending reservations count as reserved (a confirmed one is already a workload; released and expired ones free
 * their GPUs).
 *
 * @public
 */
export function computeQuotaStandings(input: {
  limits: readonly QuotaLimit[];
  workloads: readonly QuotaWorkload[];
  reservations?: readonly QuotaReservationLike[];
}): QuotaStanding[] {
  const lines = new Map<string, QuotaStanding>();
  const line = (owner: string, gpuType: string) => {
    const key = quotaKey(owner, gpuType);
    let standing = lines.get(key);
    if (!standing) {
      standing = {
        owner,
        gpuType,
        used: 0,
        reserved: 0,
        overLimit: false,
        workloads: [],
      };
      lines.set(key, standing);
    }
    return standing;
  };
  for (const limit of input.limits) {
    line(limit.owner, limit.gpuType).limit = limit.limit;
  }
  for (const workload of input.workloads) {
    const charge = workloadCharge(workload);
    const standing = line(workload.owner, workload.gpuType);
    standing.used += charge;
    standing.workloads.push({ id: workload.id, charge });
  }
  for (const reservation of input.reservations ?? []) {
    if (reservation.state === 'pending') {
      line(reservation.owner, reservation.gpuType).reserved += reservation.gpus;
    }
  }
  const standings = [...lines.values()];
  for (const s of standings) {
    s.headroom =
      s.limit === undefined ? undefined : s.limit - s.used - s.reserved;
    s.overLimit = s.limit !== undefined && s.used + s.reserved > s.limit;
    s.workloads.sort((a, b) => b.charge - a.charge || a.id.localeCompare(b.id));
  }
  return standings.sort(
    (a, b) =>
      a.owner.localeCompare(b.owner) || a.gpuType.localeCompare(b.gpuType),
  );
}

/**
 * Answer of {@link checkQuotaRequest}: the verdict and the numbers it was made on.
 *
 * @public
 */
export interface QuotaDecision {
  admitted: boolean;
  /** Plain sentence with the numbers, fit to show the requester. */
  reason: string;
  /** Undefined when the owner has no quota line for the GPU type. */
  limit?: number;
  used: number;
  reserved: number;
  requested: number;
  /** Headroom left if admitted (or the shortfall, negative, if refused); undefined without a limit. */
  headroomAfter?: number;
}

/**
 * The admission rule: admits a request only when `used + reserved + requested ≤ limit`. No configured limit means
 * no quota: refused. Every place that admits GPUs (the store's reservation, the scaffolder's dry run) asks this.
 *
 * @public
 */
export function checkQuotaRequest(
  standing: Pick<
    QuotaStanding,
    'owner' | 'gpuType' | 'limit' | 'used' | 'reserved'
  >,
  requestedGpus: number,
): QuotaDecision {
  const { owner, gpuType, limit, used, reserved } = standing;
  const numbers = { limit, used, reserved, requested: requestedGpus };
  if (!Number.isFinite(requestedGpus) || requestedGpus < 0) {
    return {
      admitted: false,
      reason: `invalid request of ${requestedGpus} GPUs`,
      ...numbers,
    };
  }
  if (limit === undefined) {
    return {
      admitted: false,
      reason: `${owner} has no GPU quota for ${gpuType}; ask the platform team for one (requested ${requestedGpus})`,
      ...numbers,
    };
  }
  const total = used + reserved + requestedGpus;
  const after = limit - total;
  const sum = `used ${used} + reserved ${reserved} + requested ${requestedGpus} = ${total}`;
  return after >= 0
    ? {
        admitted: true,
        reason: `GPU quota of ${owner} for ${gpuType} fits: ${sum} <= limit ${limit} (${after} free after)`,
        ...numbers,
        headroomAfter: after,
      }
    : {
        admitted: false,
        reason: `GPU quota of ${owner} for ${gpuType} would be exceeded: ${sum} > limit ${limit} (${Math.max(
          0,
          limit - used - reserved,
        )} free)`,
        ...numbers,
        headroomAfter: after,
      };
}

/**
 * What happens to a reservation: its workload appears (`confirm`), its requester or an admin gives the GPUs back
 * (`release`), its TTL passes (`expire`), or the ledger janitor finds its confirmed workload gone (`vanish`).
 *
 * @public
 */
export type ReservationEvent = 'confirm' | 'release' | 'expire' | 'vanish';

/**
 * The reservation life cycle, one line per event: the state it applies to and the state it leads to. Pending
 * reservations are confirmed, released or expired; a confirmed one is released only when its workload is gone.
 *
 * @public
 */
export const RESERVATION_EVENTS: Readonly<
  Record<ReservationEvent, { from: ReservationState; to: ReservationState }>
> = {
  confirm: { from: 'pending', to: 'confirmed' },
  release: { from: 'pending', to: 'released' },
  expire: { from: 'pending', to: 'expired' },
  vanish: { from: 'confirmed', to: 'released' },
};

/**
 * What an event does to a reservation in state `from`: `move` to the event's state; `unchanged` when it is already
 * there (confirming or releasing twice is harmless) or, for `vanish`, when it is not confirmed (the janitor only
 * reconciles running workloads); `refused` otherwise (e.g. releasing a confirmed reservation, confirming an expired
 * one).
 *
 * @public
 */
export function reservationTransition(
  from: ReservationState,
  event: ReservationEvent,
): 'move' | 'unchanged' | 'refused' {
  const { from: source, to } = RESERVATION_EVENTS[event];
  if (from === source) return 'move';
  if (from === to || event === 'vanish') return 'unchanged';
  return 'refused';
}

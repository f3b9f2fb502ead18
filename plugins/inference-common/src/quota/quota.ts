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
 * Answer of {@link checkQuotaRequest}.
 *
 * @public
 */
export interface QuotaDecision {
  admitted: boolean;
  /** Plain sentence with the numbers. */
  reason: string;
  limit?: number;
  used: number;
  reserved: number;
  requested: number;
  /** Headroom left if admitted (or the shortfall, negative, if refused). */
  headroomAfter?: number;
}

/**
 * Admits a request only when `used + reserved + request ≤ limit`. No configured limit means no quota: refused.
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
  const { limit, used, reserved } = standing;
  if (!Number.isFinite(requestedGpus) || requestedGpus < 0) {
    return {
      admitted: false,
      reason: `invalid request of ${requestedGpus} GPUs`,
      limit,
      used,
      reserved,
      requested: requestedGpus,
    };
  }
  if (limit === undefined) {
    return {
      admitted: false,
      reason: `${standing.owner} has no quota for ${standing.gpuType}: ask the platform team for one`,
      used,
      reserved,
      requested: requestedGpus,
    };
  }
  const after = limit - used - reserved - requestedGpus;
  const numbers = `${used} used + ${reserved} reserved + ${requestedGpus} requested = ${
    used + reserved + requestedGpus
  } of ${limit}`;
  return after >= 0
    ? {
        admitted: true,
        reason: `fits: ${numbers} ${standing.gpuType} GPUs`,
        limit,
        used,
        reserved,
        requested: requestedGpus,
        headroomAfter: after,
      }
    : {
        admitted: false,
        reason: `over quota by ${-after}: ${numbers} ${standing.gpuType} GPUs`,
        limit,
        used,
        reserved,
        requested: requestedGpus,
        headroomAfter: after,
      };
}

/**
 * Allowed reservation transitions: pending → confirmed | released | expired; confirmed → released.
 *
 * @public
 */
export function canTransitionReservation(
  from: ReservationState,
  to: ReservationState,
): boolean {
  if (from === 'pending')
    return to === 'confirmed' || to === 'released' || to === 'expired';
  if (from === 'confirmed') return to === 'released';
  return false;
}

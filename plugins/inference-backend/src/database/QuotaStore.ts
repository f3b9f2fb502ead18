import {
  QuotaDecision,
  ReservationState,
} from '@inference-platform/plugin-inference-common';

/**
 * A team's GPU quota for one GPU type.
 *
 * @public
 */
export interface QuotaRecord {
  ownerRef: string;
  gpuType: string;
  limit: number;
  updatedBy: string;
  updatedAt: Date;
}

/**
 * One change of a quota, as kept in the audit log.
 *
 * @public
 */
export interface QuotaAuditRecord {
  /** Position in the log (ascending); pages continue after it. */
  id: number;
  ownerRef: string;
  gpuType: string;
  previousLimit: number | null;
  /** The limit after the change; null when the line was removed. */
  newLimit: number | null;
  changedBy: string;
  reason?: string;
  changedAt: Date;
}

/**
 * GPUs set aside for a service that is being created.
 *
 * @public
 */
export interface ReservationRecord {
  id: string;
  ownerRef: string;
  gpuType: string;
  gpuCount: number;
  status: ReservationState;
  requester: string;
  idempotencyKey?: string;
  entityRef?: string;
  cluster?: string;
  namespace?: string;
  workloadName?: string;
  reason?: string;
  createdAt: Date;
  expiresAt: Date;
  resolvedAt?: Date;
}

/**
 * A reservation request.
 *
 * @public
 */
export interface ReserveRequest {
  ownerRef: string;
  gpuType: string;
  gpuCount: number;
  ttlSeconds: number;
  requester: string;
  idempotencyKey?: string;
  entityRef?: string;
  cluster?: string;
  namespace?: string;
  workloadName?: string;
}

/**
 * GPUs an owner holds right now for one GPU type, from the tracked workloads (charged at autoscaler ceiling).
 * Called inside the reservation transaction, so it must be a cheap in-memory read.
 *
 * @public
 */
export type LiveUsage = (ownerRef: string, gpuType: string) => number;

/**
 * Quotas, their audit log and the reservation ledger.
 *
 * @public
 */
export interface QuotaStore {
  listQuotas(filter?: { ownerRef?: string }): Promise<QuotaRecord[]>;
  /** Sets a quota and appends the change to the audit log in one transaction. */
  setQuota(change: {
    ownerRef: string;
    gpuType: string;
    limit: number;
    changedBy: string;
    reason?: string;
    now?: Date;
  }): Promise<QuotaRecord>;
  /**
   * Removes a quota line and appends the removal (new limit null) to the audit log, in one transaction. While GPUs of
   * the line are held (charged to running workloads, or by pending reservations) it is refused with a
   * `ConflictError` that says by what, unless `force`. Returns the removed line; undefined when there was none.
   */
  removeQuota(
    change: {
      ownerRef: string;
      gpuType: string;
      changedBy: string;
      reason?: string;
      force?: boolean;
      now?: Date;
    },
    liveUsage: LiveUsage,
  ): Promise<QuotaRecord | undefined>;
  /** Changes of an owner's quotas, oldest first; at most `limit`, after the change `afterId` when given. */
  listQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
    limit?: number;
    afterId?: number;
  }): Promise<QuotaAuditRecord[]>;
  /** How many changes {@link QuotaStore.listQuotaAudit} would list without a limit. */
  countQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
  }): Promise<number>;

  /**
   * Reserves GPUs if common's admission rule ({@link @inference-platform/plugin-inference-common#checkQuotaRequest})
   * admits them, checked and written in one serialized transaction.
   * Returns the existing reservation for an idempotency key the same requester already used for the same owner. Throws `QuotaExceededError` when it does not fit.
   */
  reserve(
    request: ReserveRequest,
    liveUsage: LiveUsage,
    now?: Date,
  ): Promise<{
    reservation: ReservationRecord;
    decision?: QuotaDecision;
    replayed: boolean;
  }>;
  getReservation(id: string): Promise<ReservationRecord | undefined>;
  /**
   * Reservations, newest first (by creation time, then id); at most `limit`, those after the reservation `after`
   * names when given.
   */
  listReservations(filter?: {
    ownerRef?: string;
    status?: ReservationState[];
    limit?: number;
    after?: { createdAt: Date; id: string };
  }): Promise<ReservationRecord[]>;
  /** How many reservations {@link QuotaStore.listReservations} would list without a limit. */
  countReservations(filter?: {
    ownerRef?: string;
    status?: ReservationState[];
  }): Promise<number>;
  /** Gives pending GPUs back. Returns the reservation as it is afterwards. */
  release(id: string, by: string, now?: Date): Promise<ReservationRecord>;
  /** Marks a pending reservation as fulfilled by a workload now running. */
  confirm(
    id: string,
    workload: { cluster: string; namespace: string; name: string },
    now?: Date,
  ): Promise<ReservationRecord>;
  /**
   * Releases a confirmed reservation whose workload is gone (the ledger janitor's reconciliation), recording why.
   * A reservation no longer confirmed is returned as it is.
   */
  releaseVanished(
    id: string,
    reason: string,
    now?: Date,
  ): Promise<ReservationRecord>;
  /** Expires every pending reservation past its TTL; returns how many. */
  expirePending(now?: Date): Promise<number>;
  /** GPUs held by pending, unexpired reservations, per owner and GPU type. */
  sumPending(
    now?: Date,
  ): Promise<Array<{ ownerRef: string; gpuType: string; gpus: number }>>;
}

import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  checkQuotaRequest,
  QuotaDecision,
  RESERVATION_EVENTS,
  ReservationEvent,
  ReservationState,
  reservationTransition,
} from '@inference-platform/plugin-inference-common';
import {
  LiveUsage,
  QuotaAuditRecord,
  QuotaRecord,
  QuotaStore,
  ReservationRecord,
  ReserveRequest,
} from './QuotaStore';
import { inRetriedTransaction, isPostgres, toDate } from './transactions';

type QuotaRow = {
  owner_ref: string;
  gpu_type: string;
  gpu_limit: number;
  updated_by: string;
  updated_at: string | Date;
};

type AuditRow = {
  id: number | string;
  owner_ref: string;
  gpu_type: string;
  previous_limit: number | null;
  new_limit: number | null;
  changed_by: string;
  reason: string | null;
  changed_at: string | Date;
};

type ReservationRow = {
  id: string;
  owner_ref: string;
  gpu_type: string;
  gpu_count: number;
  status: ReservationState;
  requester: string;
  idempotency_key: string | null;
  entity_ref: string | null;
  cluster: string | null;
  namespace: string | null;
  workload_name: string | null;
  reason: string | null;
  created_at: string | Date;
  expires_at: string | Date;
  resolved_at: string | Date | null;
};

const MAX_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Knex implementation of {@link QuotaStore}. Reservations for one owner and GPU type are serialized by a row lock on
 * the quota (PostgreSQL) or by SQLite's single writer, so two concurrent requests can never both take the last GPUs.
 *
 * @public
 */
export class DatabaseQuotaStore implements QuotaStore {
  constructor(private readonly db: Knex) {}

  async listQuotas(filter?: { ownerRef?: string }): Promise<QuotaRecord[]> {
    const query = this.db<QuotaRow>('inference_quotas').orderBy([
      'owner_ref',
      'gpu_type',
    ]);
    if (filter?.ownerRef) query.where('owner_ref', filter.ownerRef);
    return (await query).map(toQuota);
  }

  async setQuota(change: {
    ownerRef: string;
    gpuType: string;
    limit: number;
    changedBy: string;
    reason?: string;
    now?: Date;
  }): Promise<QuotaRecord> {
    if (!Number.isInteger(change.limit) || change.limit < 0) {
      throw new InputError(
        `GPU quota limit must be a whole number >= 0, got ${change.limit}`,
      );
    }
    const now = change.now ?? new Date();
    return inRetriedTransaction(this.db, async tx => {
      const previous = await this.lockQuota(
        tx,
        change.ownerRef,
        change.gpuType,
      );
      const row = {
        owner_ref: change.ownerRef,
        gpu_type: change.gpuType,
        gpu_limit: change.limit,
        updated_by: change.changedBy,
        updated_at: now,
      };
      await tx('inference_quotas')
        .insert(row)
        .onConflict(['owner_ref', 'gpu_type'])
        .merge(['gpu_limit', 'updated_by', 'updated_at']);
      await tx('inference_quota_audit').insert({
        owner_ref: change.ownerRef,
        gpu_type: change.gpuType,
        previous_limit: previous?.gpu_limit ?? null,
        new_limit: change.limit,
        changed_by: change.changedBy,
        reason: change.reason ?? null,
        changed_at: now,
      });
      return toQuota(row);
    });
  }

  async removeQuota(
    change: {
      ownerRef: string;
      gpuType: string;
      changedBy: string;
      reason?: string;
      force?: boolean;
      now?: Date;
    },
    liveUsage: LiveUsage,
  ): Promise<QuotaRecord | undefined> {
    const now = change.now ?? new Date();
    return inRetriedTransaction(this.db, async tx => {
      const line = await this.lockQuota(tx, change.ownerRef, change.gpuType);
      if (!line) return undefined;
      if (!change.force) {
        const reservedRow = await tx('inference_reservations')
          .where({
            owner_ref: change.ownerRef,
            gpu_type: change.gpuType,
            status: 'pending',
          })
          .andWhere('expires_at', '>', now)
          .sum({ total: 'gpu_count' })
          .first();
        const used = liveUsage(change.ownerRef, change.gpuType);
        const reserved = Number(reservedRow?.total ?? 0);
        if (used + reserved > 0) {
          throw new ConflictError(
            `${change.ownerRef} holds ${used + reserved} x ${
              change.gpuType
            } on this quota (${used} charged to running workloads, ${reserved} by pending reservations): remove the line once they are gone, or with force=true (what runs keeps running without a quota; new reservations are refused)`,
          );
        }
      }
      await tx('inference_quotas')
        .where({ owner_ref: change.ownerRef, gpu_type: change.gpuType })
        .delete();
      await tx('inference_quota_audit').insert({
        owner_ref: change.ownerRef,
        gpu_type: change.gpuType,
        previous_limit: line.gpu_limit,
        new_limit: null,
        changed_by: change.changedBy,
        reason: change.reason ?? null,
        changed_at: now,
      });
      return toQuota(line);
    });
  }

  async listQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
    limit?: number;
    afterId?: number;
  }): Promise<QuotaAuditRecord[]> {
    const query = this.auditQuery(filter).orderBy('id', 'asc');
    if (filter.afterId !== undefined) query.where('id', '>', filter.afterId);
    if (filter.limit !== undefined) query.limit(filter.limit);
    return (await query).map(row => ({
      id: Number(row.id),
      ownerRef: row.owner_ref,
      gpuType: row.gpu_type,
      previousLimit: row.previous_limit,
      newLimit: row.new_limit === null ? null : Number(row.new_limit),
      changedBy: row.changed_by,
      reason: row.reason ?? undefined,
      changedAt: toDate(row.changed_at),
    }));
  }

  async countQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
  }): Promise<number> {
    const row = await this.auditQuery(filter).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  private auditQuery(filter: { ownerRef: string; gpuType?: string }) {
    const query = this.db<AuditRow>('inference_quota_audit').where(
      'owner_ref',
      filter.ownerRef,
    );
    if (filter.gpuType) query.where('gpu_type', filter.gpuType);
    return query;
  }

  async reserve(
    request: ReserveRequest,
    liveUsage: LiveUsage,
    now: Date = new Date(),
  ): Promise<{
    reservation: ReservationRecord;
    decision?: QuotaDecision;
    replayed: boolean;
  }> {
    validateReserveRequest(request);
    return inRetriedTransaction(this.db, async tx => {
      // Lock first: every later read of this transaction sees what the previous holder committed.
      const quota = await this.lockQuota(tx, request.ownerRef, request.gpuType);

      if (request.idempotencyKey) {
        // a key is the requester's own, per owner: someone else's key is no key at all to this request
        const existing = await tx<ReservationRow>('inference_reservations')
          .where({
            owner_ref: request.ownerRef,
            requester: request.requester,
            idempotency_key: request.idempotencyKey,
          })
          .first();
        if (existing) {
          assertSameRequest(existing, request);
          return { reservation: toReservation(existing), replayed: true };
        }
      }

      const reservedRow = await tx('inference_reservations')
        .where({
          owner_ref: request.ownerRef,
          gpu_type: request.gpuType,
          status: 'pending',
        })
        .andWhere('expires_at', '>', now)
        .sum({ total: 'gpu_count' })
        .first();
      const decision = checkQuotaRequest(
        {
          owner: request.ownerRef,
          gpuType: request.gpuType,
          limit: quota ? Number(quota.gpu_limit) : undefined,
          used: liveUsage(request.ownerRef, request.gpuType),
          reserved: Number(reservedRow?.total ?? 0),
        },
        request.gpuCount,
      );
      if (!decision.admitted) throw new ConflictError(decision.reason);

      const row: ReservationRow = {
        id: randomUUID(),
        owner_ref: request.ownerRef,
        gpu_type: request.gpuType,
        gpu_count: request.gpuCount,
        status: 'pending',
        requester: request.requester,
        idempotency_key: request.idempotencyKey ?? null,
        entity_ref: request.entityRef ?? null,
        cluster: request.cluster ?? null,
        namespace: request.namespace ?? null,
        workload_name: request.workloadName ?? null,
        reason: null,
        created_at: now,
        expires_at: new Date(now.getTime() + request.ttlSeconds * 1000),
        resolved_at: null,
      };
      await tx('inference_reservations').insert(row);
      return { reservation: toReservation(row), decision, replayed: false };
    });
  }

  async getReservation(id: string): Promise<ReservationRecord | undefined> {
    const row = await this.db<ReservationRow>('inference_reservations')
      .where('id', id)
      .first();
    return row ? toReservation(row) : undefined;
  }

  async listReservations(filter?: {
    ownerRef?: string;
    status?: ReservationState[];
    limit?: number;
    after?: { createdAt: Date; id: string };
  }): Promise<ReservationRecord[]> {
    const query = this.reservationQuery(filter).orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    const after = filter?.after;
    if (after) {
      // keyset paging: stable while reservations are added in front
      query.where(q =>
        q
          .where('created_at', '<', after.createdAt)
          .orWhere(tie =>
            tie
              .where('created_at', after.createdAt)
              .andWhere('id', '<', after.id),
          ),
      );
    }
    if (filter?.limit !== undefined) query.limit(filter.limit);
    return (await query).map(toReservation);
  }

  async countReservations(filter?: {
    ownerRef?: string;
    status?: ReservationState[];
  }): Promise<number> {
    const row = await this.reservationQuery(filter).count({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  private reservationQuery(filter?: {
    ownerRef?: string;
    status?: ReservationState[];
  }) {
    const query = this.db<ReservationRow>('inference_reservations');
    if (filter?.ownerRef) query.where('owner_ref', filter.ownerRef);
    if (filter?.status?.length) query.whereIn('status', filter.status);
    return query;
  }

  async release(
    id: string,
    by: string,
    now: Date = new Date(),
  ): Promise<ReservationRecord> {
    return this.resolve(id, now, 'release', row => ({
      reason: `released by ${by}`,
      refusal: `Reservation ${id} is ${row.status} and can no longer be released`,
    }));
  }

  async confirm(
    id: string,
    workload: { cluster: string; namespace: string; name: string },
    now: Date = new Date(),
  ): Promise<ReservationRecord> {
    return this.resolve(id, now, 'confirm', row => ({
      reason: `workload ${workload.cluster}/${workload.namespace}/${workload.name} is running`,
      refusal: `Reservation ${id} is ${row.status}; a workload cannot confirm it`,
      changes: {
        cluster: workload.cluster,
        namespace: workload.namespace,
        workload_name: workload.name,
      },
    }));
  }

  async releaseVanished(
    id: string,
    reason: string,
    now: Date = new Date(),
  ): Promise<ReservationRecord> {
    return this.resolve(id, now, 'vanish', () => ({ reason }));
  }

  async expirePending(now: Date = new Date()): Promise<number> {
    const { from, to } = RESERVATION_EVENTS.expire;
    return this.db('inference_reservations')
      .where('status', from)
      .andWhere('expires_at', '<=', now)
      .update({
        status: to,
        reason: 'TTL passed before the workload appeared',
        resolved_at: now,
      });
  }

  async sumPending(
    now: Date = new Date(),
  ): Promise<Array<{ ownerRef: string; gpuType: string; gpus: number }>> {
    const rows = await this.db('inference_reservations')
      .select('owner_ref', 'gpu_type')
      .sum({ gpus: 'gpu_count' })
      .where('status', 'pending')
      .andWhere('expires_at', '>', now)
      .groupBy('owner_ref', 'gpu_type');
    return rows.map((row: any) => ({
      ownerRef: row.owner_ref,
      gpuType: row.gpu_type,
      gpus: Number(row.gpus),
    }));
  }

  private async lockQuota(
    tx: Knex.Transaction,
    ownerRef: string,
    gpuType: string,
  ): Promise<QuotaRow | undefined> {
    const query = tx<QuotaRow>('inference_quotas').where({
      owner_ref: ownerRef,
      gpu_type: gpuType,
    });
    // forUpdate() is a no-op on SQLite, whose single writer serializes these transactions instead
    if (isPostgres(this.db)) query.forUpdate();
    return query.first();
  }

  /**
   * Applies one life-cycle event to a reservation under a row lock, as common's {@link reservationTransition} allows:
   * moved (with `reason` and `changes`), returned as it is, or refused with `refusal`.
   */
  private async resolve(
    id: string,
    now: Date,
    event: ReservationEvent,
    describe: (row: ReservationRow) => {
      reason: string;
      refusal?: string;
      changes?: Partial<ReservationRow>;
    },
  ): Promise<ReservationRecord> {
    return inRetriedTransaction(this.db, async tx => {
      const query = tx<ReservationRow>('inference_reservations').where(
        'id',
        id,
      );
      if (isPostgres(this.db)) query.forUpdate();
      const row = await query.first();
      if (!row) throw new NotFoundError(`No reservation ${id}`);
      const outcome = reservationTransition(row.status, event);
      if (outcome === 'unchanged') return toReservation(row);
      const { reason, refusal, changes: extra } = describe(row);
      if (outcome === 'refused') {
        throw new ConflictError(
          refusal ?? `Reservation ${id} is ${row.status}: cannot ${event} it`,
        );
      }
      const changes: Partial<ReservationRow> = {
        ...extra,
        status: RESERVATION_EVENTS[event].to,
        reason,
      };
      const updated = { ...row, ...changes, resolved_at: now };
      await tx('inference_reservations')
        .where('id', id)
        .update({ ...changes, resolved_at: now });
      return toReservation(updated);
    });
  }
}

function validateReserveRequest(request: ReserveRequest) {
  if (!Number.isInteger(request.gpuCount) || request.gpuCount < 1) {
    throw new InputError(
      `gpuCount must be a whole number >= 1, got ${request.gpuCount}`,
    );
  }
  if (
    !Number.isFinite(request.ttlSeconds) ||
    request.ttlSeconds < 1 ||
    request.ttlSeconds > MAX_TTL_SECONDS
  ) {
    throw new InputError(
      `ttlSeconds must be between 1 and ${MAX_TTL_SECONDS}, got ${request.ttlSeconds}`,
    );
  }
}

function assertSameRequest(existing: ReservationRow, request: ReserveRequest) {
  if (
    existing.owner_ref !== request.ownerRef ||
    existing.gpu_type !== request.gpuType ||
    Number(existing.gpu_count) !== request.gpuCount
  ) {
    throw new ConflictError(
      `Idempotency key ${request.idempotencyKey} was already used for ${existing.gpu_count} x ${existing.gpu_type} for ${existing.owner_ref}`,
    );
  }
}

function toQuota(row: QuotaRow): QuotaRecord {
  return {
    ownerRef: row.owner_ref,
    gpuType: row.gpu_type,
    limit: Number(row.gpu_limit),
    updatedBy: row.updated_by,
    updatedAt: toDate(row.updated_at),
  };
}

function toReservation(row: ReservationRow): ReservationRecord {
  return {
    id: row.id,
    ownerRef: row.owner_ref,
    gpuType: row.gpu_type,
    gpuCount: Number(row.gpu_count),
    status: row.status,
    requester: row.requester,
    idempotencyKey: row.idempotency_key ?? undefined,
    entityRef: row.entity_ref ?? undefined,
    cluster: row.cluster ?? undefined,
    namespace: row.namespace ?? undefined,
    workloadName: row.workload_name ?? undefined,
    reason: row.reason ?? undefined,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
    resolvedAt: row.resolved_at ? toDate(row.resolved_at) : undefined,
  };
}

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  InferenceStore,
  QuotaAuditRecord,
  QuotaRecord,
} from './InferenceStore';

const migrationsDir = resolvePackagePath(
  '@inference-platform/plugin-inference-backend',
  'migrations',
);

const MIGRATIONS_TABLE = 'inference_knex_migrations';

type QuotaRow = {
  owner_ref: string;
  gpu_type: string;
  gpu_limit: number;
  updated_by: string;
  updated_at: string | Date;
};

type AuditRow = {
  owner_ref: string;
  gpu_type: string;
  previous_limit: number | null;
  new_limit: number;
  changed_by: string;
  reason: string | null;
  changed_at: string | Date;
};

/**
 * Knex implementation of {@link InferenceStore}; runs on SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseInferenceStore implements InferenceStore {
  /** Connects through the Backstage database service and applies migrations unless they are skipped. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseInferenceStore> {
    const client = await options.database.getClient();
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      await DatabaseInferenceStore.migrateUp(client);
    }
    return new DatabaseInferenceStore(client);
  }

  /** Applies every pending migration. */
  static async migrateUp(client: Knex): Promise<void> {
    await client.migrate.latest({
      directory: migrationsDir,
      tableName: MIGRATIONS_TABLE,
    });
  }

  /** Rolls every migration back (tests and uninstall). */
  static async migrateDownAll(client: Knex): Promise<void> {
    await client.migrate.rollback(
      { directory: migrationsDir, tableName: MIGRATIONS_TABLE },
      true,
    );
  }

  private constructor(private readonly db: Knex) {}

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async latestMigration(): Promise<string | undefined> {
    const done = await this.db.migrate.list({
      directory: migrationsDir,
      tableName: MIGRATIONS_TABLE,
    });
    const applied: Array<{ name?: string; file?: string } | string> = done[0];
    const last = applied[applied.length - 1];
    if (!last) return undefined;
    return typeof last === 'string' ? last : last.name ?? last.file;
  }

  async listQuotas(filter?: { ownerRef?: string }): Promise<QuotaRecord[]> {
    const query = this.db<QuotaRow>('inference_quotas').orderBy([
      'owner_ref',
      'gpu_type',
    ]);
    if (filter?.ownerRef) query.where('owner_ref', filter.ownerRef);
    const rows = await query;
    return rows.map(toQuota);
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
    return this.db.transaction(async tx => {
      const previous = await tx<QuotaRow>('inference_quotas')
        .where({ owner_ref: change.ownerRef, gpu_type: change.gpuType })
        .first();
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

  async listQuotaAudit(filter: {
    ownerRef: string;
    gpuType?: string;
  }): Promise<QuotaAuditRecord[]> {
    const query = this.db<AuditRow>('inference_quota_audit')
      .where('owner_ref', filter.ownerRef)
      .orderBy('id', 'asc');
    if (filter.gpuType) query.where('gpu_type', filter.gpuType);
    const rows = await query;
    return rows.map(row => ({
      ownerRef: row.owner_ref,
      gpuType: row.gpu_type,
      previousLimit: row.previous_limit,
      newLimit: row.new_limit,
      changedBy: row.changed_by,
      reason: row.reason ?? undefined,
      changedAt: toDate(row.changed_at),
    }));
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

// SQLite returns timestamps as epoch numbers or strings, PostgreSQL as Date.
function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

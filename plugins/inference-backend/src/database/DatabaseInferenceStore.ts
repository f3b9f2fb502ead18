import {
  DatabaseService,
  LoggerService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { routeKnexWarnings } from './connectionLoss';
import { DatabaseQuotaStore } from './DatabaseQuotaStore';
import { DatabaseUsageStore } from './DatabaseUsageStore';
import { InferenceStore } from './InferenceStore';

const migrationsDir = resolvePackagePath(
  '@inference-platform/plugin-inference-backend',
  'migrations',
);

const MIGRATIONS_TABLE = 'inference_knex_migrations';

/**
 * SQLite (the embedded default) writes one transaction at a time, so every reservation waits for the commits ahead of
 * it. Write-ahead logging lets readers run beside the writer, and `synchronous = NORMAL` syncs the log at checkpoints
 * instead of at every commit: a process crash loses nothing, a power cut can lose the last commits (use PostgreSQL
 * where that matters). In-memory databases keep their own journal.
 */
async function tuneSqlite(client: Knex): Promise<void> {
  if (!String(client.client.config.client).includes('sqlite')) return;
  await client.raw('PRAGMA journal_mode = WAL');
  await client.raw('PRAGMA synchronous = NORMAL');
}

/**
 * Knex implementation of {@link InferenceStore}; runs on SQLite and PostgreSQL.
 *
 * @public
 */
export class DatabaseInferenceStore implements InferenceStore {
  /**
   * Connects through the Backstage database service and applies migrations unless they are skipped. With a logger,
   * knex's own warnings go to it instead of stdout (see routeKnexWarnings).
   */
  static async create(options: {
    database: DatabaseService;
    logger?: LoggerService;
    skipMigrations?: boolean;
  }): Promise<DatabaseInferenceStore> {
    const client = await options.database.getClient();
    if (options.logger) routeKnexWarnings(client, options.logger);
    const skip =
      options.skipMigrations ?? options.database.migrations?.skip ?? false;
    if (!skip) {
      await DatabaseInferenceStore.migrateUp(client);
    }
    await tuneSqlite(client);
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

  readonly quotas: DatabaseQuotaStore;
  readonly usage: DatabaseUsageStore;

  private constructor(private readonly db: Knex) {
    this.quotas = new DatabaseQuotaStore(db);
    this.usage = new DatabaseUsageStore(db);
  }

  async ping(): Promise<void> {
    await this.db.raw('select 1');
  }

  async latestMigration(): Promise<string | undefined> {
    const [applied]: [Array<{ name?: string; file?: string } | string>] =
      await this.db.migrate.list({
        directory: migrationsDir,
        tableName: MIGRATIONS_TABLE,
      });
    const last = applied[applied.length - 1];
    if (!last) return undefined;
    return typeof last === 'string' ? last : last.name ?? last.file;
  }
}

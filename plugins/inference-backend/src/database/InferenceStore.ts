import { QuotaStore } from './QuotaStore';
import { UsageStore } from './UsageStore';

export * from './QuotaStore';
export * from './UsageStore';

/**
 * Persistence of the inference backend: the quota ledger and usage history, in one database.
 *
 * @public
 */
export interface InferenceStore {
  quotas: QuotaStore;
  usage: UsageStore;
  /** Pings the database; used by the health route. */
  ping(): Promise<void>;
  /** Name of the newest applied migration, if any. */
  latestMigration(): Promise<string | undefined>;
}

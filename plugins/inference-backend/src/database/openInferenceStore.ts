import {
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { InferenceOptions } from '../options';
import { seedQuotas } from '../service/seedQuotas';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';
import { guardStore, StoreAvailability } from './StoreAvailability';

/**
 * The plugin's store: migrated, seeded with the configured quota lines, and guarded so every operation notices and
 * waits out a database outage the same way (503, one log line).
 */
export async function openInferenceStore(deps: {
  database: DatabaseService;
  logger: LoggerService;
  lifecycle: LifecycleService;
  quotas: InferenceOptions['quotas'];
}) {
  const { logger } = deps;
  const databaseStore = await DatabaseInferenceStore.create({
    database: deps.database,
    logger,
  });
  await seedQuotas(databaseStore, deps.quotas, logger);
  const availability = StoreAvailability.create({
    logger,
    ping: () => databaseStore.ping(),
  });
  deps.lifecycle.addShutdownHook(() => availability.stop());
  return { store: guardStore(databaseStore, availability), availability };
}

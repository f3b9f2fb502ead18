import {
  AuthService,
  DatabaseService,
  LifecycleService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  configureGpuCatalog,
  readClusterConnections,
  readTenancyTeams,
} from '@inference-platform/plugin-inference-node';
import { openInferenceStore } from './database/openInferenceStore';
import { MetricsCache } from './metrics/MetricsCache';
import { readInferenceOptions } from './options';
import { QuotaLedger } from './quota/QuotaLedger';
import { CatalogLinks } from './service/catalogLink';
import { FleetCache, fleetCacheOptions } from './tracking/FleetCache';
import { WorkloadModel } from './workloads/WorkloadModel';

/**
 * The plugin's sources of truth, in the order data flows: config, the store, the fleet's watch caches, the workload
 * model derived from them and the catalog links, the metrics cache, the quota ledger. Started and stopped with the
 * backend.
 */
export async function createInferenceCore(deps: {
  config: RootConfigService;
  database: DatabaseService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  catalog: CatalogService;
  auth: AuthService;
}) {
  const { config, lifecycle, logger } = deps;
  // each reader fails here, at startup, naming the broken config field
  configureGpuCatalog(config);
  const options = readInferenceOptions(config);
  const clusters = readClusterConnections(config);
  const { store, availability } = await openInferenceStore({
    ...deps,
    quotas: options.quotas,
  });
  const fleet = new FleetCache(
    clusters,
    logger,
    fleetCacheOptions(options.tracking),
  );
  const workloads = new WorkloadModel(fleet, logger);
  lifecycle.addStartupHook(() => fleet.start());
  lifecycle.addShutdownHook(() => {
    fleet.stop();
    workloads.stop();
  });
  const catalogLinks = CatalogLinks.create({
    catalog: deps.catalog,
    auth: deps.auth,
    tracker: workloads,
    tenancy: readTenancyTeams(config),
    logger,
  });
  const metrics = new MetricsCache(store.usage);
  const ledger = new QuotaLedger({ store, workloads, logger });
  return {
    options,
    clusters,
    store,
    availability,
    fleet,
    workloads,
    catalogLinks,
    metrics,
    ledger,
  };
}

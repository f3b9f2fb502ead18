import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { inferencePermissions } from '@inference-platform/plugin-inference-common';
import {
  readClusterConnections,
  readClusterPlatforms,
  readTenancyTeams,
} from '@inference-platform/plugin-inference-node';
import { DatabaseInferenceStore } from './database/DatabaseInferenceStore';
import { guardStore, StoreAvailability } from './database/StoreAvailability';
import { DirectScrapeSource } from './metrics/DirectScrapeSource';
import { MetricsCache } from './metrics/MetricsCache';
import { MetricsSource } from './metrics/MetricsSource';
import { PrometheusSource } from './metrics/PrometheusSource';
import { UsageSampler } from './metrics/UsageSampler';
import { readInferenceOptions } from './options';
import { Access } from './service/access';
import {
  CatalogLinks,
  createEntityLookup,
  createGroupLookup,
} from './service/catalogLink';
import {
  reconcileReservations,
  settleReservations,
} from './service/ledgerJanitor';
import { createNothingRunningExplainer } from './service/nothingRunning';
import { createRouter } from './service/router';
import { seedQuotas } from './service/seedQuotas';
import { SummaryService } from './service/SummaryService';
import { InferenceTracker } from './tracking/InferenceTracker';

/**
 * The inference backend plugin: tracks GPU model services across clusters, stores usage and enforces GPU quotas.
 *
 * @public
 */
export const inferencePlugin = createBackendPlugin({
  pluginId: 'inference',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        config: coreServices.rootConfig,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init(deps) {
        const { logger, config, scheduler } = deps;
        // both fail here, at startup, naming the broken config field
        const options = readInferenceOptions(config);
        const clusters = readClusterConnections(config);
        const tenancyTeams = readTenancyTeams(config);
        const platforms = readClusterPlatforms(config);

        const databaseStore = await DatabaseInferenceStore.create({
          database: deps.database,
          logger,
        });
        await seedQuotas(databaseStore, options.quotas, logger);
        // from here on every store operation notices and waits out a database outage the same way (503, one log line)
        const availability = StoreAvailability.create({
          logger,
          ping: () => databaseStore.ping(),
        });
        deps.lifecycle.addShutdownHook(() => availability.stop());
        const store = guardStore(databaseStore, availability);
        deps.permissionsRegistry.addPermissions(inferencePermissions);

        const tracker = new InferenceTracker(clusters, logger, {
          cluster: {
            probeIntervalMs: options.tracking.probeIntervalMs,
            probeTimeoutMs: options.tracking.probeTimeoutMs,
            reflector: {
              silentWatchMs: options.tracking.silentWatchMs,
              watchTimeoutSeconds: options.tracking.watchTimeoutSeconds,
              pageSize: options.tracking.pageSize,
            },
          },
        });
        const metrics = new MetricsCache(store.usage);
        tracker.setMetrics(metrics.series);
        deps.lifecycle.addStartupHook(() => {
          tracker.start();
          logger.info(
            `Tracking ${clusters.length} cluster(s): ${
              clusters.map(c => c.name).join(', ') || 'none'
            }`,
          );
        });
        deps.lifecycle.addShutdownHook(() => tracker.stop());

        // the whole catalog on a schedule; an entity a page asks about and the index does not link yet, at once
        const catalogLinks = CatalogLinks.create({
          catalog: deps.catalog,
          auth: deps.auth,
          tracker,
          tenancy: tenancyTeams,
          logger,
        });
        await scheduler.scheduleTask({
          id: 'inference-catalog-links',
          frequency: { seconds: options.catalogRefreshSeconds },
          timeout: { seconds: 60 },
          scope: 'local',
          fn: () => catalogLinks.refresh(),
        });

        const summaries = new SummaryService({
          tracker,
          store,
          metrics,
          options,
          entityExists: createEntityLookup(deps.catalog, deps.auth),
          explainNothingRunning: createNothingRunningExplainer({
            tracker,
            store,
            newSince: ref => catalogLinks.newSince(ref),
          }),
        });

        await scheduler.scheduleTask({
          id: 'inference-ledger-janitor',
          frequency: { seconds: 10 },
          timeout: { seconds: 30 },
          scope: 'global',
          fn: availability.task(async () => {
            const settled = await settleReservations({
              store,
              tracker,
              logger,
            });
            // confirmed reservations whose workload a synced cluster no longer runs (e.g. deleted while down)
            const reconciled = await reconcileReservations({
              store,
              tracker,
              logger,
            });
            if (settled.confirmed || settled.expired || reconciled.released)
              summaries.ledgerChanged();
          }),
        });
        await scheduler.scheduleTask({
          id: 'inference-usage-retention',
          frequency: { hours: 1 },
          timeout: { minutes: 10 },
          scope: 'global',
          fn: availability.task(async () => {
            await store.usage.applyRetention({
              now: new Date(),
              sampleRetentionDays: options.retention.sampleDays,
              dailyRetentionDays: options.retention.dailyDays,
              metricsRetentionHours: options.retention.metricsHours,
            });
          }),
        });

        if (options.sampler.enabled) {
          const source: MetricsSource =
            options.sampler.source === 'prometheus'
              ? new PrometheusSource({
                  baseUrl: options.sampler.prometheusUrl!,
                  logger,
                  timeoutMs: options.sampler.timeoutSeconds * 1000,
                  clusterLabel: config.getOptionalString(
                    'inference.metrics.clusterLabel',
                  ),
                  singleCluster:
                    clusters.length === 1 ? clusters[0].name : undefined,
                })
              : new DirectScrapeSource({
                  clusters,
                  pods: cluster =>
                    tracker
                      .clusterTrackers()
                      .find(c => c.name === cluster)
                      ?.cache('pods')
                      .list() ?? [],
                  logger,
                  concurrency: options.sampler.concurrency,
                  timeoutMs: options.sampler.timeoutSeconds * 1000,
                });
          const sampler = new UsageSampler({
            workloads: () => tracker.workloads(),
            store,
            source,
            logger,
            intervalSeconds: options.sampler.intervalSeconds,
          });
          await scheduler.scheduleTask({
            id: 'inference-usage-sampler',
            frequency: { seconds: options.sampler.intervalSeconds },
            timeout: { seconds: Math.max(30, options.sampler.intervalSeconds) },
            initialDelay: { seconds: 5 },
            scope: 'global',
            fn: availability.task(async () => {
              await sampler.run();
              summaries.usageChanged();
            }),
          });
        }
        // every instance reads the metrics the sampler wrote, wherever it ran
        await scheduler.scheduleTask({
          id: 'inference-metrics-cache',
          frequency: { seconds: Math.min(30, options.sampler.intervalSeconds) },
          timeout: { seconds: 30 },
          scope: 'local',
          fn: availability.task(async () => {
            await metrics.refresh();
            summaries.usageChanged();
          }),
        });

        deps.httpRouter.use(
          await createRouter({
            logger,
            httpAuth: deps.httpAuth,
            access: Access.create({
              permissions: deps.permissions,
              userInfo: deps.userInfo,
              servicePrincipals: options.servicePrincipals,
            }),
            store,
            availability,
            tracker,
            summaries,
            options,
            databaseClient:
              config.getOptionalString('backend.database.client') ?? 'unknown',
            groupExists: createGroupLookup(deps.catalog, deps.auth),
            catalogLinks,
            platforms,
          }),
        );
      },
    });
  },
});

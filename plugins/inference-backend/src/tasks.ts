import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { InferenceStore } from './database/InferenceStore';
import { StoreAvailability } from './database/StoreAvailability';
import { MetricsCache } from './metrics/MetricsCache';
import { MetricsSource } from './metrics/MetricsSource';
import { UsageSampler } from './metrics/UsageSampler';
import { InferenceOptions } from './options';
import { QuotaLedger } from './quota/QuotaLedger';
import { CatalogLinks } from './service/catalogLink';
import { WorkloadModel } from './workloads/WorkloadModel';

/**
 * The plugin's scheduled work: catalog links (every instance), the ledger janitor, usage retention and the sampler
 * (one instance at a time), and the metrics cache every instance reads. Store-bound tasks wait out a database
 * outage through `availability`. Nothing here invalidates a cache by hand: the ledger, the metrics cache and the
 * workload model tell their readers.
 */
export async function scheduleInferenceTasks(deps: {
  scheduler: SchedulerService;
  availability: StoreAvailability;
  logger: LoggerService;
  options: InferenceOptions;
  store: InferenceStore;
  workloads: WorkloadModel;
  catalogLinks: CatalogLinks;
  ledger: QuotaLedger;
  metrics: MetricsCache;
  metricsSource: () => MetricsSource;
}): Promise<void> {
  const { scheduler, availability, options, store } = deps;
  await scheduler.scheduleTask({
    id: 'inference-catalog-links',
    frequency: { seconds: options.catalogRefreshSeconds },
    timeout: { seconds: 60 },
    scope: 'local',
    fn: () => deps.catalogLinks.refresh(),
  });
  await scheduler.scheduleTask({
    id: 'inference-ledger-janitor',
    frequency: { seconds: 10 },
    timeout: { seconds: 30 },
    scope: 'global',
    fn: availability.task(() => deps.ledger.settle()),
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
    const sampler = new UsageSampler({
      workloads: () => deps.workloads.workloads(),
      store,
      source: deps.metricsSource(),
      logger: deps.logger,
      intervalSeconds: options.sampler.intervalSeconds,
    });
    await scheduler.scheduleTask({
      id: 'inference-usage-sampler',
      frequency: { seconds: options.sampler.intervalSeconds },
      timeout: { seconds: Math.max(30, options.sampler.intervalSeconds) },
      initialDelay: { seconds: 5 },
      scope: 'global',
      // the sampler's instance reads what it wrote at once; the others at their next metrics refresh
      fn: availability.task(async () => {
        await sampler.run();
        await deps.metrics.refresh();
      }),
    });
  }
  // every instance reads the metrics the sampler wrote, wherever it ran; a refresh updates the views
  await scheduler.scheduleTask({
    id: 'inference-metrics-cache',
    frequency: { seconds: Math.min(30, options.sampler.intervalSeconds) },
    timeout: { seconds: 30 },
    scope: 'local',
    fn: availability.task(() => deps.metrics.refresh()),
  });
}

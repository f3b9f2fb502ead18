import { InferenceStore } from '../database/InferenceStore';
import { MetricsCache } from '../metrics/MetricsCache';
import { InferenceOptions } from '../options';
import { QuotaLedger } from '../quota/QuotaLedger';
import { CatalogLinks } from '../service/catalogLink';
import { createNothingRunningExplainer } from '../service/nothingRunning';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { EntityExists, EntitySummaryView } from './EntitySummaryView';
import { PlatformView } from './PlatformView';
import { DailyUsageRows, ViewDeps } from './viewDeps';

/** The read side the router serves: entity summaries, the platform view and daily usage, over one set of sources. */
export function createViews(deps: {
  store: InferenceStore;
  workloads: WorkloadModel;
  metrics: MetricsCache;
  ledger: QuotaLedger;
  options: InferenceOptions;
  catalogLinks: CatalogLinks;
  entityExists: EntityExists;
}) {
  const views: ViewDeps = {
    workloads: deps.workloads,
    metrics: deps.metrics,
    ledger: deps.ledger,
    options: deps.options,
    usage: new DailyUsageRows(deps.store, deps.metrics, () => new Date()),
  };
  return {
    entitySummaries: new EntitySummaryView({
      ...views,
      entityExists: deps.entityExists,
      explainNothingRunning: createNothingRunningExplainer({
        tracker: deps.workloads,
        store: deps.store,
        newSince: ref => deps.catalogLinks.newSince(ref),
      }),
    }),
    platformView: new PlatformView(views),
    usage: views.usage,
  };
}

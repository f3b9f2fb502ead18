import {
  InferenceWorkload,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import { InferenceStore } from '../database/InferenceStore';
import { DailyUsage } from '../database/UsageStore';
import { MetricsCache } from '../metrics/MetricsCache';
import { InferenceOptions } from '../options';
import { QuotaLedger } from '../quota/QuotaLedger';
import { RefreshingValue } from '../service/RefreshingValue';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { windowStart } from './costWindows';
import { withServiceFindings } from './workloadFindings';

/** What the views read from: the workload model, the metrics, the ledger, daily usage. All in memory. */
export interface ViewDeps {
  workloads: WorkloadModel;
  metrics: MetricsCache;
  ledger: QuotaLedger;
  usage: DailyUsageRows;
  options: InferenceOptions;
  now?: () => Date;
}

/** The last 30 days of daily usage, from memory; reloaded whenever the metrics refresh (the sampler wrote). */
export class DailyUsageRows {
  private readonly rowsValue: RefreshingValue<DailyUsage[]>;

  constructor(store: InferenceStore, metrics: MetricsCache, now: () => Date) {
    this.rowsValue = new RefreshingValue(
      () =>
        store.usage.listDaily({
          fromDay: windowStart(now(), 30),
          toDay: now().toISOString().slice(0, 10),
        }),
      30_000,
    );
    metrics.onChange(() => void this.rowsValue.reload().catch(() => {}));
  }

  rows(): Promise<DailyUsage[]> {
    return this.rowsValue.get();
  }
}

/** The workloads as pages show them: latest metrics and the findings of metrics, objectives and quotas added. */
export async function workloadsForView(
  deps: ViewDeps,
  workloads: InferenceWorkload[],
  standings?: QuotaStanding[],
): Promise<InferenceWorkload[]> {
  return withServiceFindings(workloads, {
    entities: deps.workloads.entityIndex,
    metrics: deps.metrics,
    servingOf: id => deps.workloads.servingOf(id),
    standings: standings ?? (await deps.ledger.standings()),
    fleet: deps.workloads.workloads(),
    slo: deps.options.slo,
    now: deps.now?.() ?? new Date(),
  });
}

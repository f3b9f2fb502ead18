import {
  InferenceWorkload,
  PlatformOverview,
} from '@inference-platform/plugin-inference-common';
import { buildPlatformOverview } from './platformOverview';
import { ViewDeps, workloadsForView } from './viewDeps';

/** What the platform team's page and the fleet list show, composed at read time. */
export class PlatformView {
  constructor(private readonly deps: ViewDeps) {}

  /** Every workload of the fleet as the governance page lists and counts them. */
  async workloads(): Promise<InferenceWorkload[]> {
    return workloadsForView(this.deps, this.deps.workloads.workloads());
  }

  async overview(): Promise<PlatformOverview> {
    const { workloads, ledger, usage, options } = this.deps;
    const standings = await ledger.standings();
    return buildPlatformOverview({
      workloads: await workloadsForView(
        this.deps,
        workloads.workloads(),
        standings,
      ),
      clusters: workloads.clusterStatuses(),
      capacity: workloads.capacity(),
      standings,
      usage: await usage.rows(),
      options,
      now: this.deps.now?.() ?? new Date(),
    });
  }
}

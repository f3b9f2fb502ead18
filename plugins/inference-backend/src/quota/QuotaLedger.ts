import { LoggerService } from '@backstage/backend-plugin-api';
import {
  computeQuotaStandings,
  flagQuotasAboveCapacity,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import { InferenceStore } from '../database/InferenceStore';
import {
  QuotaRecord,
  QuotaStore,
  ReservationRecord,
  ReserveRequest,
} from '../database/QuotaStore';
import { RefreshingValue } from '../service/RefreshingValue';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { reconcileReservations, settleReservations } from './ledgerJanitor';

/**
 * The GPU quota ledger: every write to quota lines and reservations goes through here (the store checks them with
 * common's admission rule against the live usage the workload model derives), and the ledger alone decides when
 * its cached standings are stale. Readers ask {@link QuotaLedger.standings}; nobody invalidates by hand.
 */
export class QuotaLedger {
  private readonly cached: RefreshingValue<{
    quotas: QuotaRecord[];
    pending: ReservationRecord[];
  }>;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly deps: {
      store: InferenceStore;
      workloads: WorkloadModel;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {
    this.cached = new RefreshingValue(async () => {
      const [quotas, pending] = await Promise.all([
        deps.store.quotas.listQuotas(),
        deps.store.quotas.listReservations({ status: ['pending'] }),
      ]);
      return { quotas, pending };
    }, 2_000);
  }

  /** Called after a write changed the ledger; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed<T>(result: T): T {
    this.cached.invalidate();
    this.listeners.forEach(listener => listener());
    return result;
  }

  async setQuota(change: Parameters<QuotaStore['setQuota']>[0]) {
    return this.changed(await this.deps.store.quotas.setQuota(change));
  }

  /** Removes a line, refused while the workload model says its GPUs are held (unless forced). */
  async removeQuota(change: Parameters<QuotaStore['removeQuota']>[0]) {
    return this.changed(
      await this.deps.store.quotas.removeQuota(
        change,
        this.deps.workloads.liveUsage,
      ),
    );
  }

  /** Reserves GPUs if common's admission rule admits them against the live usage. */
  async reserve(request: ReserveRequest) {
    return this.changed(
      await this.deps.store.quotas.reserve(
        request,
        this.deps.workloads.liveUsage,
      ),
    );
  }

  async release(id: string, by: string) {
    return this.changed(await this.deps.store.quotas.release(id, by));
  }

  /** Confirms reservations whose workload runs, expires the stale ones, releases those whose workload vanished. */
  async settle(): Promise<void> {
    const args = {
      store: this.deps.store,
      tracker: this.deps.workloads,
      logger: this.deps.logger,
    };
    const settled = await settleReservations(args);
    // confirmed reservations whose workload a synced cluster no longer runs (e.g. deleted while down)
    const reconciled = await reconcileReservations(args);
    if (settled.confirmed || settled.expired || reconciled.released) {
      this.changed(undefined);
    }
  }

  /**
   * Every owner's standing per GPU type: limits, GPUs charged to running workloads (at their autoscaler ceiling)
   * and live pending reservations. A limit above what the fleet's pools of its GPU type can hold is flagged, once
   * every cluster has been listed (a cluster in its first list has no capacity to compare with yet).
   */
  async standings(filter?: { owner?: string }): Promise<QuotaStanding[]> {
    const { quotas, pending } = await this.cached.get();
    const now = (this.deps.now?.() ?? new Date()).getTime();
    const model = this.deps.workloads;
    const standings = computeQuotaStandings({
      limits: quotas.map(q => ({
        owner: q.ownerRef,
        gpuType: q.gpuType,
        limit: q.limit,
      })),
      workloads: model
        .workloads()
        .filter(w => w.owner && w.gpuType)
        .map(w => ({
          id: w.id,
          owner: w.owner!,
          gpuType: w.gpuType!,
          gpusPerReplica: w.gpusPerReplica,
          replicas: w.replicas.desired,
          autoscaler: w.autoscaler,
        })),
      reservations: pending
        .filter(r => r.expiresAt.getTime() > now)
        .map(r => ({
          id: r.id,
          owner: r.ownerRef,
          gpuType: r.gpuType,
          gpus: r.gpuCount,
          state: r.status,
        })),
    });
    const lines = filter?.owner
      ? standings.filter(s => s.owner === filter.owner)
      : standings;
    return flagQuotasAboveCapacity(lines, {
      capacity: model.listedCapacity(),
      clusters: model.clusterStatuses().length,
      clustersOf: owner => model.entityIndex.clustersOf(owner),
    });
  }
}

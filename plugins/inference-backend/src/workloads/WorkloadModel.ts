import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterCapacity,
  ClusterStatus,
  InferenceWorkload,
} from '@inference-platform/plugin-inference-common';
import { FleetCache } from '../tracking/FleetCache';
import { deriveClusterView, ObservedWorkload } from './deriveClusterView';
import { WorkloadServing } from './deriveWorkloads';
import { EntityIndex } from './entityIndex';

export type { ObservedWorkload } from './deriveClusterView';

/** Tunables of the workload model. */
export interface WorkloadModelOptions {
  /** Changes are folded into the derived model at most this often (ms). */
  recomputeDelayMs?: number;
}

interface DerivedView {
  revision: number;
  entityVersion: number;
  /** Every resource of the cluster had been listed when the view was derived: its figures cover the whole cluster. */
  listed: boolean;
  workloads: InferenceWorkload[];
  capacity: ClusterCapacity;
  observed: ObservedWorkload[];
  serving: Map<string, WorkloadServing>;
}

/** Skipped objects shown per cluster in /clusters; the reason line gives the total. */
const MAX_SKIPPED_SHOWN = 50;

/**
 * What runs where, derived from the fleet cache and the catalog links (never from metrics): inference workloads,
 * GPU capacity, quota usage and reservation labels per cluster. Reads never touch a cluster: they return the latest
 * derivation, redone in the background shortly after a cluster or the catalog changes.
 */
export class WorkloadModel {
  private readonly views = new Map<string, DerivedView>();
  private readonly listeners = new Set<() => void>();
  private entities = new EntityIndex();
  private entityVersion = 0;
  private timer: NodeJS.Timeout | undefined;
  private serving = new Map<string, WorkloadServing>();
  private byEntity = new Map<string, InferenceWorkload[]>();
  private all: InferenceWorkload[] = [];
  private usage = new Map<string, number>();
  /** Completed recomputations, for tests and benchmarks. */
  recomputations = 0;

  constructor(
    readonly fleet: FleetCache,
    private readonly logger: LoggerService,
    private readonly options: WorkloadModelOptions = {},
  ) {
    fleet.onChange(() => this.scheduleRecompute());
  }

  /** Stops a pending recomputation (the fleet is stopped by its owner). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Called after the derived workloads changed; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private get clusters() {
    return this.fleet.clusters();
  }

  /** Replaces the catalog entities workloads are linked to. */
  setEntities(index: EntityIndex): void {
    this.entities = index;
    this.entityVersion += 1;
    this.scheduleRecompute();
  }

  /** What a workload's pods serve (model, GPU, vLLM flags and release), for its metric findings. */
  servingOf(workloadId: string): WorkloadServing | undefined {
    return this.serving.get(workloadId);
  }

  /** Workloads that carry a reservation label, in every cluster. */
  observedReservations(): ObservedWorkload[] {
    return [...this.views.values()].flatMap(v => v.observed);
  }

  get entityIndex(): EntityIndex {
    return this.entities;
  }

  workloads(): InferenceWorkload[] {
    return this.all;
  }

  workloadsOfEntity(entityRef: string): InferenceWorkload[] {
    return this.byEntity.get(entityRef) ?? [];
  }

  capacity(): ClusterCapacity[] {
    return this.clusters
      .map(c => this.views.get(c.name)?.capacity)
      .filter((c): c is ClusterCapacity => Boolean(c));
  }

  /**
   * The capacity of the clusters whose every resource had been listed when their view was derived. A cluster in its
   * first list has no known capacity yet (its nodes may be listed after its pods), which is not an empty one.
   */
  listedCapacity(): ClusterCapacity[] {
    return this.clusters
      .map(c => this.views.get(c.name))
      .filter((v): v is DerivedView => Boolean(v?.listed))
      .map(v => v.capacity);
  }

  /** GPUs an owner holds on a GPU type, charged at autoscaler ceiling. */
  liveUsage = (ownerRef: string, gpuType: string): number =>
    this.usage.get(`${ownerRef}|${gpuType}`) ?? 0;

  clusterStatuses(): ClusterStatus[] {
    return this.clusters.map(cluster => {
      const status = cluster.status();
      const view = this.views.get(cluster.name);
      return {
        name: status.name,
        state: status.state,
        since: status.since.toISOString(),
        lastSyncedAt: status.lastSyncedAt?.toISOString(),
        lastError: status.lastError,
        workloads: view?.workloads.length ?? 0,
        gpuNodes:
          view?.capacity.pools.reduce((sum, p) => sum + p.nodes, 0) ?? 0,
        degradedReason: status.degradedReason,
        skippedObjects: status.skippedObjects.length
          ? status.skippedObjects.slice(0, MAX_SKIPPED_SHOWN)
          : undefined,
        derivationErrors: status.derivationErrors,
      };
    });
  }

  /** Recomputes dirty clusters now instead of waiting for the scheduled pass. */
  flush(now: Date = new Date()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.recompute(now);
  }

  private scheduleRecompute() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.recompute(new Date());
      } catch (error) {
        this.logger.error(`Deriving inference workloads failed: ${error}`);
      }
    }, this.options.recomputeDelayMs ?? 100);
    this.timer.unref?.();
  }

  private recompute(now: Date) {
    let changed = false;
    for (const cluster of this.clusters) {
      const previous = this.views.get(cluster.name);
      // read before the snapshot, so that a listed cluster's snapshot holds all of it; the last list may change no
      // object (no pools at all), so the view is derived again when it completes
      const listed = cluster.hasListedAll();
      if (
        previous &&
        previous.revision === cluster.revision &&
        previous.entityVersion === this.entityVersion &&
        previous.listed === listed
      ) {
        continue;
      }
      try {
        const view = deriveClusterView(
          this.fleet.snapshot(cluster),
          this.entities,
          { now },
        );
        this.views.set(cluster.name, {
          revision: cluster.revision,
          entityVersion: this.entityVersion,
          listed,
          workloads: view.workloads,
          capacity: view.capacity,
          observed: view.observed,
          serving: view.serving,
        });
        cluster.setDerivationProblems({ skipped: view.skipped });
      } catch (error) {
        // this cluster keeps its last figures and says so; the others go on deriving
        cluster.setDerivationProblems({
          skipped: [],
          error: error instanceof Error ? error.message : String(error),
        });
        this.views.set(cluster.name, {
          workloads: [],
          capacity: {
            cluster: cluster.name,
            pools: [],
            updatedAt: now.toISOString(),
          },
          observed: [],
          serving: new Map(),
          // the last figures that worked, and whether they covered the whole cluster
          listed: false,
          ...previous,
          revision: cluster.revision,
          entityVersion: this.entityVersion,
        });
      }
      changed = true;
    }
    if (changed) {
      this.reindex();
      this.listeners.forEach(listener => listener());
    }
    this.recomputations += 1;
  }

  private reindex() {
    const all: InferenceWorkload[] = [];
    const byEntity = new Map<string, InferenceWorkload[]>();
    const usage = new Map<string, number>();
    const serving = new Map<string, WorkloadServing>();
    for (const cluster of this.clusters) {
      const view = this.views.get(cluster.name);
      for (const [id, context] of view?.serving ?? []) serving.set(id, context);
      for (const workload of this.views.get(cluster.name)?.workloads ?? []) {
        all.push(workload);
        if (workload.entityRef) {
          const list = byEntity.get(workload.entityRef) ?? [];
          list.push(workload);
          byEntity.set(workload.entityRef, list);
        }
        if (workload.owner && workload.gpuType) {
          const key = `${workload.owner}|${workload.gpuType}`;
          usage.set(key, (usage.get(key) ?? 0) + workload.quotaCharge);
        }
      }
    }
    this.all = all;
    this.byEntity = byEntity;
    this.usage = usage;
    this.serving = serving;
  }
}

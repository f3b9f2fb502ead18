import { NotFoundError } from '@backstage/errors';
import {
  EntityInferenceSummary,
  Finding,
  InferenceWorkload,
  NothingRunning,
  PoolCapacity,
  QuotaStanding,
  ClusterStatus,
  serviceHeadroom,
} from '@inference-platform/plugin-inference-common';
import { DailyUsage } from '../database/UsageStore';
import { costWindow } from './costWindows';
import { ViewDeps, workloadsForView } from './viewDeps';

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Entity existence, for entities the workload model has no workloads for (answers 404 or an empty summary). */
export type EntityExists = (entityRef: string) => Promise<boolean>;

/** Which workloads an entity stands for, by kind. */
interface Scope {
  workloads: InferenceWorkload[];
  usageFilter: (row: DailyUsage) => boolean;
  owner?: string;
}

/**
 * What an entity page shows (health, cost, the 10x verdict, quota), composed at read time from the workload model,
 * the metrics, the ledger and daily usage through common's pure rules: never a cluster or Prometheus call.
 */
export class EntitySummaryView {
  constructor(
    private readonly deps: ViewDeps & {
      entityExists: EntityExists;
      /** Why an entity has no workload (nothingRunning.ts). */
      explainNothingRunning?: (
        entityRef: string,
        kind: string,
      ) => Promise<NothingRunning>;
    },
  ) {}

  async entitySummary(
    ref: { kind: string; namespace: string; name: string },
    options: { loadMultiplier?: number } = {},
  ): Promise<EntityInferenceSummary> {
    const kind = ref.kind.toLowerCase();
    const entityRef = `${kind}:${ref.namespace}/${ref.name}`.toLowerCase();
    const scope = this.scopeOf(kind, entityRef);
    if (
      scope.workloads.length === 0 &&
      !this.deps.workloads.entityIndex.byEntityRef(entityRef)
    ) {
      if (!(await this.deps.entityExists(entityRef))) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
    }

    const now = this.deps.now?.() ?? new Date();
    const rows = (await this.deps.usage.rows()).filter(scope.usageFilter);
    const costOptions = {
      rows,
      now,
      prices: this.deps.options.prices,
      priceKind: this.deps.options.priceKind,
      saasPrices: this.deps.options.saasPrices,
    };
    const allStandings = await this.deps.ledger.standings();
    const workloads = await workloadsForView(
      this.deps,
      scope.workloads,
      allStandings,
    );
    const gpuTypes = new Set(workloads.map(w => w.gpuType).filter(Boolean));
    // a component's owner is its entity's (else its workloads'); a group, resource or system names its own
    const owner =
      kind === 'component'
        ? scope.owner ?? workloads.find(w => w.owner)?.owner
        : scope.owner;
    const standings = owner ? allStandings.filter(s => s.owner === owner) : [];
    let quota: QuotaStanding[];
    if (kind === 'group') {
      quota = standings;
    } else if (kind === 'component') {
      quota = standings.filter(s => gpuTypes.has(s.gpuType));
    } else {
      // a cluster or a system: the quota lines its workloads are charged to
      const lines = new Set(workloads.map(w => `${w.owner}|${w.gpuType}`));
      quota = allStandings.filter(s => lines.has(`${s.owner}|${s.gpuType}`));
    }
    const clusterNames = new Set(workloads.map(w => w.cluster));
    const clusters: ClusterStatus[] = this.deps.workloads
      .clusterStatuses()
      .filter(
        c =>
          clusterNames.has(c.name) ||
          (kind === 'resource' &&
            this.resourceClusters(entityRef).includes(c.name)),
      );

    return {
      entityRef,
      owner,
      workloads,
      findings: sortFindings(workloads.flatMap(w => w.findings)),
      cost: {
        last7d: costWindow({ ...costOptions, days: 7 }),
        last30d: costWindow({ ...costOptions, days: 30 }),
      },
      capacity:
        kind === 'component'
          ? serviceHeadroom({
              workloads,
              latest: id => this.deps.metrics.latest(id)?.metrics,
              standings: allStandings,
              pools: this.pools(),
              annotatedReplicaCapacityRps:
                this.deps.workloads.entityIndex.byEntityRef(entityRef)
                  ?.replicaCapacityRps,
              loadMultiplier:
                options.loadMultiplier ?? this.deps.options.loadMultiplier,
            })
          : undefined,
      quota,
      clusters,
      nothingRunning:
        scope.workloads.length === 0
          ? await this.deps.explainNothingRunning?.(entityRef, kind)
          : undefined,
      generatedAt: now.toISOString(),
    };
  }

  /** Every GPU pool of the fleet, as the verdict weighs them. */
  private pools(): PoolCapacity[] {
    return this.deps.workloads.capacity().flatMap(c =>
      c.pools.map(p => ({
        cluster: c.cluster,
        pool: p.pool,
        gpuType: p.gpuType,
        freeGpus: p.free,
        growthRoomGpus: p.growthRoom ?? 0,
        allocatableGpus: p.allocatable,
        limitGpus: p.limit,
      })),
    );
  }

  private resourceClusters(entityRef: string): string[] {
    return (
      this.deps.workloads.entityIndex.clusterResource(entityRef)?.clusters ?? []
    );
  }

  private scopeOf(kind: string, entityRef: string): Scope {
    const tracker = this.deps.workloads;
    switch (kind) {
      case 'group':
        return {
          workloads: tracker.workloads().filter(w => w.owner === entityRef),
          usageFilter: row => row.ownerRef === entityRef,
          owner: entityRef,
        };
      case 'system': {
        const members = new Set(
          tracker.entityIndex.inSystem(entityRef).map(e => e.entityRef),
        );
        return {
          workloads: tracker
            .workloads()
            .filter(w => w.entityRef && members.has(w.entityRef)),
          usageFilter: row =>
            Boolean(row.entityRef && members.has(row.entityRef)),
          owner: tracker.entityIndex.system(entityRef)?.ownerRef,
        };
      }
      case 'resource': {
        const clusters = new Set(this.resourceClusters(entityRef));
        return {
          workloads: tracker.workloads().filter(w => clusters.has(w.cluster)),
          usageFilter: row => clusters.has(row.cluster),
          owner: tracker.entityIndex.clusterResource(entityRef)?.ownerRef,
        };
      }
      default:
        return {
          workloads: tracker.workloadsOfEntity(entityRef),
          usageFilter: row => row.entityRef === entityRef,
          owner: tracker.entityIndex.byEntityRef(entityRef)?.ownerRef,
        };
    }
  }
}

function sortFindings(findings: Finding[]): Finding[] {
  // a quota mismatch is about a namespace: its workloads all carry it, the summary says it once
  const seen = new Set<string>();
  const once = findings.filter(f => {
    if (f.kind !== 'quota-mismatch') return true;
    if (seen.has(f.id)) return false;
    seen.add(f.id);
    return true;
  });
  return once.sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity],
  );
}

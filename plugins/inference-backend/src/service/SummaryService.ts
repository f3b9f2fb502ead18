import { NotFoundError } from '@backstage/errors';
import {
  assessHeadroom,
  ClusterStatus,
  computeQuotaStandings,
  EntityInferenceSummary,
  flagQuotasAboveCapacity,
  Finding,
  HeadroomVerdict,
  InferenceWorkload,
  NothingRunning,
  PlatformOverview,
  PoolCapacity,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import {
  DailyUsage,
  InferenceStore,
  ReservationRecord,
  QuotaRecord,
} from '../database/InferenceStore';
import { MetricsCache } from '../metrics/MetricsCache';
import { InferenceOptions } from '../options';
import { InferenceTracker } from '../tracking/InferenceTracker';
import { costWindow, windowStart } from './costWindows';
import { buildPlatformOverview } from './platformOverview';
import { RefreshingValue } from './RefreshingValue';
import { withServiceFindings } from './serviceFindings';
import { namespaceQuotasOf, serviceToday } from './serviceToday';

const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Entity existence, for entities the tracker has no workloads for (answers 404 or an empty summary). */
export type EntityExists = (entityRef: string) => Promise<boolean>;

/** Which workloads an entity stands for, by kind. */
interface Scope {
  workloads: InferenceWorkload[];
  usageFilter: (row: DailyUsage) => boolean;
  owner?: string;
}

/**
 * Builds what the entity pages and the governance page show, from the tracker's cache and the store (through
 * in-memory caches): never a cluster or Prometheus call.
 */
export class SummaryService {
  private readonly ledger: RefreshingValue<{
    quotas: QuotaRecord[];
    pending: ReservationRecord[];
  }>;
  private readonly usage: RefreshingValue<DailyUsage[]>;

  constructor(
    private readonly deps: {
      tracker: InferenceTracker;
      store: InferenceStore;
      metrics: MetricsCache;
      options: InferenceOptions;
      entityExists: EntityExists;
      /** Why an entity has no workload (nothingRunning.ts). */
      explainNothingRunning?: (
        entityRef: string,
        kind: string,
      ) => Promise<NothingRunning>;
      now?: () => Date;
    },
  ) {
    this.ledger = new RefreshingValue(async () => {
      const [quotas, pending] = await Promise.all([
        deps.store.quotas.listQuotas(),
        deps.store.quotas.listReservations({ status: ['pending'] }),
      ]);
      return { quotas, pending };
    }, 2_000);
    this.usage = new RefreshingValue(
      () =>
        deps.store.usage.listDaily({
          fromDay: windowStart(this.now(), 30),
          toDay: this.now().toISOString().slice(0, 10),
        }),
      30_000,
    );
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Forget cached ledger state after a quota or reservation write. */
  ledgerChanged(): void {
    this.ledger.invalidate();
  }

  /** Forget cached usage after the sampler wrote new samples. */
  usageChanged(): void {
    void this.usage.reload().catch(() => {});
  }

  async quotaStandings(filter?: { owner?: string }): Promise<QuotaStanding[]> {
    const { quotas, pending } = await this.ledger.get();
    const now = this.now().getTime();
    const standings = computeQuotaStandings({
      limits: quotas.map(q => ({
        owner: q.ownerRef,
        gpuType: q.gpuType,
        limit: q.limit,
      })),
      workloads: this.deps.tracker
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
    // a limit above what the fleet's pools of its GPU type can hold is flagged (quotaLines.ts); a cluster still in
    // its first list has no capacity to compare with yet, so nothing is flagged until every cluster has been listed
    return flagQuotasAboveCapacity(lines, {
      capacity: this.deps.tracker.listedCapacity(),
      clusters: this.deps.tracker.clusterStatuses().length,
      clustersOf: owner => this.deps.tracker.entityIndex.clustersOf(owner),
    });
  }

  /**
   * Every workload of the fleet with the findings that need more than its cluster's objects (SLO breaches, quota
   * mismatches), as the governance page lists and counts them.
   */
  async workloads(): Promise<InferenceWorkload[]> {
    return this.withFindings(this.deps.tracker.workloads());
  }

  private async withFindings(
    workloads: InferenceWorkload[],
    standings?: QuotaStanding[],
  ): Promise<InferenceWorkload[]> {
    return withServiceFindings(workloads, {
      entities: this.deps.tracker.entityIndex,
      metrics: this.deps.metrics,
      standings: standings ?? (await this.quotaStandings()),
      fleet: this.deps.tracker.workloads(),
      slo: this.deps.options.slo,
      now: this.now(),
    });
  }

  async entitySummary(
    ref: { kind: string; namespace: string; name: string },
    options: { loadMultiplier?: number } = {},
  ): Promise<EntityInferenceSummary> {
    const kind = ref.kind.toLowerCase();
    const entityRef = `${kind}:${ref.namespace}/${ref.name}`.toLowerCase();
    const scope = this.scopeOf(kind, entityRef);
    if (
      scope.workloads.length === 0 &&
      !this.deps.tracker.entityIndex.byEntityRef(entityRef)
    ) {
      if (!(await this.deps.entityExists(entityRef))) {
        throw new NotFoundError(`No entity ${entityRef} in the catalog`);
      }
    }

    const now = this.now();
    const rows = (await this.usage.get()).filter(scope.usageFilter);
    const costOptions = {
      rows,
      now,
      prices: this.deps.options.prices,
      priceKind: this.deps.options.priceKind,
      saasPrices: this.deps.options.saasPrices,
    };
    const allStandings = await this.quotaStandings();
    const workloads = await this.withFindings(scope.workloads, allStandings);
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
    const clusters: ClusterStatus[] = this.deps.tracker
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
      workloads: workloads.map(w => this.withMetrics(w)),
      findings: sortFindings(workloads.flatMap(w => w.findings)),
      cost: {
        last7d: costWindow({ ...costOptions, days: 7 }),
        last30d: costWindow({ ...costOptions, days: 30 }),
      },
      capacity:
        kind === 'component'
          ? this.capacityVerdict(
              entityRef,
              workloads,
              allStandings,
              options.loadMultiplier,
            )
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

  async platform(): Promise<PlatformOverview> {
    const tracker = this.deps.tracker;
    const standings = await this.quotaStandings();
    return buildPlatformOverview({
      workloads: await this.withFindings(tracker.workloads(), standings),
      clusters: tracker.clusterStatuses(),
      capacity: tracker.capacity(),
      standings,
      usage: await this.usage.get(),
      options: this.deps.options,
      now: this.now(),
    });
  }

  /** Daily usage rows of the last 30 days, from memory. */
  async usageRows(): Promise<DailyUsage[]> {
    return this.usage.get();
  }

  private withMetrics(workload: InferenceWorkload): InferenceWorkload {
    const latest = this.deps.metrics.latest(workload.id);
    if (!latest) return workload;
    return {
      ...workload,
      metrics: { ...latest.metrics, sampledAt: latest.sampledAt.toISOString() },
    };
  }

  private resourceClusters(entityRef: string): string[] {
    return (
      this.deps.tracker.entityIndex.clusterResource(entityRef)?.clusters ?? []
    );
  }

  private scopeOf(kind: string, entityRef: string): Scope {
    const tracker = this.deps.tracker;
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

  /**
   * The 10x verdict of a service: load from its latest metrics (requests/s), per-replica capacity from the
   * `replica-capacity-rps` annotation or from load per replica ÷ the busier of KV-cache usage and GPU
   * utilisation; without metrics the current replicas are taken as fully used.
   */
  private capacityVerdict(
    entityRef: string,
    workloads: InferenceWorkload[],
    standings: QuotaStanding[],
    loadMultiplier?: number,
  ): HeadroomVerdict | undefined {
    const gpuWorkloads = workloads.filter(
      w => w.gpuType && w.gpusPerReplica > 0,
    );
    if (gpuWorkloads.length === 0) return undefined;
    // the GPU type holding most of the service's GPUs decides; other types are separate services in practice
    const gpuType = [...gpuWorkloads].sort(
      (a, b) => b.quotaCharge - a.quotaCharge,
    )[0].gpuType!;
    const relevant = gpuWorkloads.filter(w => w.gpuType === gpuType);
    const replicas = relevant.reduce((s, w) => s + w.replicas.desired, 0);
    const ready = relevant.reduce((s, w) => s + w.replicas.ready, 0);
    // the ceiling of an autoscaled service; a service without an autoscaler has none to raise
    const maxReplicas = relevant.some(w => w.autoscaler)
      ? relevant.reduce(
          (s, w) => s + (w.autoscaler?.maxReplicas ?? w.replicas.desired),
          0,
        )
      : undefined;

    let currentLoad = 0;
    let utilisation = 0;
    let withMetrics = 0;
    for (const w of relevant) {
      const latest = this.deps.metrics.latest(w.id)?.metrics;
      if (latest?.requestsPerSecond === undefined) continue;
      withMetrics += 1;
      currentLoad += latest.requestsPerSecond;
      // the busier of KV cache and GPU compute is what runs out first as load grows
      utilisation = Math.max(
        utilisation,
        latest.kvCacheUsage ?? 0,
        latest.gpuUtilization ?? 0,
      );
    }
    const annotated =
      this.deps.tracker.entityIndex.byEntityRef(entityRef)?.replicaCapacityRps;
    let loadUnit: HeadroomVerdict['loadUnit'] = 'requests/s';
    let perReplicaCapacity: number;
    if (withMetrics > 0 && currentLoad > 0 && ready > 0) {
      perReplicaCapacity =
        annotated ?? currentLoad / ready / Math.max(utilisation, 0.05);
    } else {
      loadUnit = 'replicas';
      currentLoad = Math.max(replicas, 1);
      perReplicaCapacity = 1;
    }
    const gpusPerReplica = relevant[0].gpusPerReplica;
    const owner = relevant.find(w => w.owner)?.owner;
    const standing = standings.find(
      s => s.owner === owner && s.gpuType === gpuType,
    );
    const quotaHeadroomGpus = owner
      ? (standing?.limit ?? 0) -
        (standing?.used ?? 0) -
        (standing?.reserved ?? 0)
      : undefined;
    const pools: PoolCapacity[] = this.deps.tracker.capacity().flatMap(c =>
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
    return assessHeadroom({
      loadMultiplier: loadMultiplier ?? this.deps.options.loadMultiplier,
      currentLoad,
      perReplicaCapacity,
      loadUnit,
      currentReplicas: replicas,
      maxReplicas,
      gpusPerReplica,
      gpuType,
      clusters: [...new Set(relevant.map(w => w.cluster))],
      pools,
      quotaHeadroomGpus,
      platformQuota:
        owner && standing?.limit !== undefined
          ? { owner, limit: standing.limit }
          : undefined,
      namespaceQuotas: namespaceQuotasOf(relevant),
      today: serviceToday(relevant, gpusPerReplica),
    });
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

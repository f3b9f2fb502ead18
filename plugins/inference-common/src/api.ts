import { ServingRuntime } from './catalog/images';
import { HeadroomVerdict } from './capacity/capacity';
import { CostSummary, SaasTokenPrice } from './cost/cost';
import { NamespaceGpuQuota } from './diagnosis/quota';
import type { ClusterPlatformSettings } from './platform/clusterPlatform';
import type { ClusterPlatformSources } from './platform/clusterPlatformSources';
import { Finding } from './diagnosis/types';
import { QuotaStanding, ReservationState } from './quota/quota';

/**
 * Answer of `GET /api/inference/health`.
 *
 * @public
 */
export interface InferenceHealthResponse {
  status: 'ok' | 'degraded';
  /** Database engine the store runs on (e.g. `better-sqlite3`, `pg`). */
  /** `client` and `latestMigration` are only told to quota admins. */
  database: { client?: string; reachable: boolean; latestMigration?: string };
}

/**
 * A list answer of the REST API.
 *
 * @public
 */
export interface ListResponse<T> {
  items: T[];
}

/**
 * One pod of a workload, trimmed for display.
 *
 * @public
 */
export interface WorkloadPod {
  name: string;
  namespace: string;
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
  ready: boolean;
  restarts: number;
  nodeName?: string;
  /** The scheduler's message while the pod waits for a node (PodScheduled=False). */
  schedulingMessage?: string;
  gpuType?: string;
  gpus: number;
  startedAt?: string;
  containers: Array<{
    name: string;
    image?: string;
    ready: boolean;
    restartCount: number;
    state: 'running' | 'waiting' | 'terminated' | 'unknown';
    /** Waiting or terminated reason. */
    reason?: string;
  }>;
}

/**
 * A model-serving workload in one cluster, as the backend's watch cache sees it.
 *
 * @public
 */
export interface InferenceWorkload {
  /** `<cluster>/<namespace>/<kind>/<name>`. */
  id: string;
  cluster: string;
  namespace: string;
  kind:
    | 'Deployment'
    | 'StatefulSet'
    | 'InferenceService'
    | 'LeaderWorkerSet'
    | string;
  name: string;
  /** Catalog entity linked through `backstage.io/kubernetes-id`. */
  entityRef?: string;
  /** Owner group the quota is charged to. */
  owner?: string;
  runtime?: ServingRuntime;
  model?: string;
  image?: string;
  /** False when the image is referenced by tag only. */
  imageDigestPinned: boolean;
  gpuType?: string;
  gpusPerReplica: number;
  replicas: { desired: number; ready: number; available?: number };
  autoscaler?: {
    kind: 'HorizontalPodAutoscaler' | 'ScaledObject';
    name: string;
    minReplicas?: number;
    maxReplicas: number;
  };
  /** gpusPerReplica × (autoscaler maxReplicas, else replicas). */
  quotaCharge: number;
  pods: WorkloadPod[];
  /** ResourceQuotas of its namespace on its GPU resource (`requests.nvidia.com/gpu`); absent when not known. */
  namespaceQuotas?: NamespaceGpuQuota[];
  findings: Finding[];
  /** When the watch cache last changed this workload. */
  updatedAt: string;
  /** Latest serving metrics (from the usage sampler); absent until sampled or when nothing serves. */
  metrics?: ServingMetrics;
}

/**
 * Serving metrics of a workload at its last sampling, summed or averaged over its pods.
 *
 * @public
 */
export interface ServingMetrics {
  sampledAt: string;
  requestsPerSecond?: number;
  promptTokensPerSecond?: number;
  generationTokensPerSecond?: number;
  /** Requests being processed / waiting in the queue, over all replicas. */
  requestsRunning?: number;
  requestsWaiting?: number;
  /** Mean and largest KV-cache usage of a replica, 0..1. */
  kvCacheUsage?: number;
  kvCacheUsageMax?: number;
  ttftP95Seconds?: number;
  /** Failed / all finished requests, 0..1. */
  errorRate?: number;
  /** Mean utilisation of its GPUs, 0..1. */
  gpuUtilization?: number;
}

/**
 * State of the backend's connection to a cluster. `degraded`: the watches are current, but some objects could not be
 * read (see `skippedObjects`) or deriving the cluster's workloads failed, so its figures leave something out.
 *
 * @public
 */
export type ClusterSyncState =
  | 'syncing'
  | 'synced'
  | 'degraded'
  | 'stale'
  | 'unreachable';

/**
 * An object of a cluster left out of its workloads and capacity because it could not be read.
 *
 * @public
 */
export interface SkippedObject {
  kind: string;
  /** Absent for cluster-scoped objects (nodes, NodePools). */
  namespace?: string;
  name: string;
  /** The field and what is wrong with it, e.g. `spec.replicas: expected a whole number, got "two"`. */
  reason: string;
}

/**
 * Watch-cache status of one cluster.
 *
 * @public
 */
export interface ClusterStatus {
  name: string;
  state: ClusterSyncState;
  /** Since when the cluster is in this state. */
  since: string;
  lastSyncedAt?: string;
  lastError?: string;
  workloads: number;
  gpuNodes: number;
  /** Why the cluster is `degraded`: how many objects were skipped, or why deriving its workloads failed. */
  degradedReason?: string;
  /** The objects left out (the first 50), present while there are any. */
  skippedObjects?: SkippedObject[];
  /** Objects skipped and failed derivations since the backend started: a counter, it never decreases. */
  derivationErrors?: number;
}

/**
 * GPUs of one type in one node pool.
 *
 * @public
 */
export interface NodePoolCapacity {
  pool: string;
  gpuType: string;
  nodes: number;
  allocatable: number;
  allocated: number;
  free: number;
  /** GPUs the pool may still add (Karpenter NodePool limits); undefined when unlimited or unknown. */
  growthRoom?: number;
  /** The Karpenter NodePool's GPU limit (`spec.limits`), when one with a limit manages the pool. */
  limit?: number;
  /** NVIDIA driver of the pool's nodes (GFD labels), the oldest when they differ. */
  driverVersion?: string;
  /** Compute capability of the pool's GPUs (GFD labels), e.g. `9.0`. */
  computeCapability?: string;
}

/**
 * GPU capacity of one cluster, per pool and GPU type.
 *
 * @public
 */
export interface ClusterCapacity {
  cluster: string;
  pools: NodePoolCapacity[];
  updatedAt: string;
}

/**
 * One aggregated usage sample of a workload, owner or GPU type.
 *
 * @public
 */
export interface UsagePoint {
  /** Start of the bucket (ISO). */
  t: string;
  /** Bucket length in seconds. */
  bucketSeconds: number;
  gpuType?: string;
  allocatedGpus: number;
  /** Mean GPU utilisation 0..1. */
  utilization?: number;
  inputTokens?: number;
  outputTokens?: number;
  requestsPerSecond?: number;
  /** Mean KV-cache usage 0..1. */
  kvCacheUsage?: number;
  queueDepth?: number;
  /** GPU-hours in the bucket. */
  gpuHours?: number;
  /** Priced at the configured rate of the GPU type. */
  costUsd?: number;
  idleCostUsd?: number;
}

/**
 * Cost of a period, with the SaaS comparison prices used.
 *
 * @public
 */
export interface CostWindow {
  days: number;
  from: string;
  to: string;
  summary: CostSummary;
  saasPrices: SaasTokenPrice[];
}

/**
 * Why an entity shows no workload, so a page never reads "Healthy: 0 workloads".
 *
 * @public
 */
export interface NothingRunning {
  /**
   * `linking`: a new entity whose workload is not seen yet (registered moments ago, a GPU reservation pending for it)
   * or clusters still syncing; `not-running`: nothing runs for it where the backend looked.
   */
  state: 'linking' | 'not-running';
  /** Plain sentence naming where the backend looked. */
  message: string;
  /** The clusters the backend looked in. */
  clusters: string[];
}

/**
 * Everything the entity page's cards show, in one call (`GET /api/inference/entity/:kind/:namespace/:name`).
 *
 * @public
 */
export interface EntityInferenceSummary {
  entityRef: string;
  owner?: string;
  workloads: InferenceWorkload[];
  /** Findings of all workloads, most severe first. */
  findings: Finding[];
  cost: { last7d: CostWindow; last30d: CostWindow };
  /** Verdict at 10x the current load; absent when there is no load data yet. */
  capacity?: HeadroomVerdict;
  /** The owner's quota lines for the GPU types the workloads use. */
  quota: QuotaStanding[];
  /** Clusters the workloads run in, so stale data is visible. */
  clusters: ClusterStatus[];
  /** Set when the entity has no workload: linking a new service, or nothing running, and where it looked. */
  nothingRunning?: NothingRunning;
  generatedAt: string;
}

/**
 * A quota reservation made before a workload exists (by the scaffolder).
 *
 * @public
 */
export interface Reservation {
  id: string;
  owner: string;
  gpuType: string;
  gpus: number;
  state: ReservationState;
  createdAt: string;
  /** A pending reservation expires at this time unless confirmed. */
  expiresAt: string;
  confirmedAt?: string;
  releasedAt?: string;
  /** The workload that confirms it. */
  workload?: { cluster: string; namespace: string; kind: string; name: string };
  createdBy?: string;
  /** Why it was released or expired, e.g. released by the ledger janitor because its workload is gone. */
  reason?: string;
}

/**
 * `POST /api/inference/reservations` body.
 *
 * @public
 */
export interface CreateReservationRequest {
  /** Owner group entity ref. */
  owner: string;
  gpuType: string;
  gpus: number;
  ttlSeconds?: number;
  idempotencyKey?: string;
  entityRef?: string;
  /** The workload that will confirm the reservation when it appears. */
  workload?: { cluster: string; namespace: string; name: string };
}

/**
 * `PUT /api/inference/quotas` body.
 *
 * @public
 */
export interface UpdateQuotaRequest {
  owner: string;
  gpuType: string;
  limit: number;
}

/**
 * A rule a workload breaks, for the governance page.
 *
 * @public
 */
export interface PolicyViolation {
  kind:
    | 'over-quota'
    | 'tag-only-image'
    | 'unowned-workload'
    | 'no-autoscaler-ceiling'
    | 'driver-incompatible';
  workloadId?: string;
  owner?: string;
  message: string;
}

/**
 * Idle spend of one owner or service over a window.
 *
 * @public
 */
export interface IdleSpender {
  /** Owner group or entity ref (or the workload id when nothing links it). */
  ref: string;
  costUsd: number;
  idleCostUsd: number;
  idlePercent: number;
}

/**
 * The platform team's page (`GET /api/inference/platform`).
 *
 * @public
 */
export interface PlatformOverview {
  clusters: ClusterStatus[];
  capacity: ClusterCapacity[];
  quotas: QuotaStanding[];
  violations: PolicyViolation[];
  /** Fleet spend and idle share. */
  spend: { last7d: CostWindow; last30d: CostWindow };
  /** Idle spend over the last 30 days, largest first. */
  idleByOwner: IdleSpender[];
  idleByService: IdleSpender[];
  workloads: {
    total: number;
    healthy: number;
    warning: number;
    critical: number;
    gpusCharged: number;
  };
  generatedAt: string;
}

/**
 * Answer of `GET /api/inference/clusters/:cluster/platform`: the cluster's platform settings, in words, and where each
 * comes from (its config key, or the source of the built-in default).
 *
 * @public
 */
export interface ClusterPlatformResponse {
  cluster: string;
  settings: ClusterPlatformSettings;
  summary: string[];
  sources: ClusterPlatformSources;
}

import type { components, operations, paths } from './api.generated';
import type { ClusterPlatformSources } from './platform/clusterPlatformSources';

// The REST API's wire types are generated from plugins/inference-backend/src/schema/openapi.yaml (api.generated.ts);
// this file gives them the names the frontend, inference-node and the backend use.

/**
 * The REST API's routes, operations and schemas as openapi-typescript generates them from openapi.yaml.
 *
 * @public
 */
export type {
  paths as InferenceApiPaths,
  operations as InferenceApiOperations,
  components as InferenceApiComponents,
};

type Schemas = components['schemas'];

/**
 * Answer of `GET /api/inference/health`; `database.client` and `latestMigration` are only told to quota admins.
 *
 * @public
 */
export type InferenceHealthResponse = Schemas['InferenceHealthResponse'];

/**
 * A list answer of the REST API.
 *
 * @public
 */
export interface ListResponse<T> {
  items: T[];
}

/**
 * One page of a list answer: `nextCursor` (absent on the last page) is the `cursor` of the next one.
 *
 * @public
 */
export interface PageResponse<T> extends ListResponse<T> {
  totalCount: number;
  nextCursor?: string;
}

/**
 * One pod of a workload, trimmed for display.
 *
 * @public
 */
export type WorkloadPod = Schemas['WorkloadPod'];

/**
 * A model-serving workload in one cluster, as the backend's watch cache sees it.
 *
 * @public
 */
export type InferenceWorkload = Schemas['InferenceWorkload'];

/**
 * Serving metrics of a workload at its last sampling, summed or averaged over its pods.
 *
 * @public
 */
export type ServingMetrics = Schemas['ServingMetrics'];

/**
 * State of the backend's connection to a cluster. `degraded`: the watches are current, but some objects could not be
 * read (see `skippedObjects`) or deriving the cluster's workloads failed, so its figures leave something out.
 *
 * @public
 */
export type ClusterSyncState = Schemas['ClusterSyncState'];

/**
 * An object of a cluster left out of its workloads and capacity because it could not be read.
 *
 * @public
 */
export type SkippedObject = Schemas['SkippedObject'];

/**
 * Watch-cache status of one cluster.
 *
 * @public
 */
export type ClusterStatus = Schemas['ClusterStatus'];

/**
 * GPUs of one type in one node pool.
 *
 * @public
 */
export type NodePoolCapacity = Schemas['NodePoolCapacity'];

/**
 * GPU capacity of one cluster, per pool and GPU type.
 *
 * @public
 */
export type ClusterCapacity = Schemas['ClusterCapacity'];

/**
 * A cluster's watch status together with its GPU capacity (absent until the first node list arrived): an item of
 * `GET /clusters`.
 *
 * @public
 */
export type ClusterWithCapacity = Schemas['ClusterWithCapacity'];

/**
 * One aggregated usage sample of a workload, owner or GPU type.
 *
 * @public
 */
export type UsagePoint = Schemas['UsagePoint'];

/**
 * Answer of `GET /usage`: one point per bucket, summed over GPU types.
 *
 * @public
 */
export type UsageHistory = Schemas['UsageHistory'];

/**
 * Cost of a period, with the SaaS comparison prices used.
 *
 * @public
 */
export type CostWindow = Schemas['CostWindow'];

/**
 * Why an entity shows no workload, so a page never reads "Healthy: 0 workloads".
 *
 * @public
 */
export type NothingRunning = Schemas['NothingRunning'];

/**
 * Everything the entity page's cards show, in one call (`GET /api/inference/entities/:kind/:namespace/:name/summary`).
 *
 * @public
 */
export type EntityInferenceSummary = Schemas['EntityInferenceSummary'];

/**
 * A quota reservation made before a workload exists (by the scaffolder).
 *
 * @public
 */
export type Reservation = Schemas['Reservation'];

/**
 * `POST /api/inference/reservations` body.
 *
 * @public
 */
export type CreateReservationRequest = Schemas['CreateReservation'];

/**
 * A quota change as a client asks for it (`PUT /api/inference/quotas/:owner/:gpuType` with `{ limit, reason }`).
 *
 * @public
 */
export interface UpdateQuotaRequest {
  owner: string;
  gpuType: string;
  limit: number;
  reason?: string;
}

/**
 * A quota limit as stored after a change (answer of `PUT /quotas/:owner/:gpuType`).
 *
 * @public
 */
export type QuotaLimitRecord = Schemas['QuotaLimitRecord'];

/**
 * One change of a quota limit, from the audit log.
 *
 * @public
 */
export type QuotaAuditEntry = Schemas['QuotaAuditEntry'];

/**
 * A quota line as it was when it was removed (answer of `DELETE /quotas/:owner/:gpuType`).
 *
 * @public
 */
export type QuotaRemoval = Schemas['QuotaRemoval'];

/**
 * A rule a workload breaks, for the governance page.
 *
 * @public
 */
export type PolicyViolation = Schemas['PolicyViolation'];

/**
 * Idle spend of one owner or service over a window.
 *
 * @public
 */
export type IdleSpender = Schemas['IdleSpender'];

/**
 * The platform team's page (`GET /api/inference/platform`).
 *
 * @public
 */
export type PlatformOverview = Schemas['PlatformOverview'];

/**
 * Answer of `GET /api/inference/clusters/:cluster/platform`: the cluster's platform settings, in words, and where each
 * comes from (its config key, or the source of the built-in default).
 *
 * @public
 */
export type ClusterPlatformResponse = Omit<
  Schemas['ClusterPlatformResponse'],
  'sources'
> & {
  // keyed by setting path (`ingress.domain`, ...), which the spec can only type as any string
  sources: ClusterPlatformSources;
};

import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterPlatformResponse,
  ClusterWithCapacity,
  EntityInferenceSummary,
  InferenceHealthResponse,
  InferenceWorkload,
  PlatformOverview,
  QuotaAuditEntry,
  QuotaLimitRecord,
  QuotaRemoval,
  QuotaStanding,
  UsageHistory,
} from '@inference-platform/plugin-inference-common';

// The wire types this API answers with are generated from the backend's openapi.yaml into inference-common; they
// were declared here before and stay importable from this package.
export type {
  ClusterWithCapacity,
  QuotaAuditEntry,
  QuotaLimitRecord,
  QuotaRemoval,
  UsageHistory,
} from '@inference-platform/plugin-inference-common';

/**
 * Identifies a catalog entity for the summary route.
 *
 * @public
 */
export interface EntityLocator {
  kind: string;
  namespace: string;
  name: string;
}

/**
 * Filters of the usage history (`GET /usage`). Without `entityRef` and `owner` it covers the whole fleet.
 *
 * @public
 */
export interface UsageQuery {
  entityRef?: string;
  owner?: string;
  days?: number;
  /** `hour` reads raw samples (recent days only), `day` the daily roll-ups. */
  granularity?: 'hour' | 'day';
}

/**
 * Filters of `GET /workloads`.
 *
 * @public
 */
export interface WorkloadQuery {
  cluster?: string;
  owner?: string;
  gpuType?: string;
  health?: 'healthy' | 'warning' | 'critical';
}

/**
 * Frontend access to the inference backend (`/api/inference`). Every call carries the signed-in user's token.
 *
 * @public
 */
export interface InferenceApi {
  getHealth(): Promise<InferenceHealthResponse>;
  /** Workloads, findings, cost, 10x verdict, quota and cluster states of one entity; rejects with 404 when unknown. */
  getEntitySummary(entity: EntityLocator): Promise<EntityInferenceSummary>;
  getUsage(query: UsageQuery): Promise<UsageHistory>;
  listClusters(): Promise<ClusterWithCapacity[]>;
  listWorkloads(query?: WorkloadQuery): Promise<InferenceWorkload[]>;
  listQuotas(query?: { owner?: string }): Promise<QuotaStanding[]>;
  /** Sets a limit; rejects with 403 unless the caller holds `inference.quota.update`. */
  updateQuota(request: {
    owner: string;
    gpuType: string;
    limit: number;
    reason?: string;
  }): Promise<QuotaLimitRecord>;
  /**
   * Removes a quota line (audited); rejects with 403 unless the caller holds `inference.quota.update`, and with 409
   * naming what holds GPUs of the line unless `force`.
   */
  removeQuota(request: {
    owner: string;
    gpuType: string;
    force?: boolean;
    reason?: string;
  }): Promise<QuotaRemoval>;
  getQuotaAudit(owner: string, gpuType: string): Promise<QuotaAuditEntry[]>;
  getPlatformOverview(): Promise<PlatformOverview>;
  /**
   * Platform settings of a tracked cluster as the templates use them, with a summary and where each setting comes
   * from; rejects with 404 for a cluster the backend does not track.
   */
  getClusterPlatform(cluster: string): Promise<ClusterPlatformResponse>;
}

/**
 * API ref of {@link InferenceApi}.
 *
 * @public
 */
export const inferenceApiRef = createApiRef<InferenceApi>({
  id: 'plugin.inference.service',
});

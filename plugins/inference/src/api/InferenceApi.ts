import { createApiRef } from '@backstage/core-plugin-api';
import {
  ClusterCapacity,
  ClusterPlatformResponse,
  ClusterStatus,
  EntityInferenceSummary,
  InferenceHealthResponse,
  InferenceWorkload,
  PlatformOverview,
  QuotaStanding,
  UsagePoint,
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
 * Answer of `GET /usage`: one point per bucket, summed over GPU types.
 *
 * @public
 */
export interface UsageHistory {
  granularity: 'hour' | 'day';
  points: UsagePoint[];
}

/**
 * A cluster's watch status together with its GPU capacity (absent until the first node list arrived).
 *
 * @public
 */
export type ClusterWithCapacity = ClusterStatus & {
  capacity?: ClusterCapacity;
};

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
 * A quota limit as stored after a change.
 *
 * @public
 */
export interface QuotaLimitRecord {
  ownerRef: string;
  gpuType: string;
  limit: number;
  updatedBy: string;
  updatedAt: string;
}

/**
 * One change of a quota limit, from the audit log.
 *
 * @public
 */
export interface QuotaAuditEntry {
  ownerRef: string;
  gpuType: string;
  previousLimit: number | null;
  /** The limit after the change; null when the line was removed. */
  newLimit: number | null;
  changedBy: string;
  reason?: string;
  changedAt: string;
}

/**
 * A quota line as it was when it was removed.
 *
 * @public
 */
export interface QuotaRemoval {
  ownerRef: string;
  gpuType: string;
  previousLimit: number;
  removedBy: string;
  removedAt: string;
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

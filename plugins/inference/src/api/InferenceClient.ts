import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  ClusterPlatformResponse,
  EntityInferenceSummary,
  InferenceApiClient,
  InferenceHealthResponse,
  InferenceWorkload,
  PlatformOverview,
  QuotaStanding,
} from '@inference-platform/plugin-inference-common';
import {
  ClusterWithCapacity,
  EntityLocator,
  InferenceApi,
  QuotaAuditEntry,
  QuotaLimitRecord,
  QuotaRemoval,
  UsageHistory,
  UsageQuery,
  WorkloadQuery,
} from './InferenceApi';

/**
 * {@link InferenceApi} over the backend's REST API, with the signed-in user's credentials (which `fetchApi` adds).
 * A 429 or 503 that says when to come back is waited out twice at most, up to 10 s each: a person is waiting.
 *
 * @public
 */
export class InferenceClient implements InferenceApi {
  private readonly client: InferenceApiClient;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    /** How a Retry-After is waited out (tests pass their own). */
    sleep?: (ms: number) => Promise<void>;
  }) {
    const { discoveryApi, fetchApi, sleep } = options;
    this.client = InferenceApiClient.create({
      fetch: (url, init) => fetchApi.fetch(url, init),
      getBaseUrl: () => discoveryApi.getBaseUrl('inference'),
      retry: { maxRetries: 2, maxWaitMs: 10_000, sleep },
    });
  }

  async getHealth(): Promise<InferenceHealthResponse> {
    return this.client.getHealth();
  }

  async getEntitySummary(
    entity: EntityLocator,
  ): Promise<EntityInferenceSummary> {
    return this.client.getEntitySummary(entity);
  }

  async getUsage(query: UsageQuery): Promise<UsageHistory> {
    return this.client.getUsage({
      entityRef: query.entityRef,
      owner: query.owner,
      days: query.days?.toString(),
      granularity: query.granularity,
    });
  }

  async listClusters(): Promise<ClusterWithCapacity[]> {
    return this.client.listClusters();
  }

  async listWorkloads(query: WorkloadQuery = {}): Promise<InferenceWorkload[]> {
    return this.client.listWorkloads(query);
  }

  async listQuotas(query: { owner?: string } = {}): Promise<QuotaStanding[]> {
    return this.client.listQuotas(query);
  }

  async updateQuota(request: {
    owner: string;
    gpuType: string;
    limit: number;
    reason?: string;
  }): Promise<QuotaLimitRecord> {
    return this.client.updateQuota(request);
  }

  async removeQuota(request: {
    owner: string;
    gpuType: string;
    force?: boolean;
    reason?: string;
  }): Promise<QuotaRemoval> {
    return this.client.removeQuota(request);
  }

  async getQuotaAudit(
    owner: string,
    gpuType: string,
  ): Promise<QuotaAuditEntry[]> {
    const page = await this.client.getQuotaAudit({ owner, gpuType });
    return page.items;
  }

  async getPlatformOverview(): Promise<PlatformOverview> {
    return this.client.getPlatformOverview();
  }

  async getClusterPlatform(cluster: string): Promise<ClusterPlatformResponse> {
    return this.client.getClusterPlatform(cluster);
  }
}

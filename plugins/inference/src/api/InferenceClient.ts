import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterPlatformResponse,
  EntityInferenceSummary,
  InferenceHealthResponse,
  InferenceWorkload,
  ListResponse,
  PlatformOverview,
  QuotaStanding,
  retryDelayMs,
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
 * {@link InferenceApi} over the backend's REST API, with the signed-in user's credentials.
 *
 * @public
 */
export class InferenceClient implements InferenceApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    /** How a Retry-After is waited out (tests pass their own). */
    sleep?: (ms: number) => Promise<void>;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
  }

  async getHealth(): Promise<InferenceHealthResponse> {
    const response = await this.fetch('/health', undefined, { retry: false });
    // 503 carries a degraded health report, which is an answer, not a failure.
    if (!response.ok && response.status !== 503) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as InferenceHealthResponse;
  }

  async getEntitySummary(
    entity: EntityLocator,
  ): Promise<EntityInferenceSummary> {
    const path = [entity.kind, entity.namespace, entity.name]
      .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
      .join('/');
    return this.getJson(`/entities/${path}/summary`);
  }

  async getUsage(query: UsageQuery): Promise<UsageHistory> {
    return this.getJson(
      `/usage${queryString({
        entityRef: query.entityRef,
        owner: query.owner,
        days: query.days?.toString(),
        granularity: query.granularity,
      })}`,
    );
  }

  async listClusters(): Promise<ClusterWithCapacity[]> {
    const body = await this.getJson<ListResponse<ClusterWithCapacity>>(
      '/clusters',
    );
    return body.items;
  }

  async listWorkloads(query: WorkloadQuery = {}): Promise<InferenceWorkload[]> {
    const body = await this.getJson<ListResponse<InferenceWorkload>>(
      `/workloads${queryString({ ...query })}`,
    );
    return body.items;
  }

  async listQuotas(query: { owner?: string } = {}): Promise<QuotaStanding[]> {
    const body = await this.getJson<ListResponse<QuotaStanding>>(
      `/quotas${queryString({ owner: query.owner })}`,
    );
    return body.items;
  }

  async updateQuota(request: {
    owner: string;
    gpuType: string;
    limit: number;
    reason?: string;
  }): Promise<QuotaLimitRecord> {
    const response = await this.fetch(
      quotaPath(request.owner, request.gpuType),
      {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ limit: request.limit, reason: request.reason }),
      },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as QuotaLimitRecord;
  }

  async removeQuota(request: {
    owner: string;
    gpuType: string;
    force?: boolean;
    reason?: string;
  }): Promise<QuotaRemoval> {
    const response = await this.fetch(
      `${quotaPath(request.owner, request.gpuType)}${queryString({
        force: request.force ? 'true' : undefined,
        reason: request.reason,
      })}`,
      { method: 'DELETE' },
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as QuotaRemoval;
  }

  async getQuotaAudit(
    owner: string,
    gpuType: string,
  ): Promise<QuotaAuditEntry[]> {
    const body = await this.getJson<ListResponse<QuotaAuditEntry>>(
      `${quotaPath(owner, gpuType)}/audit`,
    );
    return body.items;
  }

  async getPlatformOverview(): Promise<PlatformOverview> {
    return this.getJson('/platform');
  }

  async getClusterPlatform(cluster: string): Promise<ClusterPlatformResponse> {
    return this.getJson(`/clusters/${encodeURIComponent(cluster)}/platform`);
  }

  /**
   * One call; a 429 or 503 that says when to come back is waited out (twice at most, up to 10 s each: a person is
   * waiting) and the same request sent again, which the backend allows because it refuses both before acting.
   */
  private async fetch(
    path: string,
    init?: RequestInit,
    options: { retry: boolean } = { retry: true },
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('inference');
    let response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    for (let retries = 0; options.retry && retries < 2; retries++) {
      const delayMs = retryDelayMs(
        response.status,
        response.headers.get('Retry-After'),
        { maxWaitMs: 10_000 },
      );
      if (delayMs === undefined) break;
      await this.sleep(delayMs);
      response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    }
    return response;
  }

  private async getJson<T>(path: string): Promise<T> {
    const response = await this.fetch(path);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}

// Owner refs contain ':' and '/', which the backend expects percent-encoded in a path segment.
function quotaPath(owner: string, gpuType: string): string {
  return `/quotas/${encodeURIComponent(owner)}/${encodeURIComponent(gpuType)}`;
}

// The backend rejects query values with reserved characters unless encoded; URLSearchParams encodes ':' and '/'.
function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

import { ResponseError } from '@backstage/errors';
import type {
  ClusterPlatformResponse,
  ClusterWithCapacity,
  CreateReservationRequest,
  EntityInferenceSummary,
  InferenceApiComponents,
  InferenceApiOperations,
  InferenceHealthResponse,
  InferenceWorkload,
  PlatformOverview,
  QuotaLimitRecord,
  QuotaRemoval,
  Reservation,
  UpdateQuotaRequest,
  UsageHistory,
} from '../api';
import { fetchWithRetry, InferenceApiRetrySettings } from './fetchWithRetry';
import { entitySummaryPath, queryString, quotaPath } from './urls';

type Schemas = InferenceApiComponents['schemas'];

/**
 * The query parameters of an operation of the REST API, as openapi.yaml declares them.
 *
 * @public
 */
export type InferenceApiQuery<Operation extends keyof InferenceApiOperations> =
  NonNullable<InferenceApiOperations[Operation]['parameters']['query']>;

/**
 * What the client needs of its environment: a `fetch` (the browser's `fetchApi`, or Node's), where the backend is and,
 * where the `fetch` does not add one itself, a bearer token.
 *
 * @public
 */
export interface InferenceApiClientOptions {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  /** Base URL of the inference backend (`.../api/inference`), asked before every call. */
  getBaseUrl(): Promise<string>;
  /** Bearer token of a call that does not bring its own; none: no Authorization header. */
  getToken?(): Promise<string | undefined>;
  retry: InferenceApiRetrySettings;
}

/**
 * Options of one call.
 *
 * @public
 */
export interface InferenceApiCallOptions {
  /** Bearer token for this call instead of the client's (e.g. a token on behalf of a user). */
  token?: string;
}

/**
 * The one client of the inference backend's REST API (openapi.yaml), for the browser and for Node: every method
 * answers with the types generated from the spec, an error answer rejects with a `ResponseError`, and a 429 or 503
 * that says when to come back is waited out within the retry settings.
 *
 * @public
 */
export class InferenceApiClient {
  static create(options: InferenceApiClientOptions): InferenceApiClient {
    return new InferenceApiClient(options);
  }

  private constructor(private readonly options: InferenceApiClientOptions) {}

  /** State of the backend and its store; a degraded report (503) is an answer, not an error. */
  async getHealth(
    call?: InferenceApiCallOptions,
  ): Promise<InferenceHealthResponse> {
    return this.json('GET', '/health', { call, answers: [503] });
  }

  async getEntitySummary(
    entity: { kind: string; namespace: string; name: string },
    call?: InferenceApiCallOptions,
  ): Promise<EntityInferenceSummary> {
    return this.json('GET', entitySummaryPath(entity), { call });
  }

  async getUsage(
    query: InferenceApiQuery<'GetUsage'> = {},
    call?: InferenceApiCallOptions,
  ): Promise<UsageHistory> {
    return this.json('GET', `/usage${queryString(query)}`, { call });
  }

  async listClusters(
    call?: InferenceApiCallOptions,
  ): Promise<ClusterWithCapacity[]> {
    const list: Schemas['ClusterList'] = await this.json('GET', '/clusters', {
      call,
    });
    return list.items;
  }

  async listWorkloads(
    query: InferenceApiQuery<'ListWorkloads'> = {},
    call?: InferenceApiCallOptions,
  ): Promise<InferenceWorkload[]> {
    const list: Schemas['WorkloadList'] = await this.json(
      'GET',
      `/workloads${queryString(query)}`,
      { call },
    );
    return list.items;
  }

  async listQuotas(
    query: InferenceApiQuery<'ListQuotas'> = {},
    call?: InferenceApiCallOptions,
  ): Promise<Array<Schemas['QuotaStanding']>> {
    const list: Schemas['QuotaStandingList'] = await this.json(
      'GET',
      `/quotas${queryString(query)}`,
      { call },
    );
    return list.items;
  }

  async updateQuota(
    request: UpdateQuotaRequest,
    call?: InferenceApiCallOptions,
  ): Promise<QuotaLimitRecord> {
    const body: Schemas['UpdateQuota'] = {
      limit: request.limit,
      reason: request.reason,
    };
    return this.json('PUT', quotaPath(request.owner, request.gpuType), {
      call,
      body,
    });
  }

  async removeQuota(
    request: {
      owner: string;
      gpuType: string;
      force?: boolean;
      reason?: string;
    },
    call?: InferenceApiCallOptions,
  ): Promise<QuotaRemoval> {
    const query: InferenceApiQuery<'RemoveQuota'> = {
      force: request.force ? 'true' : undefined,
      reason: request.reason,
    };
    return this.json(
      'DELETE',
      `${quotaPath(request.owner, request.gpuType)}${queryString(query)}`,
      { call },
    );
  }

  /** One page of the changes of a quota line, oldest first. */
  async getQuotaAudit(
    request: {
      owner: string;
      gpuType: string;
    } & InferenceApiQuery<'GetQuotaAudit'>,
    call?: InferenceApiCallOptions,
  ): Promise<Schemas['QuotaAuditPage']> {
    const { owner, gpuType, ...page } = request;
    return this.json(
      'GET',
      `${quotaPath(owner, gpuType)}/audit${queryString(page)}`,
      { call },
    );
  }

  /** One page of reservations. */
  async listReservations(
    query: InferenceApiQuery<'ListReservations'> = {},
    call?: InferenceApiCallOptions,
  ): Promise<Schemas['ReservationPage']> {
    return this.json('GET', `/reservations${queryString(query)}`, { call });
  }

  /**
   * Reserves GPUs of an owner's quota; rejects with 409 when the quota would be exceeded. Repeating an idempotency key
   * answers with the first reservation.
   */
  async createReservation(
    request: CreateReservationRequest,
    call?: InferenceApiCallOptions,
  ): Promise<Reservation> {
    return this.json('POST', '/reservations', { call, body: request });
  }

  /** One reservation; undefined when there is none with this id. */
  async getReservation(
    id: string,
    call?: InferenceApiCallOptions,
  ): Promise<Reservation | undefined> {
    const response = await this.send(
      'GET',
      `/reservations/${encodeURIComponent(id)}`,
      { call, answers: [404] },
    );
    if (response.status === 404) return undefined;
    return (await response.json()) as Reservation;
  }

  /** Gives a pending reservation back (releasing twice is harmless). */
  async releaseReservation(
    id: string,
    call?: InferenceApiCallOptions,
  ): Promise<Reservation> {
    return this.json(
      'POST',
      `/reservations/${encodeURIComponent(id)}/release`,
      { call },
    );
  }

  async getPlatformOverview(
    call?: InferenceApiCallOptions,
  ): Promise<PlatformOverview> {
    return this.json('GET', '/platform', { call });
  }

  /** A tracked cluster's platform settings; rejects with 404 for a cluster the backend does not track. */
  async getClusterPlatform(
    cluster: string,
    call?: InferenceApiCallOptions,
  ): Promise<ClusterPlatformResponse> {
    return this.json(
      'GET',
      `/clusters/${encodeURIComponent(cluster)}/platform`,
      { call },
    );
  }

  private async json<T>(
    method: string,
    path: string,
    request: SendOptions,
  ): Promise<T> {
    const response = await this.send(method, path, request);
    return (await response.json()) as T;
  }

  /** Sends a call, waits out what may be retried, and rejects with a `ResponseError` unless the answer is ok. */
  private async send(
    method: string,
    path: string,
    { call, body, answers = [] }: SendOptions,
  ): Promise<Response> {
    const url = `${await this.options.getBaseUrl()}${path}`;
    const token = call?.token ?? (await this.options.getToken?.());
    const init: RequestInit = {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    };
    const isAnswer = (status: number) => answers.includes(status);
    const response = await fetchWithRetry(
      () => this.options.fetch(url, init),
      this.options.retry,
      isAnswer,
    );
    if (!response.ok && !isAnswer(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

interface SendOptions {
  call?: InferenceApiCallOptions;
  body?: unknown;
  /** Statuses besides 2xx that answer the call rather than refuse it. */
  answers?: number[];
}

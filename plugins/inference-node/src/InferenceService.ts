import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ClusterCapacity,
  ClusterStatus,
  CreateReservationRequest,
  InferenceHealthResponse,
  QuotaStanding,
  Reservation,
  retryDelayMs,
} from '@inference-platform/plugin-inference-common';

/**
 * How the client waits out a 429 (rate limited) or 503 (store unreachable) that says when to come back.
 *
 * @public
 */
export interface RetryPolicy {
  maxRetries: number;
  /** A longer Retry-After is not waited for: the error goes to the caller. */
  maxWaitMs: number;
  sleep(ms: number): Promise<void>;
}

const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  maxWaitMs: 30_000,
  sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
};

/**
 * Options of a call: the credentials it is made on behalf of (e.g. the user who runs a scaffolder template).
 * Without them the call is made with the calling plugin's own service credentials.
 *
 * @public
 */
export interface InferenceRequestOptions {
  credentials?: BackstageCredentials;
}

/**
 * A reservation request from another backend plugin.
 *
 * @public
 */
export interface ReserveGpusRequest extends CreateReservationRequest {
  /** Repeating a key returns the first reservation instead of reserving twice (e.g. `<taskId>:<step>`). */
  idempotencyKey?: string;
  /** The catalog entity the GPUs are for. */
  entityRef?: string;
}

/**
 * What other backend plugins (the scaffolder module first) can ask the inference backend.
 *
 * @public
 */
export interface InferenceService {
  /** State of the inference backend and its store. */
  getHealth(
    options?: InferenceRequestOptions,
  ): Promise<InferenceHealthResponse>;
  /**
   * Reserves GPUs of the owner's quota. Fails with a 409 `ResponseError` that states used, reserved, requested and
   * limit when the quota would be exceeded.
   */
  reserveGpus(
    request: ReserveGpusRequest,
    options?: InferenceRequestOptions,
  ): Promise<Reservation>;
  /** Gives a pending reservation back (releasing twice is harmless). */
  releaseReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation>;
  /** One reservation; undefined when there is none with this id. */
  getReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation | undefined>;
  /** The owner's quota lines (limit, used at autoscaler ceiling, reserved, headroom) per GPU type. */
  getQuotaStandings(
    owner: string,
    options?: InferenceRequestOptions,
  ): Promise<QuotaStanding[]>;
  /** Every tracked cluster with its watch status and GPU capacity per pool (GPU type, driver, free GPUs). */
  getClusters(
    options?: InferenceRequestOptions,
  ): Promise<Array<ClusterStatus & { capacity?: ClusterCapacity }>>;
}

/**
 * {@link InferenceService} over HTTP: service-to-service tokens from the auth service, on behalf of the given
 * credentials or the calling plugin.
 *
 * @public
 */
export class DefaultInferenceService implements InferenceService {
  /** Creates the client from the discovery and auth services of the calling plugin. */
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    fetch?: typeof fetch;
    /** How a 429 or 503 with Retry-After is waited for (default: up to 3 retries, each wait at most 30 s). */
    retry?: Partial<RetryPolicy>;
  }): DefaultInferenceService {
    return new DefaultInferenceService(
      options.discovery,
      options.auth,
      options.fetch ?? fetch,
      { ...DEFAULT_RETRY, ...options.retry },
    );
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly fetchFn: typeof fetch,
    private readonly retry: RetryPolicy,
  ) {}

  async getHealth(
    options?: InferenceRequestOptions,
  ): Promise<InferenceHealthResponse> {
    return this.request<InferenceHealthResponse>('GET', '/health', {
      ...options,
      okStatuses: [503],
    });
  }

  async reserveGpus(
    request: ReserveGpusRequest,
    options?: InferenceRequestOptions,
  ): Promise<Reservation> {
    return this.request<Reservation>('POST', '/reservations', {
      ...options,
      body: request,
    });
  }

  async releaseReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation> {
    return this.request<Reservation>(
      'POST',
      `/reservations/${encodeURIComponent(id)}/release`,
      options,
    );
  }

  async getReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation | undefined> {
    try {
      return await this.request<Reservation>(
        'GET',
        `/reservations/${encodeURIComponent(id)}`,
        options,
      );
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        return undefined;
      throw error;
    }
  }

  async getQuotaStandings(
    owner: string,
    options?: InferenceRequestOptions,
  ): Promise<QuotaStanding[]> {
    const { items } = await this.request<{ items: QuotaStanding[] }>(
      'GET',
      `/quotas?owner=${encodeURIComponent(owner)}`,
      options,
    );
    return items;
  }

  async getClusters(
    options?: InferenceRequestOptions,
  ): Promise<Array<ClusterStatus & { capacity?: ClusterCapacity }>> {
    const { items } = await this.request<{
      items: Array<ClusterStatus & { capacity?: ClusterCapacity }>;
    }>('GET', '/clusters', options);
    return items;
  }

  private async request<T>(
    method: string,
    path: string,
    options?: InferenceRequestOptions & {
      body?: unknown;
      okStatuses?: number[];
    },
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('inference');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf:
        options?.credentials ?? (await this.auth.getOwnServiceCredentials()),
      targetPluginId: 'inference',
    });
    const send = () =>
      this.fetchFn(`${baseUrl}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(options?.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : {}),
        },
        body:
          options?.body !== undefined
            ? JSON.stringify(options.body)
            : undefined,
      });
    let response = await send();
    for (let retries = 0; retries < this.retry.maxRetries; retries++) {
      if (response.ok || options?.okStatuses?.includes(response.status)) break;
      const delayMs = retryDelayMs(
        response.status,
        response.headers.get('Retry-After'),
        { maxWaitMs: this.retry.maxWaitMs },
      );
      if (delayMs === undefined) break;
      await response.body?.cancel();
      await this.retry.sleep(delayMs);
      response = await send();
    }
    if (!response.ok && !options?.okStatuses?.includes(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

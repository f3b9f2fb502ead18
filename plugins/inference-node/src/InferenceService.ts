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
} from '@inference-platform/plugin-inference-common';

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
  }): DefaultInferenceService {
    return new DefaultInferenceService(
      options.discovery,
      options.auth,
      options.fetch ?? fetch,
    );
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly fetchFn: typeof fetch,
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
    const response = await this.fetchFn(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(options?.body !== undefined
          ? { 'Content-Type': 'application/json' }
          : {}),
      },
      body:
        options?.body !== undefined ? JSON.stringify(options.body) : undefined,
    });
    if (!response.ok && !options?.okStatuses?.includes(response.status)) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

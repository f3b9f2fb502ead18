import {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  ClusterCapacity,
  ClusterStatus,
  CreateReservationRequest,
  InferenceApiCallOptions,
  InferenceApiClient,
  InferenceHealthResponse,
  QuotaStanding,
  Reservation,
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

// A backend task can wait longer than a person (the frontend's client gives up after 2 waits of 10 s).
const DEFAULT_RETRY: Omit<RetryPolicy, 'sleep'> = {
  maxRetries: 3,
  maxWaitMs: 30_000,
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
    const fetchFn = options.fetch ?? fetch;
    const client = InferenceApiClient.create({
      fetch: (url, init) => fetchFn(url, init),
      getBaseUrl: () => options.discovery.getBaseUrl('inference'),
      retry: { ...DEFAULT_RETRY, ...options.retry },
    });
    return new DefaultInferenceService(client, options.auth);
  }

  private constructor(
    private readonly client: InferenceApiClient,
    private readonly auth: AuthService,
  ) {}

  async getHealth(
    options?: InferenceRequestOptions,
  ): Promise<InferenceHealthResponse> {
    return this.client.getHealth(await this.call(options));
  }

  async reserveGpus(
    request: ReserveGpusRequest,
    options?: InferenceRequestOptions,
  ): Promise<Reservation> {
    return this.client.createReservation(request, await this.call(options));
  }

  async releaseReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation> {
    return this.client.releaseReservation(id, await this.call(options));
  }

  async getReservation(
    id: string,
    options?: InferenceRequestOptions,
  ): Promise<Reservation | undefined> {
    return this.client.getReservation(id, await this.call(options));
  }

  async getQuotaStandings(
    owner: string,
    options?: InferenceRequestOptions,
  ): Promise<QuotaStanding[]> {
    return this.client.listQuotas({ owner }, await this.call(options));
  }

  async getClusters(
    options?: InferenceRequestOptions,
  ): Promise<Array<ClusterStatus & { capacity?: ClusterCapacity }>> {
    return this.client.listClusters(await this.call(options));
  }

  /** A service token to the inference backend, on behalf of the given credentials or of the calling plugin. */
  private async call(
    options?: InferenceRequestOptions,
  ): Promise<InferenceApiCallOptions> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf:
        options?.credentials ?? (await this.auth.getOwnServiceCredentials()),
      targetPluginId: 'inference',
    });
    return { token };
  }
}

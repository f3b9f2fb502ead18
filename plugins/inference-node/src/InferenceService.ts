import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { InferenceHealthResponse } from '@inference-platform/plugin-inference-common';

/**
 * What other backend plugins (the scaffolder module first) can ask the inference backend.
 *
 * @public
 */
export interface InferenceService {
  /** State of the inference backend and its store. */
  getHealth(): Promise<InferenceHealthResponse>;
}

/**
 * {@link InferenceService} over HTTP, authenticated with this plugin's service credentials.
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

  async getHealth(): Promise<InferenceHealthResponse> {
    return this.request<InferenceHealthResponse>('GET', '/health', {
      okStatuses: [503],
    });
  }

  private async request<T>(
    method: string,
    path: string,
    options?: { body?: unknown; okStatuses?: number[] },
  ): Promise<T> {
    const baseUrl = await this.discovery.getBaseUrl('inference');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
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

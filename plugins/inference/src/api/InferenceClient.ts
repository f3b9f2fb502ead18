import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { InferenceHealthResponse } from '@inference-platform/plugin-inference-common';
import { InferenceApi } from './InferenceApi';

/**
 * {@link InferenceApi} over the backend's REST API, with the signed-in user's credentials.
 *
 * @public
 */
export class InferenceClient implements InferenceApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getHealth(): Promise<InferenceHealthResponse> {
    const baseUrl = await this.discoveryApi.getBaseUrl('inference');
    const response = await this.fetchApi.fetch(`${baseUrl}/health`);
    // 503 carries a degraded health report, which is an answer, not a failure.
    if (!response.ok && response.status !== 503) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as InferenceHealthResponse;
  }
}

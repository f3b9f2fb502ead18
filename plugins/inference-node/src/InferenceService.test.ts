import { mockServices } from '@backstage/backend-test-utils';
import { DefaultInferenceService } from './InferenceService';

describe('DefaultInferenceService', () => {
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
  });
  const auth = mockServices.auth();

  function jsonResponse(status: number, body: unknown) {
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  }

  it('calls the inference backend with service credentials', async () => {
    const fetchFn = jest.fn(async () =>
      jsonResponse(200, {
        status: 'ok',
        database: { client: 'pg', reachable: true },
      }),
    );
    const client = DefaultInferenceService.create({
      discovery,
      auth,
      fetch: fetchFn as unknown as typeof fetch,
    });

    await expect(client.getHealth()).resolves.toEqual({
      status: 'ok',
      database: { client: 'pg', reachable: true },
    });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [
      string,
      RequestInit,
    ];
    expect(url).toBe('http://backend.test/api/inference/health');
    expect((init.headers as Record<string, string>).Authorization).toMatch(
      /^Bearer .+/,
    );
  });

  it('returns a degraded health answer instead of throwing', async () => {
    const fetchFn = jest.fn(async () =>
      jsonResponse(503, {
        status: 'degraded',
        database: { client: 'pg', reachable: false },
      }),
    );
    const client = DefaultInferenceService.create({
      discovery,
      auth,
      fetch: fetchFn as unknown as typeof fetch,
    });
    await expect(client.getHealth()).resolves.toMatchObject({
      status: 'degraded',
    });
  });

  it('turns an error answer into a ResponseError with the server message', async () => {
    const fetchFn = jest.fn(async () =>
      jsonResponse(401, {
        error: { name: 'AuthenticationError', message: 'Missing credentials' },
        request: { method: 'GET', url: '/health' },
        response: { statusCode: 401 },
      }),
    );
    const client = DefaultInferenceService.create({
      discovery,
      auth,
      fetch: fetchFn as unknown as typeof fetch,
    });
    const error = await client.getHealth().catch(e => e);
    expect(error.name).toBe('ResponseError');
    expect(error.statusCode).toBe(401);
    expect(error.cause.message).toBe('Missing credentials');
  });
});

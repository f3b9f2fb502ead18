import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
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

describe('DefaultInferenceService quota calls', () => {
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
  });

  function clientWith(response: Response) {
    const auth = mockServices.auth();
    const fetchFn = jest.fn(async () => response);
    const client = DefaultInferenceService.create({
      discovery,
      auth,
      fetch: fetchFn as unknown as typeof fetch,
    });
    const call = () =>
      fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    return { client, call };
  }

  it('reserves GPUs on behalf of the user who runs the template', async () => {
    const { client, call } = clientWith(
      new Response(JSON.stringify({ id: 'r1', state: 'pending' }), {
        status: 201,
      }),
    );
    const request = {
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-L4',
      gpus: 2,
      idempotencyKey: 'task-7:reserve',
    };
    await expect(
      client.reserveGpus(request, {
        credentials: mockCredentials.user('user:default/chen.wei'),
      }),
    ).resolves.toEqual({ id: 'r1', state: 'pending' });
    const [url, init] = call();
    expect(url).toBe('http://backend.test/api/inference/reservations');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual(request);
    // the mock auth service encodes the principal in the token: the call is the user's, not the plugin's
    expect((init.headers as Record<string, string>).Authorization).toContain(
      'chen.wei',
    );
  });

  it('passes the refusal of an exceeded quota on with its numbers', async () => {
    const message =
      'GPU quota of group:default/ml-chat for NVIDIA-L4 would be exceeded: used 6 + reserved 0 + requested 4 = 10 > limit 8 (2 free)';
    const { client } = clientWith(
      new Response(
        JSON.stringify({
          error: { name: 'ConflictError', message },
          response: { statusCode: 409 },
        }),
        {
          status: 409,
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );
    const error = await client
      .reserveGpus({
        owner: 'group:default/ml-chat',
        gpuType: 'NVIDIA-L4',
        gpus: 4,
      })
      .catch(e => e);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(message);
  });

  it('releases by id and reads quota standings of an owner', async () => {
    const release = clientWith(
      new Response(JSON.stringify({ id: 'a/b', state: 'released' })),
    );
    await release.client.releaseReservation('a/b');
    expect(release.call()[0]).toBe(
      'http://backend.test/api/inference/reservations/a%2Fb/release',
    );

    const quotas = clientWith(
      new Response(
        JSON.stringify({ items: [{ owner: 'group:default/ml-chat' }] }),
      ),
    );
    await expect(
      quotas.client.getQuotaStandings('group:default/ml-chat'),
    ).resolves.toEqual([{ owner: 'group:default/ml-chat' }]);
    expect(quotas.call()[0]).toBe(
      'http://backend.test/api/inference/quotas?owner=group%3Adefault%2Fml-chat',
    );
  });
});

describe('DefaultInferenceService on 429 and 503 with Retry-After', () => {
  const discovery = mockServices.discovery.mock({
    getBaseUrl: async pluginId => `http://backend.test/api/${pluginId}`,
  });
  const auth = mockServices.auth();
  const reservation = { id: 'r-1', owner: 'group:default/ml-chat', gpus: 2 };
  const refused = (status: number, retryAfter: string) =>
    new Response(
      JSON.stringify({
        error: { name: 'Refused', message: `status ${status}` },
        response: { statusCode: status },
      }),
      {
        status,
        headers: {
          'Content-Type': 'application/json',
          'Retry-After': retryAfter,
        },
      },
    );
  const created = () =>
    new Response(JSON.stringify(reservation), {
      status: 201,
      headers: { 'Content-Type': 'application/json' },
    });

  function clientAnswering(answers: Response[]) {
    const fetchFn = jest.fn(async () => answers.shift()!);
    const waits: number[] = [];
    const client = DefaultInferenceService.create({
      discovery,
      auth,
      fetch: fetchFn as unknown as typeof fetch,
      retry: { sleep: async ms => void waits.push(ms) },
    });
    return { client, fetchFn, waits };
  }

  const reserve = (client: DefaultInferenceService) =>
    client.reserveGpus({
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      gpus: 2,
      idempotencyKey: 'task-1:reserve',
    });

  it('waits as long as the backend asks, then sends the same request again', async () => {
    const { client, fetchFn, waits } = clientAnswering([
      refused(429, '2'),
      refused(503, '1'),
      created(),
    ]);
    await expect(reserve(client)).resolves.toEqual(reservation);
    expect(waits).toEqual([2000, 1000]);
    const bodies = fetchFn.mock.calls.map(
      call => (call as unknown as [string, RequestInit])[1].body,
    );
    expect(new Set(bodies).size).toBe(1);
  });

  it('gives up after three retries with the last answer as the error', async () => {
    const { client, fetchFn, waits } = clientAnswering([
      refused(429, '1'),
      refused(429, '1'),
      refused(429, '1'),
      refused(429, '1'),
    ]);
    const error = await reserve(client).catch(e => e);
    expect(error.statusCode).toBe(429);
    expect(fetchFn).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it('does not wait out a Retry-After beyond its limit, or retry a refusal that says nothing of when', async () => {
    for (const answer of [refused(429, '3600'), refused(409, '1')]) {
      const { client, fetchFn, waits } = clientAnswering([answer]);
      const error = await reserve(client).catch(e => e);
      expect(error.name).toBe('ResponseError');
      expect(fetchFn).toHaveBeenCalledTimes(1);
      expect(waits).toEqual([]);
    }
  });
});

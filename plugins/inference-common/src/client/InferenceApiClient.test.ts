import { ResponseError } from '@backstage/errors';
import { InferenceApiClient } from './InferenceApiClient';

const BASE = 'http://backend.test/api/inference';

type Answer = { status: number; body?: unknown; retryAfter?: string };

/** A client over a fake fetch that gives the answers in turn and records every request and wait. */
function clientAnswering(
  answers: Answer[],
  options: { maxRetries?: number; token?: string } = {},
) {
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  const waits: number[] = [];
  const client = InferenceApiClient.create({
    fetch: async (url, init) => {
      requests.push({ url, init });
      const answer = answers.shift();
      if (!answer) throw new Error(`unexpected request ${url}`);
      return new Response(JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: {
          'Content-Type': 'application/json',
          ...(answer.retryAfter ? { 'Retry-After': answer.retryAfter } : {}),
        },
      });
    },
    getBaseUrl: async () => BASE,
    getToken: async () => options.token,
    retry: {
      maxRetries: options.maxRetries ?? 3,
      maxWaitMs: 30_000,
      sleep: async ms => void waits.push(ms),
    },
  });
  return { client, requests, waits };
}

const reservation = {
  id: 'r-1',
  owner: 'group:default/ml-chat',
  gpuType: 'NVIDIA-L4',
  gpus: 2,
  state: 'pending',
  createdAt: '2026-12-05T08:00:00Z',
  expiresAt: '2026-12-05T09:00:00Z',
};

const refusal = (status: number, message: string) => ({
  error: { name: 'Refused', message },
  response: { statusCode: status },
});

describe('InferenceApiClient requests', () => {
  it('sends the client token, or the token of the call instead', async () => {
    const { client, requests } = clientAnswering(
      [
        { status: 200, body: { items: [] } },
        { status: 200, body: { items: [] } },
      ],
      { token: 'plugin-token' },
    );
    await client.listClusters();
    await client.listClusters({ token: 'user-token' });
    const authorization = requests.map(
      ({ init }) => (init?.headers as Record<string, string>).Authorization,
    );
    expect(authorization).toEqual(['Bearer plugin-token', 'Bearer user-token']);
  });

  it('sends no Authorization header without a token (the browser fetch adds its own)', async () => {
    const { client, requests } = clientAnswering([
      { status: 200, body: { items: [] } },
    ]);
    await client.listWorkloads({ health: 'critical' });
    expect(requests[0].url).toBe(`${BASE}/workloads?health=critical`);
    expect(requests[0].init?.headers).toEqual({});
  });

  it('encodes owner refs in paths and queries and leaves out unset filters', async () => {
    const { client, requests } = clientAnswering([
      { status: 200, body: { items: [], totalCount: 0 } },
      { status: 200, body: { items: [] } },
    ]);
    await client.getQuotaAudit({
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-L4',
      limit: '10',
    });
    await client.listQuotas({ owner: undefined });
    expect(requests.map(r => r.url)).toEqual([
      `${BASE}/quotas/group%3Adefault%2Fml-chat/NVIDIA-L4/audit?limit=10`,
      `${BASE}/quotas`,
    ]);
  });

  it('posts a reservation as JSON and answers with the reservation', async () => {
    const { client, requests } = clientAnswering([
      { status: 201, body: reservation },
    ]);
    const request = {
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-L4',
      gpus: 2,
      idempotencyKey: 'task-1:reserve',
    };
    await expect(client.createReservation(request)).resolves.toEqual(
      reservation,
    );
    expect(requests[0].init?.method).toBe('POST');
    expect(requests[0].init?.headers).toEqual({
      'Content-Type': 'application/json',
    });
    expect(JSON.parse(String(requests[0].init?.body))).toEqual(request);
  });

  it('answers a degraded health report (503) and an unknown reservation (404) instead of rejecting', async () => {
    const { client, waits } = clientAnswering([
      { status: 503, body: { status: 'degraded' }, retryAfter: '1' },
      { status: 404, body: refusal(404, 'No reservation r-2') },
    ]);
    await expect(client.getHealth()).resolves.toEqual({ status: 'degraded' });
    await expect(client.getReservation('r-2')).resolves.toBeUndefined();
    expect(waits).toEqual([]);
  });
});

describe('InferenceApiClient on error answers', () => {
  it('rejects with a ResponseError that carries the status and the message the backend sent', async () => {
    const message =
      'GPU quota of group:default/ml-chat for NVIDIA-L4 would be exceeded';
    const { client } = clientAnswering([
      { status: 409, body: refusal(409, message) },
    ]);
    const error = await client
      .createReservation({
        owner: 'group:default/ml-chat',
        gpuType: 'NVIDIA-L4',
        gpus: 4,
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(message);
  });

  it('waits as long as a 429 or 503 asks, then sends the same request again', async () => {
    const { client, requests, waits } = clientAnswering([
      { status: 429, body: refusal(429, 'slow down'), retryAfter: '2' },
      { status: 503, body: refusal(503, 'store down'), retryAfter: '1' },
      { status: 201, body: reservation },
    ]);
    await expect(
      client.createReservation({
        owner: 'group:default/ml-chat',
        gpuType: 'NVIDIA-L4',
        gpus: 2,
      }),
    ).resolves.toEqual(reservation);
    expect(waits).toEqual([2000, 1000]);
    expect(new Set(requests.map(r => `${r.url} ${r.init?.body}`)).size).toBe(1);
    expect(requests).toHaveLength(3);
  });

  it('gives up after its retries with the last answer as the error', async () => {
    const { client, requests, waits } = clientAnswering(
      [1, 2, 3].map(n => ({
        status: 429,
        body: refusal(429, `refusal ${n}`),
        retryAfter: '1',
      })),
      { maxRetries: 2 },
    );
    const error = await client.listWorkloads().catch(e => e);
    expect(error.statusCode).toBe(429);
    expect(error.cause.message).toBe('refusal 3');
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it.each([
    ['a 4xx, even with Retry-After', { status: 409, retryAfter: '1' }],
    ['a 429 without Retry-After', { status: 429 }],
    ['a wait beyond the limit', { status: 503, retryAfter: '3600' }],
    ['a 500', { status: 500, retryAfter: '1' }],
  ])('does not retry %s', async (_, answer) => {
    const { client, requests, waits } = clientAnswering([
      { ...answer, body: refusal(answer.status, 'no') },
    ]);
    const error = await client.listClusters().catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(answer.status);
    expect(requests).toHaveLength(1);
    expect(waits).toEqual([]);
  });
});

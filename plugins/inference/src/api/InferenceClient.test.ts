import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { InferenceClient } from './InferenceClient';

const BASE = 'http://localhost:7007/api/inference';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  const client = new InferenceClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('InferenceClient', () => {
  it('asks for the summary of an entity by kind, namespace and name', async () => {
    const { client, fetch } = clientAnswering(200, { entityRef: 'x' });
    await client.getEntitySummary({
      kind: 'Component',
      namespace: 'default',
      name: 'support-chat-llm',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/entities/component/default/support-chat-llm/summary`,
    );
  });

  it('encodes entity refs in query strings, as the backend requires', async () => {
    const { client, fetch } = clientAnswering(200, { points: [] });
    await client.getUsage({
      entityRef: 'component:default/support-chat-llm',
      days: 7,
      granularity: 'hour',
    });
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/usage?entityRef=component%3Adefault%2Fsupport-chat-llm&days=7&granularity=hour`,
    );
  });

  it("asks for a cluster's platform settings by name, and rejects a cluster the backend does not track", async () => {
    const { client, fetch } = clientAnswering(200, { cluster: 'gpu-us-east' });
    await client.getClusterPlatform('gpu-us-east');
    expect(fetch.mock.calls[0][0]).toBe(
      `${BASE}/clusters/gpu-us-east/platform`,
    );
    const missing = clientAnswering(404, {
      error: {
        name: 'NotFoundError',
        message: 'No tracked cluster is named x',
      },
      response: { statusCode: 404 },
    });
    await expect(missing.client.getClusterPlatform('x')).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 404,
    });
  });

  it('leaves out filters that are not set', async () => {
    const { client, fetch } = clientAnswering(200, { items: [] });
    await client.listWorkloads({ health: 'critical', owner: undefined });
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/workloads?health=critical`);
  });

  it('puts a quota limit with the owner ref encoded in the path', async () => {
    const { client, fetch } = clientAnswering(200, { limit: 32 });
    await client.updateQuota({
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      limit: 32,
      reason: 'launch',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      `${BASE}/quotas/group%3Adefault%2Fml-chat/NVIDIA-H100-80GB-HBM3`,
    );
    expect(init?.method).toBe('PUT');
    expect(JSON.parse(String(init?.body))).toEqual({
      limit: 32,
      reason: 'launch',
    });
  });

  it('removes a quota line with DELETE, force and reason in the query', async () => {
    const { client, fetch } = clientAnswering(200, { previousLimit: 4 });
    await client.removeQuota({
      owner: 'user:default/guest',
      gpuType: 'NVIDIA-H200-TYPO',
      force: true,
      reason: 'typo, never used',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(
      `${BASE}/quotas/user%3Adefault%2Fguest/NVIDIA-H200-TYPO?force=true&reason=typo%2C+never+used`,
    );
    expect(init?.method).toBe('DELETE');
  });

  it('rejects with the response error the backend sent', async () => {
    const { client } = clientAnswering(403, {
      error: { name: 'NotAllowedError', message: 'Unauthorized' },
      response: { statusCode: 403 },
    });
    const attempt = client.updateQuota({
      owner: 'group:default/ml-chat',
      gpuType: 'NVIDIA-L4',
      limit: 1,
    });
    await expect(attempt).rejects.toBeInstanceOf(ResponseError);
    await expect(attempt).rejects.toMatchObject({ statusCode: 403 });
  });

  it('returns the list items of list routes', async () => {
    const { client } = clientAnswering(200, {
      items: [{ name: 'gpu-us-east' }],
    });
    expect(await client.listClusters()).toEqual([{ name: 'gpu-us-east' }]);
  });

  it('treats a degraded health report as an answer', async () => {
    const { client } = clientAnswering(503, { status: 'degraded' });
    expect(await client.getHealth()).toEqual({ status: 'degraded' });
  });
});

describe('InferenceClient on 429 and 503 with Retry-After', () => {
  function clientAnsweringInTurn(answers: Array<[number, string?]>) {
    const fetch = jest.fn(async (_url: string, _init?: RequestInit) => {
      const [status, retryAfter] = answers.shift()!;
      return new Response(JSON.stringify(status === 200 ? { items: [] } : {}), {
        status,
        headers: {
          'Content-Type': 'application/json',
          ...(retryAfter ? { 'Retry-After': retryAfter } : {}),
        },
      });
    });
    const waits: number[] = [];
    const client = new InferenceClient({
      discoveryApi: mockApis.discovery({ baseUrl: 'http://localhost:7007' }),
      fetchApi: { fetch: fetch as typeof globalThis.fetch },
      sleep: async ms => void waits.push(ms),
    });
    return { client, fetch, waits };
  }

  it('waits as asked and asks again', async () => {
    const { client, fetch, waits } = clientAnsweringInTurn([
      [429, '1'],
      [503, '2'],
      [200],
    ]);
    await expect(client.listWorkloads({})).resolves.toEqual([]);
    expect(waits).toEqual([1000, 2000]);
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('shows the error after two retries, or at once when the wait is too long for a person', async () => {
    const twice = clientAnsweringInTurn([
      [429, '1'],
      [429, '1'],
      [429, '1'],
    ]);
    await expect(twice.client.listWorkloads({})).rejects.toBeInstanceOf(
      ResponseError,
    );
    expect(twice.fetch).toHaveBeenCalledTimes(3);

    const long = clientAnsweringInTurn([[503, '60']]);
    await expect(long.client.listWorkloads({})).rejects.toBeInstanceOf(
      ResponseError,
    );
    expect(long.waits).toEqual([]);
  });
});

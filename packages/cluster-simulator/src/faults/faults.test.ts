/*
 * Fault injection through the library API and the admin endpoint.
 */
import { SimulatorHandle, startSimulator } from '../startSimulator';

describe('fault injection', () => {
  let sim: SimulatorHandle;
  let base: string;
  let token: string;
  const get = (path = '/api/v1/namespaces', init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      adminToken: 'admin-secret',
    });
    base = sim.clusters[0].httpUrl;
    token = sim.clusters[0].token;
  });

  afterEach(async () => {
    await sim.inject('*', { type: 'clear' });
  });

  afterAll(async () => {
    await sim.stop();
  });

  it.each([
    [429, 'TooManyRequests', '3'],
    [500, 'InternalError', null],
    [503, 'ServiceUnavailable', null],
  ] as const)(
    'answers the next requests with %i %s, then recovers',
    async (status, reason, retryAfter) => {
      await sim.inject(sim.clusters[0].name, {
        type: 'failRequests',
        count: 2,
        status,
        retryAfterSeconds: 3,
      });
      const failed = [await get(), await get()];
      for (const res of failed) {
        expect(res.status).toBe(status);
        expect(await res.json()).toMatchObject({
          kind: 'Status',
          reason,
          code: status,
        });
        expect(res.headers.get('retry-after')).toBe(retryAfter);
      }
      expect((await get()).status).toBe(200);
    },
  );

  it('adds latency to every request', async () => {
    await sim.inject(sim.clusters[0].name, { type: 'latency', ms: 150 });
    const t = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(140);
  });

  it('black-holes a cluster: connections are accepted and never answered', async () => {
    await sim.inject(sim.clusters[0].name, { type: 'blackhole' });
    await expect(
      get('/api/v1/namespaces', { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
    await sim.inject(sim.clusters[0].name, {
      type: 'blackhole',
      enabled: false,
    });
    expect((await get()).status).toBe(200);
  });

  it('restarts a cluster: refused while down, same state after', async () => {
    const before = await (await get('/api/v1/namespaces')).json();
    await sim.inject(sim.clusters[0].name, {
      type: 'restart',
      downtimeMs: 300,
    });
    await expect(get()).rejects.toThrow();
    // back when it answers again (polled, not a fixed wait)
    const deadline = Date.now() + 5_000;
    let back: Response | undefined;
    while (!back) {
      back = await get('/api/v1/namespaces').catch(() => undefined);
      if (!back && Date.now() > deadline)
        throw new Error('still down after 5 s');
      if (!back) await new Promise(r => setTimeout(r, 50));
    }
    const after = await back.json();
    expect(
      after.items.map((n: { metadata: { name: string } }) => n.metadata.name),
    ).toEqual(
      before.items.map((n: { metadata: { name: string } }) => n.metadata.name),
    );
  });

  it('accepts faults on the admin endpoint, with its token', async () => {
    const body = JSON.stringify({
      type: 'failRequests',
      count: 1,
      status: 500,
    });
    const denied = await fetch(
      `${sim.controlUrl}/clusters/${sim.clusters[0].name}/faults`,
      { method: 'POST', body },
    );
    expect(denied.status).toBe(401);
    const ok = await fetch(
      `${sim.controlUrl}/clusters/${sim.clusters[0].name}/faults`,
      {
        method: 'POST',
        body,
        headers: { Authorization: 'Bearer admin-secret' },
      },
    );
    expect(ok.status).toBe(200);
    expect((await get()).status).toBe(500);
    const summary = await (
      await fetch(`${sim.controlUrl}/clusters`, {
        headers: { Authorization: 'Bearer admin-secret' },
      })
    ).json();
    expect(summary.map((c: { name: string }) => c.name)).toEqual([
      'gpu-us-east',
      'gpu-eu-west',
      'gpu-batch',
    ]);
  });
});

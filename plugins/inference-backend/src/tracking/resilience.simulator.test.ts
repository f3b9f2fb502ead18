import {
  resourceById,
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { eventually, trackFleet } from '../__testUtils__/simulatedFleet';
import { WorkloadModel } from '../workloads/WorkloadModel';

jest.setTimeout(120_000);

/**
 * The tracker against the simulator's fault injection: after each fault the cache must equal a fresh LIST, the
 * other clusters stay current, and a dead cluster is reported.
 */
describe('tracking under faults', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  let generation = 0;

  const endpoint = (name: string) => sim.clusters.find(c => c.name === name)!;
  const clusterTracker = (name: string) =>
    tracker.fleet.clusters().find(c => c.name === name)!;

  /** Labels a deployment through the API, as any client would change it. */
  async function touch(
    cluster: string,
    namespace: string,
    name: string,
  ): Promise<string> {
    const value = `g${++generation}`;
    const c = endpoint(cluster);
    const res = await fetch(
      `${c.httpUrl}/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${c.token}`,
          'Content-Type': 'application/merge-patch+json',
        },
        body: JSON.stringify({
          metadata: { labels: { 'test-generation': value } },
        }),
      },
    );
    expect(res.status).toBe(200);
    return value;
  }

  const seen = (cluster: string, namespace: string, name: string) =>
    clusterTracker(cluster).cache('deployments').get(namespace, name)?.metadata
      .labels?.['test-generation'];

  /** Names of every object of a resource, from a fresh LIST, to compare with the cache. */
  async function listNames(cluster: string, path: string): Promise<string[]> {
    const c = endpoint(cluster);
    const res = await fetch(`${c.httpUrl}${path}`, {
      headers: { Authorization: `Bearer ${c.token}` },
    });
    const body = await res.json();
    return body.items
      .map((i: any) => `${i.metadata.namespace ?? ''}/${i.metadata.name}`)
      .sort();
  }
  async function expectCacheEqualsList(cluster: string) {
    for (const [resource, path] of [
      ['pods', '/api/v1/pods'],
      ['deployments', '/apis/apps/v1/deployments'],
      ['nodes', '/api/v1/nodes'],
    ]) {
      const cached = clusterTracker(cluster)
        .cache(resource)
        .list()
        .map((o: any) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`)
        .sort();
      expect(cached).toEqual(await listNames(cluster, path));
    }
  }

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
      controlPort: false,
      bookmarkIntervalMs: 500,
      history: { maxEvents: 200 },
    });
    await sim.advance(120_000);
    tracker = await trackFleet(sim, {
      cluster: {
        probeIntervalMs: 500,
        probeTimeoutMs: 1000,
        reflector: { silentWatchMs: 3000, requestTimeoutMs: 2000 },
      },
    });
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  it('resumes dropped watches from the last resourceVersion, without a relist', async () => {
    const before = clusterTracker('gpu-us-east').stats();
    await sim.inject('*', { type: 'dropWatches' });
    const value = await touch('gpu-us-east', 'ml-chat', 'code-assistant-llm');
    const started = Date.now();
    await eventually(
      () =>
        expect(seen('gpu-us-east', 'ml-chat', 'code-assistant-llm')).toBe(
          value,
        ),
      5000,
      20,
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const after = clusterTracker('gpu-us-east').stats();
    expect(after.reduce((s, r) => s + r.lists, 0)).toBe(
      before.reduce((s, r) => s + r.lists, 0),
    );
    await expectCacheEqualsList('gpu-us-east');
  });

  it.each([500, 429] as const)(
    'rides out a burst of %s answers',
    async status => {
      await sim.inject('gpu-us-east', {
        type: 'failRequests',
        count: 15,
        status,
        retryAfterSeconds: 1,
      });
      await sim.inject('gpu-us-east', { type: 'dropWatches' });
      const value = await touch('gpu-eu-west', 'ml-search', 'search-reranker');
      await eventually(
        () =>
          expect(seen('gpu-eu-west', 'ml-search', 'search-reranker')).toBe(
            value,
          ),
        10_000,
      );
      // the failing cluster's own change arrives once the burst is over (the patch is retried through it too)
      const mine = await eventually(
        () => touch('gpu-us-east', 'ml-chat', 'code-assistant-llm'),
        30_000,
        200,
      );
      await eventually(
        async () => {
          expect(seen('gpu-us-east', 'ml-chat', 'code-assistant-llm')).toBe(
            mine,
          );
          await expectCacheEqualsList('gpu-us-east');
        },
        60_000,
        250,
      );
      expect(
        clusterTracker('gpu-us-east')
          .stats()
          .reduce((s, r) => s + r.failures, 0),
      ).toBeGreaterThan(0);
    },
  );

  it('relists after 410 Gone when its resourceVersion was compacted away', async () => {
    const relists = () =>
      clusterTracker('gpu-batch')
        .stats()
        .reduce((s, r) => s + r.relistsAfterGone, 0);
    const before = relists();
    // cut the tracker off, change the cluster behind its back, and compact the history it would resume from
    await sim.inject('gpu-batch', { type: 'blackhole' });
    await sim.inject('gpu-batch', { type: 'dropWatches' });
    const value = `g${++generation}`;
    sim
      .cluster('gpu-batch')
      .api.patch(
        resourceById('apps/deployments'),
        'ml-batch',
        'doc-summariser',
        'merge',
        {
          metadata: { labels: { 'test-generation': value } },
        },
      );
    await sim.inject('gpu-batch', { type: 'compact' });
    await sim.inject('gpu-batch', { type: 'clear' });
    await eventually(() => expect(relists()).toBeGreaterThan(before), 20_000);
    await eventually(
      () => expect(seen('gpu-batch', 'ml-batch', 'doc-summariser')).toBe(value),
      10_000,
    );
    await expectCacheEqualsList('gpu-batch');
  });

  it('marks a black-holed cluster stale within 5 s while the others stay current', async () => {
    await sim.inject('gpu-eu-west', { type: 'blackhole' });
    const started = Date.now();
    await eventually(
      () => {
        const status = tracker
          .clusterStatuses()
          .find(c => c.name === 'gpu-eu-west')!;
        expect(status.state).toBe('stale');
        expect(status.lastError).toMatch(/did not answer/);
      },
      10_000,
      50,
    );
    expect(Date.now() - started).toBeLessThan(5000);

    const value = await touch('gpu-us-east', 'ml-chat', 'code-assistant-llm');
    await eventually(
      () =>
        expect(seen('gpu-us-east', 'ml-chat', 'code-assistant-llm')).toBe(
          value,
        ),
      5000,
      20,
    );
    expect(
      tracker
        .clusterStatuses()
        .filter(c => c.name !== 'gpu-eu-west')
        .map(c => c.state),
    ).toEqual(['synced', 'synced']);
    // the black-holed cluster's workloads are still served from the cache, marked stale
    expect(tracker.workloads().some(w => w.cluster === 'gpu-eu-west')).toBe(
      true,
    );

    await sim.inject('gpu-eu-west', { type: 'clear' });
    await eventually(
      () =>
        expect(
          tracker.clusterStatuses().find(c => c.name === 'gpu-eu-west')!.state,
        ).toBe('synced'),
      20_000,
    );
    const after = await touch('gpu-eu-west', 'ml-search', 'search-reranker');
    await eventually(
      () =>
        expect(seen('gpu-eu-west', 'ml-search', 'search-reranker')).toBe(after),
      15_000,
    );
    await expectCacheEqualsList('gpu-eu-west');
  });

  it('keeps its cache after a cluster restart and catches up', async () => {
    await sim.inject('gpu-batch', { type: 'restart', downtimeMs: 1500 });
    await eventually(
      () =>
        expect(
          tracker.clusterStatuses().find(c => c.name === 'gpu-batch')!.state,
        ).toBe('stale'),
      5000,
      50,
    );
    expect(clusterTracker('gpu-batch').cache('pods').size).toBeGreaterThan(0);
    await eventually(
      () =>
        expect(
          tracker.clusterStatuses().find(c => c.name === 'gpu-batch')!.state,
        ).toBe('synced'),
      20_000,
    );
    const value = await touch('gpu-batch', 'ml-batch', 'doc-summariser');
    await eventually(
      () => expect(seen('gpu-batch', 'ml-batch', 'doc-summariser')).toBe(value),
      10_000,
    );
    await expectCacheEqualsList('gpu-batch');
  });
});

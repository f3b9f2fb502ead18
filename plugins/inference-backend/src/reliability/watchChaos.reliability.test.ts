import {
  FaultInjection,
  resourceById,
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { eventually, trackFleet } from '../__testUtils__/simulatedFleet';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { collectionPath, TRACKED_RESOURCES } from '../tracking/resources';
import { trimObject } from '../tracking/trim';

jest.setTimeout(120_000);

const SEED = Number(
  process.env.WATCH_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
const TOTAL_FAULTS = 1000;
/** Timed watch drops on one cluster, each with faults injected into the others meanwhile. */
const DROP_SAMPLES = 12;
const SIDE_FAULTS = 3;
const CHAOS_FAULTS = TOTAL_FAULTS - DROP_SAMPLES * (1 + SIDE_FAULTS) - 1;
const CHAOS_ROUNDS = 60;
/** Error bursts stop this many rounds before the end; see `randomFault`. */
const CALM_TAIL_ROUNDS = 15;

/** An annotation the tracker keeps when it trims objects (it drops most node labels and annotations). */
const SEEN = 'inference-platform.io/chaos-seen';
const DEPLOYMENTS = resourceById('apps/deployments');
const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');

/** A workload per cluster without autoscaler, whose replica count shows in the derived workloads. */
const PROBES: Record<string, { namespace: string; name: string }> = {
  'gpu-us-east': { namespace: 'ml-chat', name: 'code-assistant-llm' },
  'gpu-eu-west': { namespace: 'ml-vision', name: 'vision-classifier' },
  'gpu-batch': { namespace: 'ml-batch', name: 'doc-summariser' },
};

/** mulberry32, so a failing fault schedule can be replayed with WATCH_CHAOS_SEED. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const keyOf = (o: any) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** A test body that names the seed when it fails. */
const seeded = (body: () => Promise<void>) => async () => {
  try {
    await body();
  } catch (error) {
    if (error instanceof Error) {
      error.message += `\n\nwatch chaos seed ${SEED} (rerun with WATCH_CHAOS_SEED=${SEED})`;
    }
    throw error;
  }
};

/**
 * Watch chaos: a thousand faults (dropped watches, 500/429/503 bursts, compactions, latency, black holes, API
 * server restarts) while deployments and pods are created, patched, scaled and deleted, against the real tracker.
 * Afterwards every cache equals a fresh LIST, a dropped watch resumes at once without a relist, and a dead
 * cluster is reported within seconds without slowing down the others.
 */
describe('watch chaos', () => {
  // separate streams: the churn runs concurrently, so sharing one would make the fault schedule timing-dependent
  const random = seededRandom(SEED);
  const churnRandom = seededRandom(SEED + 1);
  const pick = <T>(items: readonly T[], rnd = random): T =>
    items[Math.floor(rnd() * items.length)];
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  let names: string[];
  const injected = new Map<string, number>();
  const churned = new Map<string, number>();
  /** Clusters with latency, a black hole or a restart to lift later. */
  const degraded = new Set<string>();
  let churning: Promise<void> | undefined;
  let churnStopped = false;
  let generation = 0;

  const totalInjected = () =>
    [...injected.values()].reduce((sum, n) => sum + n, 0);
  const clusterTracker = (name: string) =>
    tracker.fleet.clusters().find(c => c.name === name)!;
  const state = (name: string) =>
    tracker.clusterStatuses().find(c => c.name === name)!.state;
  /** The state and, when there is one, the error that explains it. */
  const stateAndError = (name: string) => {
    const { state: s, lastError } = tracker
      .clusterStatuses()
      .find(c => c.name === name)!;
    return lastError ? { state: s, lastError } : { state: s };
  };
  const listsOf = (name: string) =>
    clusterTracker(name)
      .stats()
      .reduce((sum, s) => sum + s.lists + s.relistsAfterGone, 0);

  async function inject(cluster: string, fault: FaultInjection) {
    await sim.inject(cluster, fault);
    injected.set(fault.type, (injected.get(fault.type) ?? 0) + 1);
    if (['latency', 'blackhole', 'restart'].includes(fault.type)) {
      degraded.add(cluster);
    }
  }

  /**
   * One fault of the mix; a restart only when the cluster is up, so restarts never overlap. Without `failures`, no
   * error bursts: a reflector a burst hits sleeps out its backoff (up to a minute, like client-go's), which would
   * only measure the backoff.
   */
  function randomFault(cluster: string, failures: boolean): FaultInjection {
    const roll = random();
    if (roll < 0.32) return { type: 'dropWatches', abort: random() < 0.6 };
    if (roll < 0.52 && failures) {
      return {
        type: 'failRequests',
        count: 1 + Math.floor(random() * 8),
        status: pick([500, 429, 503] as const),
        retryAfterSeconds: 1,
      };
    }
    if (roll < 0.67) return { type: 'compact' };
    if (roll < 0.82) {
      return {
        type: 'latency',
        ms: Math.floor(random() * 400),
        jitterMs: Math.floor(random() * 200),
      };
    }
    if (roll < 0.9 || sim.cluster(cluster).down) return { type: 'blackhole' };
    return { type: 'restart', downtimeMs: 100 + Math.floor(random() * 700) };
  }

  /** Lifts latency, black hole and pending failures once a restart is over (not counted as a fault). */
  async function heal(cluster: string) {
    await eventually(() => expect(sim.cluster(cluster).down).toBe(false), 5000);
    await sim.inject(cluster, { type: 'clear' });
    degraded.delete(cluster);
  }

  /** One change through the simulator's handle: a patch, a new, scaled or deleted deployment, a deleted pod. */
  function churnOnce() {
    const cluster = pick(names, churnRandom);
    const { api, store } = sim.cluster(cluster);
    const ours = [...store.table(DEPLOYMENTS).values()].filter(d =>
      d.name.startsWith('churn-'),
    );
    const ops = ['patchDeployment', 'patchPod', 'create', 'scale', 'delete'];
    let op = pick([...ops, 'deletePod'], churnRandom);
    if (ours.length === 0 && ['scale', 'delete'].includes(op)) op = 'create';
    const value = `g${++generation}`;
    if (op === 'patchDeployment' || op === 'patchPod') {
      const table = store.table(op === 'patchPod' ? PODS : DEPLOYMENTS);
      const target = pick([...table.values()], churnRandom);
      api.patch(target.resource, target.namespace, target.name, 'merge', {
        metadata: { labels: { 'chaos-generation': value } },
      });
    } else if (op === 'create') {
      const spec = sim.scenario.clusters.find(c => c.name === cluster)!;
      const namespace = pick(spec.namespaces, churnRandom).name;
      const name = `churn-${value}`;
      api.create(DEPLOYMENTS, namespace, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace, labels: { app: name } },
        spec: {
          replicas: 1 + Math.floor(churnRandom() * 2),
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels: { app: name } },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: 'registry.k8s.io/pause:3.10',
                  resources: { requests: { cpu: '10m', memory: '16Mi' } },
                },
              ],
            },
          },
        },
      });
    } else if (op === 'scale') {
      const target = pick(ours, churnRandom);
      api.patch(DEPLOYMENTS, target.namespace, target.name, 'merge', {
        spec: { replicas: Math.floor(churnRandom() * 4) },
      });
    } else if (op === 'delete') {
      const target = pick(ours, churnRandom);
      store.remove(DEPLOYMENTS, target.namespace, target.name);
    } else {
      const pods = [...store.table(PODS).values()].filter(p =>
        p.name.startsWith('churn-'),
      );
      if (pods.length === 0) return;
      const target = pick(pods, churnRandom);
      store.remove(PODS, target.namespace, target.name);
    }
    churned.set(op, (churned.get(op) ?? 0) + 1);
  }

  /** Churn until stopped; the manual clock runs 5x faster than wall time, so pods start, crash and restart. */
  function startChurn() {
    churnStopped = false;
    churning = (async () => {
      while (!churnStopped) {
        for (let i = 0; i < 3; i++) churnOnce();
        await sim.advance(250);
        await sleep(50);
      }
    })();
  }
  async function stopChurn() {
    churnStopped = true;
    await churning;
  }

  /** Differences between one cluster's cache and a fresh LIST, compared on the trimmed objects (uid included). */
  async function cacheDiffs(cluster: string): Promise<string[]> {
    const endpoint = sim.clusters.find(c => c.name === cluster)!;
    const diffs: string[] = [];
    for (const resource of TRACKED_RESOURCES) {
      const res = await fetch(
        `${endpoint.httpUrl}${collectionPath(resource)}`,
        { headers: { Authorization: `Bearer ${endpoint.token}` } },
      );
      const listed = new Map<string, string>();
      if (res.status !== 404) {
        expect(res.status).toBe(200);
        for (const item of (await res.json()).items) {
          const trimmed = trimObject(resource.id, item);
          if (trimmed) listed.set(keyOf(trimmed), JSON.stringify(trimmed));
        }
      }
      const cache = clusterTracker(cluster).cache(resource.id);
      const cached = new Map(
        cache.list().map(o => [keyOf(o), JSON.stringify(o)]),
      );
      for (const [key, json] of listed) {
        if (!cached.has(key)) diffs.push(`${resource.id} ${key} missing`);
        else if (cached.get(key) !== json)
          diffs.push(`${resource.id} ${key} differs`);
      }
      for (const key of cached.keys()) {
        if (!listed.has(key)) diffs.push(`${resource.id} ${key} not listed`);
      }
    }
    return diffs.map(d => `${cluster}: ${d}`);
  }

  /** With the churn paused, every cache must come to equal a fresh LIST of its cluster. */
  async function expectCachesEqualLists() {
    await stopChurn();
    await sim.settle();
    try {
      await eventually(
        async () => {
          for (const name of names) expect(await cacheDiffs(name)).toEqual([]);
        },
        10_000,
        250,
      );
    } finally {
      startChurn();
    }
  }

  /** Waits until every watch of every cluster is open and the probes answer. */
  async function allSynced(timeoutMs: number) {
    await eventually(
      () => expect(names.map(state)).toEqual(names.map(() => 'synced')),
      timeoutMs,
      100,
    );
  }

  /** Changes a deployment, a pod and a node through the handle; resolves once the cache shows all three. */
  async function changeAndSee(cluster: string, timeoutMs: number) {
    const { api, store } = sim.cluster(cluster);
    const { namespace, name } = PROBES[cluster];
    const value = `seen-${++generation}`;
    const targets = [
      store.get(DEPLOYMENTS, namespace, name)!,
      [...store.table(PODS).values(namespace)].find(
        p => !p.name.startsWith('churn-'),
      )!,
      // a node Karpenter does not manage, so consolidation cannot remove it
      [...store.table(NODES).values()].find(
        n => !n.labels['karpenter.sh/nodepool'],
      )!,
    ];
    for (const t of targets) {
      api.patch(t.resource, t.namespace || undefined, t.name, 'merge', {
        metadata: { annotations: { [SEEN]: value } },
      });
    }
    await eventually(
      () =>
        targets.forEach((t, i) => {
          const cache = clusterTracker(cluster).cache(
            ['deployments', 'pods', 'nodes'][i],
          );
          const seen = cache.get(t.namespace || undefined, t.name)?.metadata;
          expect(seen?.annotations?.[SEEN]).toBe(value);
        }),
      timeoutMs,
      10,
    );
  }

  /** Time from a replica change of a cluster's probe workload until the derived workloads show it. */
  async function derivationLatency(cluster: string): Promise<number> {
    const { namespace, name } = PROBES[cluster];
    const { api, store } = sim.cluster(cluster);
    const current = store.getObject(DEPLOYMENTS, namespace, name)!;
    const next = (current.spec as { replicas: number }).replicas === 1 ? 2 : 1;
    const started = performance.now();
    api.patch(DEPLOYMENTS, namespace, name, 'merge', {
      spec: { replicas: next },
    });
    await eventually(
      () => {
        const workload = tracker
          .workloads()
          .find(w => w.id === `${cluster}/${namespace}/Deployment/${name}`);
        expect(workload?.replicas.desired).toBe(next);
      },
      10_000,
      5,
    );
    return performance.now() - started;
  }

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
      bookmarkIntervalMs: 500,
      history: { maxEvents: 2000 },
    });
    names = sim.clusters.map(c => c.name);
    await sim.advance(120_000);
    tracker = await trackFleet(sim, {
      cluster: {
        // probed often, so a black hole shows within 2.5 s; with the default timeout, since the simulated clusters
        // share this process (and CI's cores) with the churn, a second's stall is no outage
        probeIntervalMs: 500,
        probeTimeoutMs: 2000,
        reflector: { silentWatchMs: 3000, requestTimeoutMs: 2000 },
      },
    });
    startChurn();
  });

  afterAll(async () => {
    await stopChurn();
    tracker?.stop();
    await sim?.stop();
  });

  it(
    `keeps every cache equal to a fresh LIST through ${CHAOS_FAULTS} faults under churn`,
    seeded(async () => {
      for (let round = 0; round < CHAOS_ROUNDS; round++) {
        // latency, black holes and restarts last a round or two
        for (const cluster of [...degraded]) {
          if (random() < 0.6) await heal(cluster);
        }
        const quota = Math.round(
          (CHAOS_FAULTS * (round + 1)) / CHAOS_ROUNDS - totalInjected(),
        );
        const failures = round < CHAOS_ROUNDS - CALM_TAIL_ROUNDS;
        for (let i = 0; i < quota; i++) {
          const cluster = pick(names);
          await inject(cluster, randomFault(cluster, failures));
        }
        await sleep(100 + random() * 300);
      }
      expect(totalInjected()).toBe(CHAOS_FAULTS);
      for (const cluster of names) await heal(cluster);

      await allSynced(60_000);
      await expectCachesEqualLists();
      // the chaos reached the tracker: requests failed, compactions forced relists, changes kept coming
      const stats = names.flatMap(n => clusterTracker(n).stats());
      const sum = (k: keyof (typeof stats)[0]) =>
        stats.reduce((s, r) => s + r[k], 0);
      expect(sum('failures')).toBeGreaterThan(0);
      expect(sum('relistsAfterGone')).toBeGreaterThan(0);
      expect(sum('events')).toBeGreaterThan(0);
      expect([...churned.values()].reduce((s, n) => s + n, 0)).toBeGreaterThan(
        100,
      );
    }),
  );

  it(
    'resumes a dropped watch within 2 s without a relist while the other clusters are faulted',
    seeded(async () => {
      const resumes: number[] = [];
      // one cluster has its watches cut again and again; the others get more faults meanwhile
      const target = pick(names);
      const others = names.filter(n => n !== target);
      for (let sample = 0; sample < DROP_SAMPLES; sample++) {
        for (const cluster of [...degraded]) await heal(cluster);
        await changeAndSee(target, 5000);
        expect(stateAndError(target)).toEqual({ state: 'synced' });
        for (let i = 0; i < SIDE_FAULTS; i++) {
          const other = pick(others);
          await inject(other, randomFault(other, false));
        }
        const lists = listsOf(target);
        const started = performance.now();
        await inject(target, { type: 'dropWatches', abort: sample % 2 === 0 });
        await changeAndSee(target, 10_000);
        resumes.push(performance.now() - started);
        expect(listsOf(target)).toBe(lists);
        // a cut watch is no failure: the cluster is not reported stale
        expect(stateAndError(target)).toEqual({ state: 'synced' });
      }
      expect(Math.max(...resumes)).toBeLessThan(2000);

      for (const cluster of names) await heal(cluster);
      await allSynced(30_000);
      await expectCachesEqualLists();
    }),
  );

  it(
    'marks a black-holed cluster stale within 5 s while the others keep their derivation latency',
    seeded(async () => {
      const victim = pick(names);
      const healthy = names.filter(n => n !== victim);
      const measure = async () => {
        const latencies: number[] = [];
        for (let i = 0; i < 4; i++) {
          for (const cluster of healthy) {
            latencies.push(await derivationLatency(cluster));
          }
        }
        return latencies;
      };
      const before = await measure();

      await inject(victim, { type: 'blackhole' });
      const started = performance.now();
      await eventually(() => expect(state(victim)).toBe('stale'), 10_000, 20);
      expect(performance.now() - started).toBeLessThan(5000);

      const during = await measure();
      expect(state(victim)).toBe('stale');
      expect(healthy.map(state)).toEqual(healthy.map(() => 'synced'));
      expect(median(during)).toBeLessThan(
        Math.max(2 * median(before), median(before) + 100),
      );
      expect(Math.max(...during)).toBeLessThan(1500);
      // the dead cluster's workloads are still served from its cache
      expect(tracker.workloads().some(w => w.cluster === victim)).toBe(true);

      await heal(victim);
      await allSynced(20_000);
      await expectCachesEqualLists();

      expect(totalInjected()).toBe(TOTAL_FAULTS);
      for (const type of [
        'dropWatches',
        'failRequests',
        'compact',
        'latency',
        'blackhole',
        'restart',
      ]) {
        expect(injected.get(type) ?? 0).toBeGreaterThan(0);
      }
      for (const op of [
        'patchDeployment',
        'patchPod',
        'create',
        'scale',
        'delete',
        'deletePod',
      ]) {
        expect(churned.get(op) ?? 0).toBeGreaterThan(0);
      }
    }),
  );
});

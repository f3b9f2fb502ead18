/*
 * Entity summary at fleet scale: the simulator's scale scenario (20 clusters, 500 inference deployments, 10,000
 * pods, 50 ms added latency per API request) and one packages/backend running both our plugin and Backstage's
 * Kubernetes plugin on the same clusters, with 500 catalog components (one per deployment). autocannon plays 50
 * concurrent viewers against our `/summary` and the Kubernetes plugin's `POST /services/:name` for the same
 * entities, alternating in rounds, and the simulator counts the API requests it served during each round.
 */
import autocannon from 'autocannon';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import {
  argument,
  atLeast,
  atMost,
  BenchRow,
  count,
  emit,
  ms,
  percentile,
  progress,
} from './lib/report';
import {
  startBackendProcess,
  startSimulatorProcess,
  waitFor,
} from './lib/processes';

const CLUSTERS = argument('clusters', 20);
const DEPLOYMENTS = argument('deployments', 500);
const PODS = argument('pods', 10_000);
const LATENCY_MS = argument('latency', 50);
const CONNECTIONS = argument('connections', 50);
const ROUNDS = argument('rounds', 2);
const OURS_SECONDS = argument('ours-seconds', 10);
const THEIRS_SECONDS = argument('theirs-seconds', 20);

interface Counts {
  watch: number;
  proxy: number;
  probe: number;
  other: number;
}

const NO_COUNTS: Counts = { watch: 0, proxy: 0, probe: 0, other: 0 };

function add(a: Counts, b: Counts, sign = 1): Counts {
  return {
    watch: a.watch + sign * b.watch,
    proxy: a.proxy + sign * b.proxy,
    probe: a.probe + sign * b.probe,
    other: a.other + sign * b.other,
  };
}

async function apiRequests(controlUrl: string): Promise<Counts> {
  const { requests } = (await (await fetch(`${controlUrl}/stats`)).json()) as {
    requests: Record<string, Counts>;
  };
  return Object.values(requests).reduce((n, c) => add(n, c), NO_COUNTS);
}

/**
 * Waits until the clusters have answered no request for a while: a round ends with requests still in flight (the
 * Kubernetes plugin keeps fanning out for the views autocannon stopped waiting for), which must not be charged to
 * the next round.
 */
async function quiet(controlUrl: string): Promise<void> {
  let last = (await apiRequests(controlUrl)).other;
  let stillSince = Date.now();
  const deadline = Date.now() + 120_000;
  while (Date.now() - stillSince < 3000 && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 250));
    const now = (await apiRequests(controlUrl)).other;
    if (now !== last) {
      last = now;
      stillSince = Date.now();
    }
  }
}

function catalogOf(names: string[]) {
  const docs = names.map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: { 'backstage.io/kubernetes-id': name },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/ml-platform',
    },
  }));
  return docs.map(d => yaml.stringify(d)).join('---\n');
}

interface Round {
  statusCodes: Record<string, { count: number }>;
  latencies: number[];
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  apiRequests: Counts;
}

async function round(
  url: string,
  token: string,
  seconds: number,
  controlUrl: string,
  request: (i: number) => { path: string; method?: string; body?: string },
  connections = CONNECTIONS,
): Promise<Round> {
  // a view is never abandoned: autocannon's default 10 s timeout would drop slow views and start new ones while the
  // backend still fans out for the dropped ones
  const latencies: number[] = [];
  let i = 0;
  await quiet(controlUrl);
  const before = await apiRequests(controlUrl);
  const started = Date.now();
  const instance: any = autocannon({
    url,
    connections,
    duration: seconds,
    timeout: 300,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    requests: [
      {
        setupRequest: (req: any) => {
          const r = request(i++);
          return {
            ...req,
            method: r.method ?? 'GET',
            path: r.path,
            body: r.body,
          };
        },
      },
    ],
  });
  instance.on(
    'response',
    (
      _client: unknown,
      _status: number,
      _bytes: number,
      responseTime: number,
    ) => {
      latencies.push(responseTime);
    },
  );
  const result: any = await instance;
  const after = await apiRequests(controlUrl);
  return {
    latencies,
    statusCodes: result.statusCodeStats,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: (Date.now() - started) / 1000,
    apiRequests: add(after, before, -1),
  };
}

function merge(rounds: Round[]) {
  const latencies = rounds.flatMap(r => r.latencies);
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
  const api = rounds.reduce((n, r) => add(n, r.apiRequests), NO_COUNTS);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    throughput: requests / seconds,
    requests,
    failed: rounds.reduce((n, r) => n + r.non2xx + r.errors, 0),
    statusCodes: rounds.map(r => r.statusCodes),
    apiPerView: api.other / Math.max(1, requests),
    api,
    seconds,
  };
}

async function main() {
  const perCluster = Math.round(DEPLOYMENTS / CLUSTERS);
  progress(
    `starting the simulator: ${CLUSTERS} clusters x ${perCluster} deployments, ${count(
      PODS,
    )} pods, ${LATENCY_MS} ms latency`,
  );
  const sim = await startSimulatorProcess([
    '--scenario',
    'scale',
    '--scale-clusters',
    String(CLUSTERS),
    '--scale-workloads',
    String(perCluster),
    '--scale-pods',
    String(Math.round(PODS / CLUSTERS)),
    '--scale-distinct-names',
    '--latency',
    String(LATENCY_MS),
  ]);
  const names = Array.from({ length: CLUSTERS }, (_, c) =>
    Array.from(
      { length: perCluster },
      (_w, w) =>
        `svc-${String(c).padStart(2, '0')}-${String(w).padStart(4, '0')}`,
    ),
  ).flat();
  const catalogFile = path.join(sim.dir, 'catalog.yaml');
  fs.writeFileSync(catalogFile, catalogOf(names));
  const benchConfig = path.join(sim.dir, 'app-config.bench.yaml');
  fs.writeFileSync(
    benchConfig,
    yaml.stringify({
      catalog: { locations: [{ type: 'file', target: catalogFile }] },
      // the usage sampler is a background job whose API traffic (pod-proxy scrapes, lists every 30 s) does not
      // depend on page views and has no counterpart in the Kubernetes plugin: off here, so the request counts
      // measure views
      inference: { catalogRefreshSeconds: 5, metrics: { enabled: false } },
    }),
  );
  progress(
    'starting packages/backend (catalog, Kubernetes plugin, inference plugin)',
  );
  const backend = await startBackendProcess([sim.appConfigFile, benchConfig]);
  const auth = { Authorization: `Bearer ${backend.token}` };
  try {
    const last = names[names.length - 1];
    progress(
      'waiting until the catalog has every component and our summary shows their pods',
    );
    const entities: any[] = await waitFor(
      'the catalog',
      async () => {
        const res = await fetch(
          `${backend.baseUrl}/api/catalog/entities/by-query?filter=kind=component&limit=1000`,
          { headers: auth },
        );
        const items = (await res.json()).items as any[];
        return items.length >= names.length ? items : undefined;
      },
      5 * 60_000,
      2000,
    );
    await waitFor(
      'summaries with running pods',
      async () => {
        const res = await fetch(
          `${backend.baseUrl}/api/inference/entities/component/default/${last}/summary`,
          { headers: auth },
        );
        const body = await res.json();
        const ready = body.workloads?.[0]?.replicas?.ready ?? 0;
        return ready > 0 ? body : undefined;
      },
      10 * 60_000,
      2000,
    );
    const bodies = entities.map(e => JSON.stringify({ entity: e }));
    const ours = (i: number) => ({
      path: `/api/inference/entities/component/default/${
        names[i % names.length]
      }/summary`,
    });
    const theirs = (i: number) => ({
      method: 'POST',
      path: `/api/kubernetes/services/${
        entities[i % entities.length].metadata.name
      }`,
      body: bodies[i % bodies.length],
    });
    // answers must be real: one sample of each, checked
    const sample = await (
      await fetch(`${backend.baseUrl}${ours(0).path}`, { headers: auth })
    ).json();
    const theirSample = await (
      await fetch(`${backend.baseUrl}${theirs(0).path}`, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: theirs(0).body,
      })
    ).json();
    const theirPods = (theirSample.items ?? [])
      .flatMap((i: any) => i.resources ?? [])
      .filter((r: any) => r.type === 'pods')
      .flatMap((r: any) => r.resources ?? []).length;
    progress(
      `our summary of ${names[0]}: ${sample.workloads?.length} workload(s); the Kubernetes plugin's answer: ${theirSample.items?.length} cluster(s), ${theirPods} pod(s)`,
    );
    progress('warming up both');
    await round(backend.baseUrl, backend.token, 3, sim.controlUrl, ours);
    await round(backend.baseUrl, backend.token, 5, sim.controlUrl, theirs, 5);
    // one viewer first, while nothing else is in flight: the time a single view takes
    progress('one viewer at a time: ours 5 s, Kubernetes plugin 15 s');
    const o1 = merge([
      await round(backend.baseUrl, backend.token, 5, sim.controlUrl, ours, 1),
    ]);
    const t1 = merge([
      await round(
        backend.baseUrl,
        backend.token,
        15,
        sim.controlUrl,
        theirs,
        1,
      ),
    ]);

    const oursRounds: Round[] = [];
    const theirsRounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      progress(`round ${r + 1}/${ROUNDS}: ours ${OURS_SECONDS} s`);
      oursRounds.push(
        await round(
          backend.baseUrl,
          backend.token,
          OURS_SECONDS,
          sim.controlUrl,
          ours,
        ),
      );
      progress(
        `round ${r + 1}/${ROUNDS}: Kubernetes plugin ${THEIRS_SECONDS} s`,
      );
      theirsRounds.push(
        await round(
          backend.baseUrl,
          backend.token,
          THEIRS_SECONDS,
          sim.controlUrl,
          theirs,
        ),
      );
    }
    const o = merge(oursRounds);
    const t = merge(theirsRounds);
    const bench = 'Entity summary';
    const scale = `${CLUSTERS} clusters, ${DEPLOYMENTS} deployments, ${count(
      PODS,
    )} pods, +${LATENCY_MS} ms/API call, ${CONNECTIONS} viewers`;
    const speedup = t.p99 / o.p99;
    const rows: BenchRow[] = [
      { bench, measure: `ours p50 (${scale})`, result: ms(o.p50) },
      {
        bench,
        measure: 'ours p99',
        result: ms(o.p99),
        ...atMost(o.p99, 10, ms),
      },
      {
        bench,
        measure: 'ours throughput',
        result: `${count(o.throughput)} req/s`,
      },
      { bench, measure: 'Kubernetes plugin p50', result: ms(t.p50) },
      { bench, measure: 'Kubernetes plugin p99', result: ms(t.p99) },
      {
        bench,
        measure: 'Kubernetes plugin throughput',
        result: `${t.throughput.toFixed(1)} req/s`,
      },
      {
        bench,
        measure: 'p99 ratio (Kubernetes plugin / ours)',
        result: `${speedup.toFixed(0)}x`,
        ...atLeast(speedup, 50, v => `${v.toFixed(0)}x`),
      },
      { bench, measure: 'p50 ratio', result: `${(t.p50 / o.p50).toFixed(0)}x` },
      {
        bench,
        measure: 'API-server requests per view, ours',
        result: o.apiPerView.toFixed(3),
        target: '0',
        met: o.api.other === 0,
        note:
          o.api.other === 0
            ? undefined
            : `${o.api.other} requests during ${count(o.requests)} views`,
      },
      {
        bench,
        measure: 'API-server requests per view, Kubernetes plugin',
        result: t.apiPerView.toFixed(1),
      },
      {
        bench,
        measure: 'failed responses (ours / Kubernetes plugin)',
        result: `${o.failed} / ${t.failed}`,
      },
      {
        bench,
        measure: 'one viewer: ours p50 / p99',
        result: `${ms(o1.p50)} / ${ms(o1.p99)}`,
      },
      {
        bench,
        measure: 'one viewer: Kubernetes plugin p50 / p99',
        result: `${ms(t1.p50)} / ${ms(t1.p99)}`,
      },
    ];
    const notes = [
      `API-server requests per view count lists, gets and discovery. Background traffic that does not depend on views is counted apart: during our rounds ${
        o.api.watch
      } watch renewals, ${
        o.api.probe
      } health probes (GET /version every 2 s per cluster) and ${count(
        o.api.proxy,
      )} pod-proxy calls. The usage sampler (metrics) is switched off in this benchmark: its traffic does not depend on views.`,
      `${CONNECTIONS} viewers are ${CONNECTIONS} closed-loop connections with no think time, on the same 2-core machine as the backend and the simulator: our p50 there is mostly queueing (${CONNECTIONS} / ${count(
        o.throughput,
      )} req/s), while the one-viewer round shows the time one view takes.`,
      `ours: ${count(o.requests)} views in ${o.seconds.toFixed(
        0,
      )} s; Kubernetes plugin: ${count(
        t.requests,
      )} views in ${t.seconds.toFixed(
        0,
      )} s, alternating ${ROUNDS} rounds each, one backend process serving both.`,
    ];
    emit({ bench, rows, notes, details: { ours: o, kubernetesPlugin: t } });
  } finally {
    await backend.stop();
    await sim.stop();
  }
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});

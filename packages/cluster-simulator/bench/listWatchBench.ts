/*
 * List and watch benchmark of the scale scenario (default 20 clusters x 500
 * workloads x 10,000 pods, 50 ms added latency). Starts the simulator in a
 * child process, then measures memory, list latency (full, paginated,
 * label-selected) and watch event throughput from this process, and prints a
 * table. Not a test: run it with
 *   yarn/npm run bench --workspace @inference-platform/cluster-simulator
 * or  node -r @backstage/cli/config/nodeTransform.cjs bench/listWatchBench.ts [--clusters N --pods N ...]
 */
import { fork } from 'child_process';
import http from 'http';
import path from 'path';

interface Cluster {
  name: string;
  url: string;
  token: string;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const options = {
  clusters: arg('clusters', 20),
  workloads: arg('workloads', 500),
  pods: arg('pods', 10_000),
  latencyMs: arg('latency', 50),
  historyEvents: arg('history', 5000),
};
const watchersPerCluster = arg('watchers', 5);
const churnPerCluster = arg('churn', 2000);
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(
  url: string,
  token: string,
): Promise<{ ms: number; bytes: number; body: string }> {
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http
      .get(
        url,
        { agent, headers: { Authorization: `Bearer ${token}` } },
        res => {
          const chunks: Buffer[] = [];
          res.on('data', c => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8');
            resolve({
              ms: Number(process.hrtime.bigint() - start) / 1e6,
              bytes: body.length,
              body,
            });
          });
          res.on('error', reject);
        },
      )
      .on('error', reject);
  });
}

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

function row(cells: Array<string | number>): string {
  return `| ${cells.map(String).join(' | ')} |`;
}

async function main() {
  const child = fork(
    path.join(__dirname, 'simulatorProcess.ts'),
    [JSON.stringify(options)],
    {
      execArgv: [
        '--expose-gc',
        '--max-old-space-size=8192',
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const next = (type: string) =>
    new Promise<any>(resolve => {
      const on = (m: any) => {
        if (m.type === type) {
          child.off('message', on);
          resolve(m);
        }
      };
      child.on('message', on);
    });
  process.stderr.write(
    `starting ${options.clusters} clusters x ${options.workloads} workloads x ${options.pods} pods...\n`,
  );
  const ready = await next('ready');
  const clusters = ready.clusters as Cluster[];
  const lines: string[] = [];
  lines.push(`## cluster-simulator list/watch benchmark`, '');
  lines.push(
    `${options.clusters} clusters x ${options.workloads} workloads x ${options.pods} pods per cluster, ${options.latencyMs} ms added latency per request, node ${process.version}`,
    '',
  );
  lines.push(row(['measure', 'value']), row(['---', '---']));
  lines.push(
    row([
      'pods (all clusters) / Running',
      `${ready.totals.pods} / ${ready.totals.running}`,
    ]),
  );
  lines.push(row(['stored objects (all clusters)', ready.totals.objects]));
  lines.push(
    row([
      'startup to all pods Running (wall / simulator CPU)',
      `${(ready.startupMs / 1000).toFixed(1)} s / ${(
        ready.startupCpuMs / 1000
      ).toFixed(1)} s`,
    ]),
  );
  lines.push(
    row([
      'simulator heap used / RSS',
      `${ready.memory.heapUsedMB} MB / ${ready.memory.rssMB} MB`,
    ]),
  );
  lines.push(
    row([
      'heap per pod (all objects included)',
      `${Math.round((ready.memory.heapUsedMB * 1e6) / ready.totals.pods)} B`,
    ]),
  );

  // full lists, one cluster at a time, then all clusters at once
  const full: number[] = [];
  let bytes = 0;
  for (const c of clusters.slice(0, Math.min(5, clusters.length))) {
    const r = await get(`${c.url}/api/v1/pods`, c.token);
    full.push(r.ms);
    bytes = r.bytes;
  }
  const t0 = Date.now();
  const parallel = await Promise.all(
    clusters.map(c => get(`${c.url}/api/v1/pods`, c.token)),
  );
  const parallelMs = Date.now() - t0;
  const parseStart = process.hrtime.bigint();
  JSON.parse(parallel[0].body);
  const parseMs = Number(process.hrtime.bigint() - parseStart) / 1e6;
  lines.push(
    row([
      `full pod list of one cluster (${(bytes / 1e6).toFixed(
        1,
      )} MB), p50 / max`,
      `${pct(full, 50).toFixed(0)} ms / ${Math.max(...full).toFixed(0)} ms`,
    ]),
  );
  lines.push(
    row([
      `full pod lists of all ${clusters.length} clusters concurrently`,
      `${parallelMs} ms (${(
        (bytes * clusters.length) /
        1e6 /
        (parallelMs / 1000)
      ).toFixed(0)} MB/s)`,
    ]),
  );
  lines.push(
    row([
      'client JSON.parse of one full list (for comparison)',
      `${parseMs.toFixed(0)} ms`,
    ]),
  );

  // paginated list (limit=500), as informers relist
  const c0 = clusters[0];
  const pageStart = Date.now();
  let token: string | undefined;
  let pages = 0;
  const pageTimes: number[] = [];
  do {
    const r = await get(
      `${c0.url}/api/v1/pods?limit=500${
        token ? `&continue=${encodeURIComponent(token)}` : ''
      }`,
      c0.token,
    );
    pageTimes.push(r.ms);
    token = JSON.parse(r.body).metadata.continue;
    pages++;
  } while (token);
  lines.push(
    row([
      `paginated list limit=500 (${pages} pages), total / page p50`,
      `${Date.now() - pageStart} ms / ${pct(pageTimes, 50).toFixed(0)} ms`,
    ]),
  );

  // label-selected lists (what the Backstage Kubernetes plugin sends)
  const selected: number[] = [];
  for (let i = 0; i < 40; i++) {
    const c = clusters[i % clusters.length];
    const r = await get(
      `${c.url}/api/v1/pods?labelSelector=${encodeURIComponent(
        `backstage.io/kubernetes-id=svc-${String(
          (i * 7) % options.workloads,
        ).padStart(4, '0')}`,
      )}`,
      c.token,
    );
    selected.push(r.ms);
  }
  lines.push(
    row([
      'label-selected pod list (one workload), p50 / p95',
      `${pct(selected, 50).toFixed(0)} ms / ${pct(selected, 95).toFixed(0)} ms`,
    ]),
  );

  // watch throughput: W watchers per cluster on all pods, then churn
  const counts = { received: 0, lastEventAt: 0 };
  const expected = churnPerCluster * watchersPerCluster * clusters.length;
  const watchReqs: http.ClientRequest[] = [];
  for (const c of clusters) {
    // watch from "now": a list with limit=1 gives the current resourceVersion
    const rv = JSON.parse(
      (await get(`${c.url}/api/v1/pods?limit=1`, c.token)).body,
    ).metadata.resourceVersion;
    for (let w = 0; w < watchersPerCluster; w++) {
      const req = http.get(
        `${c.url}/api/v1/pods?watch=1&resourceVersion=${rv}`,
        { headers: { Authorization: `Bearer ${c.token}` } },
        res => {
          let buf = '';
          res.on('data', chunk => {
            const parts = (buf + chunk).split('\n');
            buf = parts.pop()!;
            for (const line of parts) JSON.parse(line);
            counts.received += parts.length;
            if (parts.length) counts.lastEventAt = Date.now();
          });
        },
      );
      watchReqs.push(req);
    }
  }
  await new Promise(r => setTimeout(r, 1000));
  const memWatching = (await (child.send({ cmd: 'memory' }), next('memory')))
    .memory;
  child.send({ cmd: 'churn', perCluster: churnPerCluster });
  const churnStart = Date.now();
  const churned = await next('churned');
  const deadline = Date.now() + 120_000;
  while (counts.received < expected && Date.now() < deadline)
    await new Promise(r => setTimeout(r, 50));
  const deliveredMs = counts.lastEventAt - churnStart;
  lines.push(
    row([
      `open watches (all pods, ${watchersPerCluster} per cluster)`,
      watchersPerCluster * clusters.length,
    ]),
  );
  lines.push(
    row([
      'heap / RSS with watches open',
      `${memWatching.heapUsedMB} MB / ${memWatching.rssMB} MB`,
    ]),
  );
  lines.push(
    row([
      `changes made (${churnPerCluster} per cluster), simulator wall / CPU`,
      `${churned.events} in ${churned.ms} ms / ${
        churned.cpuMs
      } ms CPU (${Math.round(churned.events / (churned.ms / 1000))} changes/s)`,
    ]),
  );
  lines.push(
    row([
      'watch events delivered and parsed by clients',
      `${counts.received} of ${expected} in ${deliveredMs} ms (${Math.round(
        counts.received / (deliveredMs / 1000),
      )} events/s)`,
    ]),
  );
  lines.push(
    row([
      'simulator CPU per delivered watch event',
      `${((churned.cpuMs * 1000) / Math.max(1, counts.received)).toFixed(
        1,
      )} µs`,
    ]),
  );
  for (const r of watchReqs) r.destroy();
  child.send({ cmd: 'stop' });
  agent.destroy();
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});

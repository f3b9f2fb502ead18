/*
 * Memory: heap and RSS of the tracker after it synced 10k, 50k and 100k pods. One simulator process runs 20
 * clusters of 5,000 pods; for each size a fresh tracker process watches 2, 10 or all 20 of them, waits until every
 * cluster is synced and the workloads are derived, collects garbage, and reports its memory against its own
 * baseline (the same process before the tracker started), so module code and the runtime are not counted per pod.
 */
import { createWorkloadModel } from '../plugins/inference-backend/src/workloads/createWorkloadModel';
import {
  argument,
  atMost,
  BenchRow,
  count,
  emit,
  mib,
  progress,
} from './lib/report';
import {
  connectionsTo,
  forkTs,
  nextMessage,
  SimulatedCluster,
  forkScaleSimulator,
} from './lib/tracking';
import { quietLogger } from './lib/quietLogger';

const CLUSTERS = argument('clusters', 20);
const PODS_PER_CLUSTER = argument('pods', 5000);
const WORKLOADS_PER_CLUSTER = argument('workloads', 250);
const SIZES = [2, 10, 20]
  .map(n => Math.min(n, CLUSTERS))
  .filter((n, i, a) => a.indexOf(n) === i);

const gc = () => (global as unknown as { gc: () => void }).gc();

/** The tracker side: runs in its own process, reports memory once synced. */
async function trackerChild(clusters: SimulatedCluster[]) {
  gc();
  const base = process.memoryUsage();
  const tracker = createWorkloadModel(connectionsTo(clusters), quietLogger);
  const started = Date.now();
  tracker.fleet.start();
  while (
    !tracker.fleet.clusters().every(c => c.status().state === 'synced') ||
    tracker.workloads().length < clusters.length * WORKLOADS_PER_CLUSTER
  ) {
    await new Promise(r => setTimeout(r, 100));
  }
  const syncMs = Date.now() - started;
  await new Promise(r => setTimeout(r, 500));
  gc();
  gc();
  const after = process.memoryUsage();
  const pods = tracker.fleet
    .clusters()
    .reduce((n, c) => n + c.cache('pods').size, 0);
  process.send!({
    type: 'memory',
    pods,
    syncMs,
    heap: after.heapUsed - base.heapUsed,
    rss: after.rss - base.rss,
    heapTotal: after.heapUsed,
    rssTotal: after.rss,
  });
  tracker.fleet.stop();
  setTimeout(() => process.exit(0), 100);
}

function forkTracker(clusters: SimulatedCluster[]): Promise<any> {
  const child = forkTs(
    __filename,
    [...process.argv.slice(2), '--tracker-child', JSON.stringify(clusters)],
    ['--expose-gc'],
  );
  return nextMessage(child, 'memory');
}

async function main() {
  progress(
    `starting ${CLUSTERS} simulated clusters x ${count(
      PODS_PER_CLUSTER,
    )} pods (takes minutes at 100k pods)`,
  );
  const simulator = await forkScaleSimulator({
    clusters: CLUSTERS,
    workloads: WORKLOADS_PER_CLUSTER,
    pods: PODS_PER_CLUSTER,
    historyEvents: 1000,
  });
  progress(`simulator ready in ${Math.round(simulator.startupMs / 1000)} s`);
  const bench = 'Memory';
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = {};
  for (const n of SIZES) {
    const m = await forkTracker(simulator.clusters.slice(0, n));
    progress(
      `${count(m.pods)} pods: heap +${mib(m.heap)}, RSS +${mib(
        m.rss,
      )}, synced in ${m.syncMs} ms`,
    );
    const per10k = (m.heap / m.pods) * 10_000;
    rows.push(
      {
        bench,
        measure: `heap after sync, ${count(m.pods)} pods (${n} clusters)`,
        result: `${mib(m.heap)} (${count(m.heap / m.pods)} B/pod)`,
      },
      {
        bench,
        measure: `heap per 10k pods at ${count(m.pods)}`,
        result: mib(per10k),
        ...atMost(per10k / 2 ** 20, 60, v => `${v.toFixed(1)} MiB`),
      },
      {
        bench,
        measure: `RSS after sync, ${count(m.pods)} pods`,
        result: `${mib(m.rss)} (${count(
          m.rss / m.pods,
        )} B/pod; process total ${mib(m.rssTotal)})`,
      },
      {
        bench,
        measure: `initial sync, ${count(m.pods)} pods`,
        result: `${(m.syncMs / 1000).toFixed(1)} s`,
      },
    );
    details[String(m.pods)] = m;
  }
  simulator.child.send({ cmd: 'stop' });
  emit({
    bench,
    rows,
    notes: [
      'heap and RSS are the tracker process after sync minus the same process before the tracker started; the tracker keeps trimmed copies of 12 resource kinds (pods, deployments, nodes, ...) and the derived workloads.',
    ],
    details,
  });
  setTimeout(() => process.exit(0), 200);
}

if (process.argv.includes('--tracker-child')) {
  trackerChild(
    JSON.parse(process.argv[process.argv.indexOf('--tracker-child') + 1]),
  ).catch(e => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
} else {
  main().catch(e => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  });
}

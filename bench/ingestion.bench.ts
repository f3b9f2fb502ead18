/*
 * Ingestion: how many watch events the tracker absorbs on one core, and how long a change in a cluster takes to show
 * in what the API serves. The simulator runs in its own process (the list/watch benchmark's, manual clock, no added
 * latency) and mutates pods as fast as it can ("watch storm"); the tracker runs here, alone in this process, so this
 * process's CPU time is the tracker's. Lag: a Deployment's replicas are patched through the API server and the time
 * until the tracker's derived workloads (what /summary returns) show the new value is measured, idle and mid-storm.
 */
import { createWorkloadModel } from '../plugins/inference-backend/src/workloads/createWorkloadModel';
import { WorkloadModel } from '../plugins/inference-backend/src/workloads/WorkloadModel';
import {
  argument,
  atLeast,
  BenchRow,
  count,
  emit,
  ms,
  percentile,
  progress,
} from './lib/report';
import { connectionsTo, nextMessage, forkScaleSimulator } from './lib/tracking';
import { quietLogger } from './lib/quietLogger';

const CLUSTERS = argument('clusters', 4);
const PODS_PER_CLUSTER = argument('pods', 2500);
const WORKLOADS_PER_CLUSTER = argument('workloads', 125);
const STORM_PER_CLUSTER = argument('storm', 25_000);
const LAG_SAMPLES = argument('lag-samples', 100);

function trackerEvents(tracker: WorkloadModel): number {
  return tracker.fleet
    .clusters()
    .flatMap(c => c.stats())
    .reduce((n, s) => n + s.events, 0);
}

async function main() {
  progress(
    `starting ${CLUSTERS} simulated clusters with ${count(
      CLUSTERS * PODS_PER_CLUSTER,
    )} pods`,
  );
  const { child: simulator, clusters } = await forkScaleSimulator({
    clusters: CLUSTERS,
    workloads: WORKLOADS_PER_CLUSTER,
    pods: PODS_PER_CLUSTER,
    historyEvents: 10_000,
  });
  const tracker = createWorkloadModel(connectionsTo(clusters), quietLogger);
  tracker.fleet.start();
  const syncStarted = Date.now();
  while (!tracker.fleet.clusters().every(c => c.status().state === 'synced')) {
    await new Promise(r => setTimeout(r, 50));
  }
  progress(`tracker synced in ${Date.now() - syncStarted} ms`);
  while (tracker.workloads().length < CLUSTERS * WORKLOADS_PER_CLUSTER) {
    await new Promise(r => setTimeout(r, 50));
  }

  /** Patches a Deployment's replicas and resolves with the time until the tracker's workloads show it. */
  let flip = 0;
  async function lagOnce(): Promise<number> {
    const c = clusters[flip % clusters.length];
    const workload = tracker
      .workloads()
      .find(w => w.cluster === c.name && w.kind === 'Deployment')!;
    const desired = workload.replicas.desired === 20 ? 21 : 20;
    flip++;
    const started = performance.now();
    const res = await fetch(
      `${c.url.replace('https:', 'http:')}/apis/apps/v1/namespaces/${
        workload.namespace
      }/deployments/${workload.name}`,
      {
        method: 'PATCH',
        headers: {
          Authorization: `Bearer ${c.token}`,
          'Content-Type': 'application/merge-patch+json',
        },
        body: JSON.stringify({ spec: { replicas: desired } }),
      },
    );
    if (!res.ok)
      throw new Error(`patch failed: ${res.status} ${await res.text()}`);
    for (;;) {
      const seen = tracker.workloads().find(w => w.id === workload.id);
      if (seen?.replicas.desired === desired)
        return performance.now() - started;
      await new Promise(r => setTimeout(r, 1));
    }
  }

  progress(`lag, idle: ${LAG_SAMPLES} changes`);
  const idleLag: number[] = [];
  for (let i = 0; i < LAG_SAMPLES; i++) idleLag.push(await lagOnce());

  progress(`storm: ${count(STORM_PER_CLUSTER * CLUSTERS)} pod updates`);
  const events0 = trackerEvents(tracker);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  simulator.send({ cmd: 'churn', perCluster: STORM_PER_CLUSTER });
  const churned = nextMessage(simulator, 'churned');
  const stormLag: number[] = [];
  const expected = STORM_PER_CLUSTER * CLUSTERS;
  let lastEvents = events0;
  let lastProgress = performance.now();
  while (trackerEvents(tracker) - events0 < expected) {
    if (stormLag.length < LAG_SAMPLES / 2) stormLag.push(await lagOnce());
    else await new Promise(r => setTimeout(r, 5));
    const now = trackerEvents(tracker);
    if (now !== lastEvents) {
      lastEvents = now;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > 30_000) {
      throw new Error(
        `the tracker stopped at ${now - events0} of ${expected} events`,
      );
    }
  }
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const absorbed = trackerEvents(tracker) - events0;
  const simulatorSide = await churned;
  tracker.fleet.stop();
  simulator.send({ cmd: 'stop' });

  const perCore = absorbed / (cpuMs / 1000);
  const bench = 'Ingestion';
  const rows: BenchRow[] = [
    {
      bench,
      measure: `events absorbed per CPU-second (one core; ${count(
        absorbed,
      )} pod updates, ${CLUSTERS} clusters)`,
      result: `${count(perCore)} events/s`,
      ...atLeast(perCore, 20_000, v => `${count(v)} events/s`),
    },
    {
      bench,
      measure: 'events absorbed per wall-clock second (storm)',
      result: `${count(absorbed / (wallMs / 1000))} events/s`,
    },
    {
      bench,
      measure: 'change → API lag p50 / p99, idle',
      result: `${ms(percentile(idleLag, 50))} / ${ms(percentile(idleLag, 99))}`,
    },
    {
      bench,
      measure: 'change → API lag p50 / p99, during the storm',
      result: `${ms(percentile(stormLag, 50))} / ${ms(
        percentile(stormLag, 99),
      )}`,
    },
  ];
  const notes = [
    `the lag includes the tracker's ${100} ms coalescing delay before it re-derives workloads (recomputeDelayMs); the simulator produced the storm in ${count(
      simulatorSide.ms,
    )} ms of its own.`,
  ];
  emit({
    bench,
    rows,
    notes,
    details: { absorbed, wallMs, cpuMs, idleLag, stormLag },
  });
  process.exit(0);
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});

/*
 * The simulator side of the list/watch benchmark: runs the scale scenario in
 * its own process (so the load generator does not compete with it inside one
 * event loop) and takes commands over IPC.
 */
import { resourceById } from '../src/api/resources';
import { startSimulator } from '../src/startSimulator';

interface Options {
  clusters: number;
  workloads: number;
  pods: number;
  latencyMs: number;
  historyEvents: number;
}

const PODS = resourceById('core/pods');

async function main() {
  const opts = JSON.parse(process.argv[2]) as Options;
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const sim = await startSimulator({
    scenario: 'scale',
    scale: {
      clusters: opts.clusters,
      workloadsPerCluster: opts.workloads,
      podsPerCluster: opts.pods,
    },
    clock: { mode: 'manual' },
    controlPort: false,
    history: { maxEvents: opts.historyEvents, maxAgeMs: 10 * 60_000 },
    bookmarkIntervalMs: 0,
  });
  const running = () =>
    sim.clusters.reduce((n, c) => {
      let r = 0;
      for (const s of c.sim.store.table(PODS).values())
        if (s.fields?.['status.phase'] === 'Running') r++;
      return n + r;
    }, 0);
  for (let i = 0; i < 30; i++) {
    await sim.advance(5000);
    if (running() >= opts.clusters * opts.pods) break;
  }
  const startupMs = Date.now() - t0;
  const startupCpu = process.cpuUsage(cpu0);
  await sim.inject('*', { type: 'latency', ms: opts.latencyMs });
  const memory = () => {
    (global as unknown as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    return {
      heapUsedMB: Math.round(m.heapUsed / 1e6),
      rssMB: Math.round(m.rss / 1e6),
    };
  };
  const totals = () => ({
    pods: sim.clusters.reduce((n, c) => n + c.sim.store.count(PODS), 0),
    running: running(),
    objects: sim.clusters.reduce(
      (n, c) =>
        n +
        Array.from(
          c.sim.store['tables' as never] as Map<string, { size: number }>,
        ).reduce((m, [, t]) => m + t.size, 0),
      0,
    ),
  });
  process.send!({
    type: 'ready',
    startupMs,
    startupCpuMs: Math.round((startupCpu.user + startupCpu.system) / 1000),
    clusters: sim.clusters.map(c => ({
      name: c.name,
      url: c.httpUrl,
      token: c.token,
    })),
    memory: memory(),
    totals: totals(),
  });
  process.on('message', async (msg: { cmd: string; perCluster?: number }) => {
    if (msg.cmd === 'churn') {
      // status updates like kubelets make: every event serialized once, fanned out to all watchers
      const before = process.cpuUsage();
      const start = Date.now();
      const perCluster = msg.perCluster ?? 1000;
      const cursors = sim.clusters.map(c =>
        Array.from(c.sim.store.table(PODS).values(), s => s),
      );
      const touch = (ci: number, n: number) => {
        const s = cursors[ci][n % cursors[ci].length];
        sim.clusters[ci].sim.api.mutate(PODS, s.namespace, s.name, o => {
          o.metadata!.annotations = {
            ...(o.metadata!.annotations ?? {}),
            'bench/tick': String(n),
          };
        });
      };
      for (let done = 0; done < perCluster; done += 500) {
        const end = Math.min(perCluster, done + 500);
        for (let ci = 0; ci < sim.clusters.length; ci++)
          for (let n = done; n < end; n++) touch(ci, n);
        // yield to the network between batches, as controllers do between work-queue drains
        await new Promise(r => setImmediate(r));
      }
      const cpu = process.cpuUsage(before);
      process.send!({
        type: 'churned',
        ms: Date.now() - start,
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        events: perCluster * sim.clusters.length,
      });
    } else if (msg.cmd === 'memory') {
      process.send!({
        type: 'memory',
        memory: memory(),
        watches: sim.clusters.reduce((n, c) => n + c.sim.watches.size, 0),
      });
    } else if (msg.cmd === 'stop') {
      await sim.stop();
      process.exit(0);
    }
  });
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});

/*
 * Differential test: the simulator's PromQL against the real Prometheus
 * (Debian's /usr/bin/prometheus), both scraping the demo scenario's pods
 * once a second (the real one through the control server's /sd, with
 * prometheus-operator's target labels; the simulated one through the demo's
 * ServiceMonitors, their interval patched to 1s). Simulated time follows
 * the wall clock in whole seconds, making up for late ticks on a loaded
 * machine, so it keeps pace with the real Prometheus's clock. With the
 * simulated clock frozen, both evaluate the same queries and must agree
 * within 5% (gauges exactly: they scraped the same frozen state); the real
 * Prometheus is asked at the moment it had scraped every target after the
 * freeze. Outside CI a missing binary skips the suite; under CI=true it fails.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { resourceById } from '../../api/resources';
import { SimulatorHandle, startSimulator } from '../../startSimulator';
import { clusterPrometheus } from './clusterPrometheus';
import { SimPrometheus } from './simPrometheus';

const PROMETHEUS = process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
const available = fs.existsSync(PROMETHEUS);
if (!available && process.env.CI === 'true') {
  throw new Error(
    `${PROMETHEUS} not found: CI must install Debian's prometheus package`,
  );
}
// a skipped suite says why in its title
const SKIP_NOTE = available
  ? ''
  : ` [skipped: Prometheus: ${PROMETHEUS} not found, apt-get install prometheus or set PROMETHEUS_PATH]`;
// eslint-disable-next-line jest/no-disabled-tests -- skipped only where Prometheus is missing outside CI
const describeIfPrometheus = available ? describe : describe.skip;

const SERVICE_MONITORS = resourceById('monitoring.coreos.com/servicemonitors');
const CLUSTER = 'gpu-us-east';
const SCOPE = 'namespace="ml-chat",service="support-chat-llm"';
/** relative agreement required of the two engines */
const TOLERANCE = 0.05;

const QUERIES = [
  `sum(vllm:num_requests_waiting{${SCOPE}})`,
  `avg(vllm:kv_cache_usage_perc{${SCOPE}})`,
  `sum(vllm:num_requests_running{${SCOPE}})`,
  `count(up{namespace="ml-chat"} == 1)`,
  `sum(rate(vllm:generation_tokens_total{${SCOPE}}[1m]))`,
  `sum(rate(vllm:prefix_cache_hits_total{${SCOPE}}[1m])) / clamp_min(sum(rate(vllm:prefix_cache_queries_total{${SCOPE}}[1m])), 1)`,
  `sum by (service) (rate(vllm:request_success_total{namespace="ml-chat"}[1m]))`,
  `histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{${SCOPE}}[1m])))`,
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

type Vector = Array<{ labels: Record<string, string>; value: number }>;

function keyOf(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map(k => [k, labels[k]]),
  );
}

describeIfPrometheus(
  `PromQL: the simulator agrees with the real Prometheus${SKIP_NOTE}`,
  () => {
    let sim: SimulatorHandle;
    let prometheus: ChildProcess;
    let prometheusUrl: string;
    let ticker: NodeJS.Timeout | undefined;
    /** The simulated clock's advance in flight, if any. */
    let advancing: Promise<void> | undefined;
    /** When the real Prometheus is asked: once it has scraped the frozen state of every target (seconds). */
    let queryTime: number;
    let dir: string;
    let output = '';
    // a Prometheus of its own, started with the real one, so both hold the same span of samples
    let mineProm: SimPrometheus;

    const real = async (q: string, time?: number): Promise<Vector> => {
      const res = await fetch(
        `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(q)}${
          time === undefined ? '' : `&time=${time}`
        }`,
      );
      const body = await res.json();
      if (body.status !== 'success') throw new Error(JSON.stringify(body));
      return (
        body.data.result as Array<{
          metric: Record<string, string>;
          value: [number, string];
        }>
      ).map(r => ({
        labels: r.metric,
        value: Number(r.value[1]),
      }));
    };
    const simulated = (q: string): Vector => {
      const v = mineProm.evaluate(q);
      if (v.kind !== 'vector') throw new Error(`not a vector: ${v.kind}`);
      return v.samples;
    };

    beforeAll(async () => {
      sim = await startSimulator({
        scenario: 'demo',
        clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
        controlPort: 0,
      });
      const cluster = sim.cluster(CLUSTER);
      for (const s of [...cluster.store.table(SERVICE_MONITORS).values()])
        cluster.api.mutate(SERVICE_MONITORS, s.namespace, s.name, o => {
          for (const ep of (o as Record<string, any>).spec.endpoints)
            ep.interval = '1s';
        });
      await sim.advance(180_000);
      // simulated time follows the wall clock from here, so both sample the same history. It moves in whole seconds,
      // the simulated Prometheus's scrape interval, so both engines see the states between steps; a tick late on a
      // loaded machine makes up the seconds it missed, so the simulation never falls behind the real Prometheus
      let followed = Date.now();
      let following = true;
      ticker = setInterval(() => {
        if (advancing) return;
        advancing = (async () => {
          while (following && Date.now() - followed >= 1000) {
            await sim.advance(1000);
            followed += 1000;
          }
        })().finally(() => {
          advancing = undefined;
        });
      }, 250);

      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promql-diff-'));
      const port = await freePort();
      prometheusUrl = `http://127.0.0.1:${port}`;
      // honor_labels false, as prometheus-operator renders it; one cluster, its label dropped
      fs.writeFileSync(
        path.join(dir, 'prometheus.yml'),
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          'scrape_configs:',
          '  - job_name: simulator',
          '    http_sd_configs:',
          `      - url: ${sim.controlUrl}/sd`,
          '        refresh_interval: 1s',
          '    relabel_configs:',
          `      - { source_labels: [cluster], regex: ${CLUSTER}, action: keep }`,
          '      - { regex: cluster, action: labeldrop }',
        ].join('\n'),
      );
      prometheus = spawn(
        PROMETHEUS,
        [
          `--config.file=${path.join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${path.join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--log.level=warn',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      prometheus.stdout?.on('data', d => (output += d));
      prometheus.stderr?.on('data', d => (output += d));
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          if ((await real('up{namespace="ml-chat"}')).length > 0) break;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline)
          throw new Error(`Prometheus did not scrape:\n${output}`);
        await new Promise(r => setTimeout(r, 500));
      }
      mineProm = clusterPrometheus(sim.cluster(CLUSTER));
      mineProm.start();
      // 40 s of 1 s samples on both sides, then freeze the simulated clock
      // and wait until the real Prometheus has scraped every target of the frozen state
      await new Promise(r => setTimeout(r, 40_000));
      following = false;
      clearInterval(ticker);
      ticker = undefined;
      await advancing;
      const frozenAt = Date.now() / 1000;
      const up = `up{namespace="ml-chat"}`;
      const targets = (await real(up)).length;
      const upInSimulator = simulated(`${up} == 1`).length;
      const frozenDeadline = Date.now() + 30_000;
      for (;;) {
        // each target's last scrape (the timestamp of a plain selector), and which of them answered
        const scrapes = await real(`timestamp(${up}) > ${frozenAt}`);
        const answered = await real(
          `timestamp(${up}) > ${frozenAt} and ${up} == 1`,
        );
        // a scrape that timed out on a loaded machine says down: the next one of the frozen state will answer
        if (scrapes.length === targets && answered.length === upInSimulator) {
          queryTime = Math.max(...scrapes.map(t => t.value));
          break;
        }
        if (Date.now() > frozenDeadline)
          throw new Error(
            `after the freeze, Prometheus scraped ${scrapes.length} of ${targets} targets, ${answered.length} up (the simulator: ${upInSimulator}):\n${output}`,
          );
        await new Promise(r => setTimeout(r, 250));
      }
    }, 150_000);

    afterAll(async () => {
      if (ticker) clearInterval(ticker);
      await advancing;
      prometheus?.kill('SIGTERM');
      await sim?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it.each(QUERIES)('%s', async q => {
      const [mine, theirs] = [simulated(q), await real(q, queryTime)];
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.map(s => keyOf(s.labels)).sort()).toEqual(
        theirs.map(s => keyOf(s.labels)).sort(),
      );
      for (const s of theirs) {
        const m = mine.find(x => keyOf(x.labels) === keyOf(s.labels))!;
        const off =
          Math.abs(m.value - s.value) / Math.max(Math.abs(s.value), 1e-9);
        if (off > TOLERANCE)
          throw new Error(
            `${q}${JSON.stringify(s.labels)}: simulator ${
              m.value
            }, Prometheus ${s.value} (${(off * 100).toFixed(1)}% apart)`,
          );
      }
    });
  },
);

/*
 * The library entry point: start a fleet of simulated clusters from a
 * scenario, each with its own API server URL and token, plus a control port;
 * get a kubeconfig and app-config for them; inject faults; stop.
 */
import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import { resourceById } from './api/resources';
import { FaultInjection } from './faults/faults';
import {
  ClusterEndpoint,
  buildAppConfig,
  buildKubeconfig,
  toYaml,
} from './fleet/configOutput';
import { controlHandler } from './fleet/controlServer';
import { bootstrapCluster } from './scenario/bootstrap';
import { loadScenario } from './scenario/loadScenario';
import { ScaleOptions } from './scenario/scale';
import { Scenario, ScenarioInput } from './scenario/schema';
import {
  TlsMaterial,
  TrackedServer,
  createRequestHandler,
  generateTls,
} from './server/httpServer';
import { ClockOptions, SimClock } from './sim/clock';
import { SimCluster } from './sim/simCluster';
import { DEFAULT_HISTORY } from './store/clusterStore';
import { HistoryLimits } from './store/eventHistory';

/** Options of `startSimulator`. @public */
export interface SimulatorOptions {
  /** bundled scenario name (`demo`, `failures`, `scale`), a YAML file path, or a scenario object */
  scenario: string | ScenarioInput;
  /** sizes for the `scale` scenario */
  scale?: ScaleOptions;
  /** interface to listen on (default 127.0.0.1) */
  host?: string;
  /** host name written into URLs (default: host, or 127.0.0.1 when listening on 0.0.0.0) */
  publicHost?: string;
  /** first port: cluster i listens on basePort + i (default 0: ephemeral ports) */
  basePort?: number;
  /** fixed port per cluster name (overrides basePort) */
  ports?: Record<string, number>;
  /** `ports` (default): one port per cluster; `prefix`: one port, `/clusters/<name>` per cluster */
  mode?: 'ports' | 'prefix';
  /** serve HTTPS with a generated self-signed certificate */
  tls?: boolean;
  /** port of the control server (admin API, scrape endpoints); 0 = ephemeral (default), false = none */
  controlPort?: number | false;
  /** bearer token the admin API requires (default: none) */
  adminToken?: string;
  /** simulation clock: `{ mode: 'manual' }` for tests, `{ speed: 10 }` to run 10x faster */
  clock?: ClockOptions;
  /** watch history retained per cluster (default 10,000 events, 5 minutes) */
  history?: Partial<HistoryLimits>;
  /** interval of watch bookmarks (default 60 s) */
  bookmarkIntervalMs?: number;
  /** latency added to every API request of every cluster (benchmarks) */
  latencyMs?: number;
  /** write a kubeconfig here */
  kubeconfigPath?: string;
  /** write a Backstage app-config fragment here */
  appConfigPath?: string;
  /** a real Prometheus base URL for KEDA's prometheus scaler (default: each cluster's simulated Prometheus) */
  prometheusUrl?: string;
  log?: (message: string) => void;
}

/** Options of `SimulatorHandle.createServiceAccountToken`. @public */
export interface ServiceAccountTokenOptions {
  /** lifetime in seconds (default: one year) */
  expirationSeconds?: number;
  /** audiences (default: the API server's own; others are refused by it) */
  audiences?: string[];
}

/** A running cluster as the handle reports it. @public */
export interface RunningCluster extends ClusterEndpoint {
  sim: SimCluster;
}

/** A running fleet. @public */
export interface SimulatorHandle {
  scenario: Scenario;
  clusters: RunningCluster[];
  clock: SimClock;
  /** control server base URL (admin API, `/sd`, `/metrics/...`), if enabled */
  controlUrl?: string;
  kubeconfig: Record<string, unknown>;
  kubeconfigYaml: string;
  appConfig: Record<string, unknown>;
  appConfigYaml: string;
  /** the simulated cluster by name */
  cluster(name: string): SimCluster;
  /** injects a fault into one cluster, or `'*'` for all */
  inject(cluster: string, fault: FaultInjection): Promise<void>;
  /** multiplies a workload's load (1 = scenario load) */
  setLoad(
    cluster: string,
    namespace: string,
    workload: string,
    multiplier: number,
  ): void;
  /**
   * A bound token for the service account `<namespace>/<name>` of a cluster
   * (user `system:serviceaccount:<namespace>:<name>`, RBAC applies). Creates
   * the namespace and the ServiceAccount when missing. Valid for a year of
   * simulated time unless `expirationSeconds` says otherwise; revoked when the
   * ServiceAccount is deleted.
   */
  createServiceAccountToken(
    cluster: string,
    namespace: string,
    name: string,
    options?: ServiceAccountTokenOptions,
  ): string;
  /** advances a manual clock, letting controllers react */
  advance(ms: number): Promise<void>;
  /** lets queued controller work run (all modes) */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

function tokenFor(
  seed: string | number,
  cluster: string,
  kind: string,
): string {
  return `sim-${kind}-${createHash('sha256')
    .update(`${seed}/${cluster}/${kind}`)
    .digest('hex')
    .slice(0, 32)}`;
}

/** Starts the simulated fleet of a scenario. @public */
export async function startSimulator(
  options: SimulatorOptions,
): Promise<SimulatorHandle> {
  const scenario = loadScenario(options.scenario, options.scale);
  const host = options.host ?? '127.0.0.1';
  const publicHost =
    options.publicHost ??
    (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const clock = new SimClock(options.clock);
  const log = options.log ?? (() => {});
  const tls: TlsMaterial | undefined = options.tls
    ? generateTls([publicHost])
    : undefined;
  const scheme = tls ? 'https' : 'http';
  const sims = new Map<string, SimCluster>();
  for (const spec of scenario.clusters) {
    const sim = new SimCluster({
      name: spec.name,
      region: spec.region,
      kubernetesVersion: spec.kubernetesVersion,
      tokens: {
        admin: spec.token ?? tokenFor(scenario.seed, spec.name, 'admin'),
        readOnly:
          spec.readOnlyToken ?? tokenFor(scenario.seed, spec.name, 'readonly'),
      },
      clock,
      timing: scenario.timing,
      seed: scenario.seed,
      history: options.history
        ? { ...DEFAULT_HISTORY, ...options.history }
        : undefined,
      bookmarkIntervalMs: options.bookmarkIntervalMs,
      normalEvents: spec.normalEvents,
      log,
      apiServerCidr: spec.apiServerCidr,
      prometheusUrl: options.prometheusUrl,
    });
    bootstrapCluster(sim, spec);
    if (options.latencyMs) sim.faults.latencyMs = options.latencyMs;
    sims.set(spec.name, sim);
  }
  for (const sim of sims.values()) sim.drain();

  const servers = new Map<string, TrackedServer>();
  const endpoints: RunningCluster[] = [];
  const mode = options.mode ?? 'ports';
  if (mode === 'prefix') {
    let address = '';
    const server = new TrackedServer(
      createRequestHandler(name => (name ? sims.get(name) : undefined), {
        prefixMode: true,
        serverAddress: () => address,
        isDown: c => (c as SimCluster).down,
      }),
      tls,
    );
    const port = await server.listen(options.basePort ?? 0, host);
    address = `${publicHost}:${port}`;
    for (const sim of sims.values()) {
      servers.set(sim.name, server);
      endpoints.push({
        name: sim.name,
        url: `${scheme}://${address}/clusters/${sim.name}`,
        httpUrl: `http://${address}/clusters/${sim.name}`,
        token: sim.tokens.admin,
        readOnlyToken: sim.tokens.readOnly,
        caPem: tls?.cert,
        sim,
      });
    }
  } else {
    let i = 0;
    for (const sim of sims.values()) {
      let address = '';
      const server = new TrackedServer(
        createRequestHandler(() => sim, {
          prefixMode: false,
          serverAddress: () => address,
          isDown: () => sim.down,
        }),
        tls,
      );
      const wanted =
        options.ports?.[sim.name] ??
        (options.basePort ? options.basePort + i : 0);
      const port = await server.listen(wanted, host);
      address = `${publicHost}:${port}`;
      servers.set(sim.name, server);
      endpoints.push({
        name: sim.name,
        url: `${scheme}://${address}`,
        httpUrl: `http://${address}`,
        token: sim.tokens.admin,
        readOnlyToken: sim.tokens.readOnly,
        caPem: tls?.cert,
        sim,
      });
      i++;
    }
  }

  const kubeconfig = buildKubeconfig(endpoints);
  const appConfig = buildAppConfig(endpoints);
  const kubeconfigYaml = toYaml(kubeconfig);
  const appConfigYaml = toYaml(appConfig);
  if (options.kubeconfigPath) writeFile(options.kubeconfigPath, kubeconfigYaml);
  if (options.appConfigPath) writeFile(options.appConfigPath, appConfigYaml);

  const inject = async (clusterName: string, fault: FaultInjection) => {
    const targets =
      clusterName === '*' ? Array.from(sims.values()) : [sims.get(clusterName)];
    for (const sim of targets) {
      if (!sim) throw new Error(`unknown cluster "${clusterName}"`);
      await applyFault(sim, servers.get(sim.name)!, fault, mode, host, log);
    }
  };
  const createServiceAccountToken = (
    clusterName: string,
    namespace: string,
    name: string,
    tokenOptions: ServiceAccountTokenOptions = {},
  ): string => {
    const sim = sims.get(clusterName);
    if (!sim) throw new Error(`unknown cluster "${clusterName}"`);
    ensureServiceAccount(sim, namespace, name);
    return sim.auth.issueToken(namespace, name, {
      expirationSeconds: tokenOptions.expirationSeconds ?? 365 * 24 * 3600,
      audiences: tokenOptions.audiences,
    }).token;
  };
  const setLoad = (
    clusterName: string,
    namespace: string,
    workload: string,
    multiplier: number,
  ) => {
    const sim = sims.get(clusterName);
    if (!sim) throw new Error(`unknown cluster "${clusterName}"`);
    sim.runtime.setLoadMultiplier(`${namespace}/${workload}`, multiplier);
  };

  let control: TrackedServer | undefined;
  let controlUrl: string | undefined;
  const summary = () =>
    endpoints.map(e => ({
      name: e.name,
      url: e.url,
      nodes: e.sim.store.count(resourceById('core/nodes')),
      pods: e.sim.store.count(resourceById('core/pods')),
      resourceVersion: e.sim.store.currentRevision,
      watches: e.sim.watches.size,
      faults: e.sim.faults.describe(),
    }));
  if (options.controlPort !== false) {
    let address = '';
    control = new TrackedServer(
      controlHandler(
        {
          clusters: sims,
          inject,
          setLoad,
          createServiceAccountToken,
          summary,
          kubeconfigYaml: () => kubeconfigYaml,
          appConfigYaml: () => appConfigYaml,
          adminToken: options.adminToken,
        },
        () => address,
      ),
    );
    const port = await control.listen(options.controlPort ?? 0, host);
    address = `${publicHost}:${port}`;
    controlUrl = `http://${address}`;
  }

  return {
    scenario,
    clusters: endpoints,
    clock,
    controlUrl,
    kubeconfig,
    kubeconfigYaml,
    appConfig,
    appConfigYaml,
    cluster(name) {
      const sim = sims.get(name);
      if (!sim) throw new Error(`unknown cluster "${name}"`);
      return sim;
    },
    inject,
    setLoad,
    createServiceAccountToken,
    advance: ms => clock.advance(ms),
    async settle() {
      for (let i = 0; i < 3; i++) {
        for (const sim of sims.values()) sim.drain();
        await new Promise(resolve => setImmediate(resolve));
      }
    },
    async stop() {
      clock.stop();
      for (const sim of sims.values()) sim.stop();
      const unique = new Set(servers.values());
      await Promise.all([
        ...Array.from(unique, s => s.close()),
        control?.close(),
      ]);
    },
  };
}

function ensureServiceAccount(
  sim: SimCluster,
  namespace: string,
  name: string,
): void {
  const namespaces = resourceById('core/namespaces');
  const accounts = resourceById('core/serviceaccounts');
  const opts = { manager: 'cluster-simulator' };
  if (!sim.store.get(namespaces, undefined, namespace))
    sim.api.create(
      namespaces,
      undefined,
      { metadata: { name: namespace } },
      opts,
    );
  if (!sim.store.get(accounts, namespace, name))
    sim.api.create(accounts, namespace, { metadata: { name } }, opts);
  sim.drain();
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text, { mode: 0o600 });
}

async function applyFault(
  sim: SimCluster,
  server: TrackedServer,
  fault: FaultInjection,
  mode: 'ports' | 'prefix',
  host: string,
  log: (m: string) => void,
): Promise<void> {
  log(`[${sim.name}] fault ${JSON.stringify(fault)}`);
  switch (fault.type) {
    case 'dropWatches':
      sim.watches.dropAll(fault.abort ?? true);
      return;
    case 'failRequests':
      sim.faults.failRequests(
        fault.count,
        fault.status ?? 500,
        fault.retryAfterSeconds ?? 1,
      );
      return;
    case 'latency':
      sim.faults.latencyMs = fault.ms;
      sim.faults.jitterMs = fault.jitterMs ?? 0;
      return;
    case 'blackhole':
      sim.faults.blackhole = fault.enabled ?? true;
      return;
    case 'compact':
      sim.store.compact();
      return;
    case 'clear':
      sim.faults.clear();
      return;
    case 'restart': {
      const downtime = fault.downtimeMs ?? 1000;
      sim.down = true;
      sim.watches.dropAll(true);
      if (mode === 'ports') {
        const port = server.port;
        await server.close();
        setTimeout(() => {
          server.listen(port, host).then(
            () => {
              sim.down = false;
            },
            e => log(`[${sim.name}] could not listen again on ${port}: ${e}`),
          );
        }, downtime);
      } else {
        setTimeout(() => {
          sim.down = false;
        }, downtime);
      }
      return;
    }
    default:
      throw new Error(`unknown fault ${JSON.stringify(fault)}`);
  }
}

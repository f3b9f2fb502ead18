/*
 * `cluster-simulator --scenario demo`: starts the fleet, prints where each
 * cluster listens, writes a kubeconfig (and optionally a Backstage app-config
 * fragment and a JSON summary), and runs until interrupted.
 */
import fs from 'fs';
import path from 'path';
import { resourceById } from './api/resources';
import {
  startSimulator,
  SimulatorHandle,
  SimulatorOptions,
} from './startSimulator';

const USAGE = `Usage: cluster-simulator [options]

Simulated GPU Kubernetes clusters speaking the real Kubernetes API.

Options:
  --scenario <name|file>   demo (default), failures, scale, or a scenario YAML file
  --host <address>         listen address (default 127.0.0.1)
  --public-host <name>     host name written into URLs (default: the listen address)
  --port <n>               cluster i listens on port n+i (default: free ports)
  --prefix                 one port for all clusters, under /clusters/<name>
  --no-tls                 plain HTTP only (kubectl will not send tokens over HTTP)
  --control-port <n>       admin API and scrape port (default: a free port)
  --admin-token <token>    require this bearer token on the admin API
  --prometheus-url <url>   KEDA's prometheus scaler queries this Prometheus instead of the simulated one
  --kubeconfig <file>      kubeconfig to write (default .cluster-simulator/kubeconfig)
  --write-config <file>    write a Backstage app-config fragment (kubernetes.clusterLocatorMethods)
  --summary <file>         write a JSON summary (URLs, tokens, files) once listening
  --json                   print the JSON summary instead of the table
  --speed <x>              simulated seconds per wall-clock second (default 1)
  --latency <ms>           add this latency to every API request
  --scale-clusters <n>     clusters of the scale scenario (default 20)
  --scale-workloads <n>    workloads per cluster (default 500)
  --scale-pods <n>         pods per cluster (default 10000)
  --scale-distinct-names   name workloads after their cluster (svc-<cluster>-<n>), one service per deployment
  --help                   show this help
`;

interface CliArgs {
  options: SimulatorOptions;
  json: boolean;
  summaryPath?: string;
}

function parseArgs(argv: string[]): CliArgs | undefined {
  const options: SimulatorOptions = {
    scenario: 'demo',
    tls: true,
    kubeconfigPath: '.cluster-simulator/kubeconfig',
  };
  const scale: NonNullable<SimulatorOptions['scale']> = {};
  let json = false;
  let summaryPath: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new Error(`${arg} needs a number`);
      return v;
    };
    switch (arg) {
      case '--help':
      case '-h':
        return undefined;
      case '--scenario':
        options.scenario = value();
        break;
      case '--host':
        options.host = value();
        break;
      case '--public-host':
        options.publicHost = value();
        break;
      case '--port':
        options.basePort = num();
        break;
      case '--prefix':
        options.mode = 'prefix';
        break;
      case '--tls':
        options.tls = true;
        break;
      case '--no-tls':
        options.tls = false;
        break;
      case '--control-port':
        options.controlPort = num();
        break;
      case '--admin-token':
        options.adminToken = value();
        break;
      case '--prometheus-url':
        options.prometheusUrl = value();
        break;
      case '--kubeconfig':
        options.kubeconfigPath = value();
        break;
      case '--write-config':
        options.appConfigPath = value();
        break;
      case '--summary':
        summaryPath = value();
        break;
      case '--json':
        json = true;
        break;
      case '--speed':
        options.clock = { speed: num() };
        break;
      case '--latency':
        options.latencyMs = num();
        break;
      case '--scale-clusters':
        scale.clusters = num();
        break;
      case '--scale-workloads':
        scale.workloadsPerCluster = num();
        break;
      case '--scale-distinct-names':
        scale.distinctNames = true;
        break;
      case '--scale-pods':
        scale.podsPerCluster = num();
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  options.scale = scale;
  return { options, json, summaryPath };
}

/** The machine-readable description of a running fleet. @public */
export function summarize(
  sim: SimulatorHandle,
  files: { kubeconfig?: string; appConfig?: string },
): Record<string, unknown> {
  return {
    scenario: sim.scenario.name,
    clusters: sim.clusters.map(c => ({
      name: c.name,
      url: c.url,
      httpUrl: c.httpUrl,
      token: c.token,
      readOnlyToken: c.readOnlyToken,
    })),
    controlUrl: sim.controlUrl,
    kubeconfig: files.kubeconfig,
    appConfig: files.appConfig,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map(r => r[i].length)));
  return rows
    .map(r =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Runs the CLI; resolves when the fleet has stopped. @public */
export async function runCli(
  argv: string[],
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  let args: CliArgs | undefined;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!args) {
    out.write(USAGE);
    return 0;
  }
  const { options } = args;
  options.log = m => process.stderr.write(`${m}\n`);
  const sim = await startSimulator(options);
  const files = {
    kubeconfig: options.kubeconfigPath
      ? path.resolve(options.kubeconfigPath)
      : undefined,
    appConfig: options.appConfigPath
      ? path.resolve(options.appConfigPath)
      : undefined,
  };
  const summary = summarize(sim, files);
  if (args.summaryPath) {
    fs.mkdirSync(path.dirname(path.resolve(args.summaryPath)), {
      recursive: true,
    });
    fs.writeFileSync(
      args.summaryPath,
      `${JSON.stringify(summary, null, 2)}\n`,
      { mode: 0o600 },
    );
  }
  if (args.json) {
    out.write(`${JSON.stringify(summary)}\n`);
  } else {
    const rows = [['CLUSTER', 'URL', 'NODES', 'PODS']];
    for (const c of sim.clusters) {
      rows.push([
        c.name,
        c.url,
        String(c.sim.store.count(resourceById('core/nodes'))),
        String(c.sim.store.count(resourceById('core/pods'))),
      ]);
    }
    out.write(
      `cluster-simulator: scenario "${sim.scenario.name}", ${
        sim.clusters.length
      } cluster(s)\n\n${table(rows)}\n\n`,
    );
    if (files.kubeconfig)
      out.write(
        `kubeconfig:  ${files.kubeconfig}\n             export KUBECONFIG=${files.kubeconfig}; kubectl --context ${sim.clusters[0].name} get pods -A\n`,
      );
    if (files.appConfig) out.write(`app-config:  ${files.appConfig}\n`);
    if (sim.controlUrl)
      out.write(
        `control:     ${sim.controlUrl}  (GET /clusters, POST /clusters/<name>/faults, GET /sd)\n`,
      );
    out.write('ready\n');
  }
  await new Promise<void>(resolve => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sim.stop();
  return 0;
}

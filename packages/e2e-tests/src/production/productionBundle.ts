import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { newestMtime, repoRoot, waitFor } from '../productUnderTest';
import { PostgresUser, createPostgresUser } from './postgres';

/*
 * The production bundle as README's "Run it in production" section has a platform team run it: built by
 * scripts/production/build.sh, installed into a folder of its own by scripts/production/install.sh, started with
 * `node packages/backend --config app-config.production.yaml --config <org config>` and the environment it lists,
 * on PostgreSQL with a user that may only log in and create databases, against simulated clusters served over TLS
 * and reached with a least-privilege service-account token (deploy/kubernetes/rbac/) read from a file.
 */

const DIST = path.join(repoRoot, 'packages/backend/dist');
/** What the bundle is built from: the sources of the backend, the app and every plugin. */
const bundleInputs = () => [
  path.join(repoRoot, 'packages/backend/src'),
  path.join(repoRoot, 'packages/app/src'),
  ...fs
    .readdirSync(path.join(repoRoot, 'plugins'))
    .map(plugin => path.join(repoRoot, 'plugins', plugin, 'src')),
];

/** Runs scripts/production/build.sh unless its bundle is newer than every source (npm test builds it first). */
export function buildBundleIfStale(): void {
  const bundle = path.join(DIST, 'bundle.tar.gz');
  const lockfile = path.join(DIST, 'package-lock.json');
  if (
    fs.existsSync(bundle) &&
    fs.existsSync(lockfile) &&
    fs.statSync(bundle).mtimeMs > newestMtime(bundleInputs())
  ) {
    return;
  }
  run('bash', [path.join(repoRoot, 'scripts/production/build.sh')], repoRoot);
}

let installed: string | undefined;

/** Installs the bundle into a fresh folder with scripts/production/install.sh, once per test file. */
export function installBundle(): string {
  if (installed) return installed;
  buildBundleIfStale();
  const folder = fs.mkdtempSync(
    path.join(os.tmpdir(), 'inference-production-'),
  );
  run(
    'bash',
    [path.join(repoRoot, 'scripts/production/install.sh'), folder],
    repoRoot,
  );
  installed = folder;
  return folder;
}

/** Removes the folder installBundle made. */
export function removeInstalledBundle(): void {
  if (installed) fs.rmSync(installed, { recursive: true, force: true });
  installed = undefined;
}

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    // jest's NODE_ENV=test is unknown to the bundler's browserslist lookup
    env: { ...process.env, NODE_ENV: 'production' },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${
        result.status
      }):\n${result.stdout?.slice(-5000)}\n${result.stderr?.slice(-5000)}`,
    );
  }
}

/** A running production backend. */
export interface RunningProduction {
  baseUrl: string;
  token: string;
  simulator: SimulatorHandle;
  postgres: PostgresUser;
  logs(): string;
  stop(): Promise<void>;
}

const RBAC_DIR = path.join(repoRoot, 'deploy/kubernetes/rbac');
const READER = { namespace: 'inference-platform', name: 'backstage-reader' };

function adminKubeConfig(cluster: SimulatorHandle['clusters'][number]) {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.url,
        caData: Buffer.from(cluster.caPem!).toString('base64'),
      },
    ],
    users: [{ name: 'admin', token: cluster.token }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: 'admin' }],
    currentContext: cluster.name,
  });
  return kubeConfig;
}

/** `kubectl apply --server-side -f deploy/kubernetes/rbac/<file>` by the cluster's admin. */
async function applyRbac(
  simulator: SimulatorHandle,
  files: string[],
): Promise<void> {
  for (const cluster of simulator.clusters) {
    const client = KubernetesObjectApi.makeApiClient(adminKubeConfig(cluster));
    for (const file of files) {
      const objects = parseAllDocuments(
        fs.readFileSync(path.join(RBAC_DIR, file), 'utf8'),
      )
        .map(d => d.toJS() as KubernetesObject)
        .filter(Boolean);
      for (const object of objects) {
        await client.patch(
          object,
          undefined,
          undefined,
          'cluster-admin',
          true,
          PatchStrategy.ServerSideApply,
        );
      }
    }
  }
}

/**
 * The organisation's config file, as deploy/production/app-config.org.example.yaml describes it: the clusters (CA as
 * base64 PEM, the token from a file), and the teams, quotas and platform settings of the demo's organisation.
 */
function writeOrgConfig(folder: string, simulator: SimulatorHandle): string {
  const demo = parse(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  );
  const clusters = simulator.clusters.map(cluster => {
    const tokenFile = path.join(folder, `${cluster.name}.token`);
    fs.writeFileSync(
      tokenFile,
      simulator.createServiceAccountToken(
        cluster.name,
        READER.namespace,
        READER.name,
      ),
      { mode: 0o600 },
    );
    return {
      name: cluster.name,
      url: cluster.url,
      authProvider: 'serviceAccount',
      serviceAccountToken: { $file: tokenFile },
      caData: Buffer.from(cluster.caPem!).toString('base64'),
    };
  });
  const { platformTeam, tenancy, quotas, platform, saasPrices } =
    demo.inference;
  const file = path.join(folder, 'app-config.org.yaml');
  fs.writeFileSync(
    file,
    stringify({
      kubernetes: {
        clusterLocatorMethods: [{ type: 'config', clusters }],
      },
      inference: { platformTeam, tenancy, quotas, platform, saasPrices },
    }),
  );
  return file;
}

/** The organisation's catalog: one Location entity whose targets are the demo organisation's files. */
function writeOrgCatalog(folder: string): string {
  const file = path.join(folder, 'all.yaml');
  fs.writeFileSync(
    file,
    stringify({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: { name: 'acme-ai' },
      spec: {
        targets: [
          'examples/org.yaml',
          'examples/system.yaml',
          'examples/model-services.yaml',
        ].map(f => path.join(repoRoot, f)),
      },
    }),
  );
  return file;
}

/**
 * Starts the installed bundle as README says, on `port`, with the given extra environment (the identity provider's).
 */
export async function startProduction(options: {
  installDir: string;
  port: number;
  env?: Record<string, string>;
}): Promise<RunningProduction> {
  const baseUrl = `http://localhost:${options.port}`;
  const token = 'production-e2e-static-token-0123456789';
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'inference-org-'));
  const simulator = await startSimulator({
    scenario: 'demo',
    clock: { speed: 1 },
    controlPort: 0,
    tls: true,
  });
  const postgres = createPostgresUser();
  let child: ChildProcess | undefined;
  let output = '';

  const stop = async () => {
    if (child && child.exitCode === null && child.pid) {
      const exited = new Promise(resolve => child!.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await simulator.stop();
    postgres.drop();
    fs.rmSync(folder, { recursive: true, force: true });
  };

  try {
    await applyRbac(simulator, ['service-accounts.yaml', 'reader.yaml']);
    const orgConfig = writeOrgConfig(folder, simulator);
    const registry = `http://${new URL(simulator.controlUrl!).host}`;
    child = spawn(
      process.execPath,
      [
        'packages/backend',
        '--config',
        'app-config.production.yaml',
        '--config',
        orgConfig,
      ],
      {
        cwd: options.installDir,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          NODE_ENV: 'production',
          NODE_OPTIONS: '--no-node-snapshot',
          APP_BASE_URL: baseUrl,
          BACKEND_BASE_URL: baseUrl,
          BACKEND_PORT: String(options.port),
          POSTGRES_HOST: postgres.host,
          POSTGRES_PORT: postgres.port,
          POSTGRES_USER: postgres.user,
          POSTGRES_PASSWORD: postgres.password,
          POSTGRES_DATABASE_PREFIX: postgres.databasePrefix,
          INFERENCE_API_TOKEN: token,
          INFERENCE_ORG_CATALOG: writeOrgCatalog(folder),
          INFERENCE_DATA_DIRECTORY: path.join(folder, 'data'),
          INFERENCE_MIRROR_DOCKER_IO: registry,
          INFERENCE_MIRROR_NVCR_IO: registry,
          INFERENCE_MIRROR_GHCR_IO: registry,
          ...options.env,
        },
      },
    );
    child.stdout?.on('data', chunk => (output += chunk));
    child.stderr?.on('data', chunk => (output += chunk));
    await waitFor(async () => {
      if (child!.exitCode !== null) {
        throw new Error(`backend exited with ${child!.exitCode}:\n${output}`);
      }
      const res = await fetch(`${baseUrl}/api/catalog/entities?limit=1`, {
        headers: { Authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      return res?.ok ?? false;
    }, 180_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    baseUrl,
    token,
    simulator,
    postgres,
    logs: () => output,
    stop,
  };
}

import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Repository root, from packages/e2e-tests/src. */
// eslint-disable-next-line no-restricted-syntax -- tests run from source, never from a bundle
export const repoRoot = path.resolve(__dirname, '../../..');

/** Where screenshots and logs of browser runs go (git-ignored). */
export const artifactsDir = path.join(repoRoot, 'test-results', 'e2e');

/** A running backend serving the built app, started as a user would start it. */
export interface RunningProduct {
  baseUrl: string;
  /** The simulated clusters the backend tracks (the demo scenario unless told otherwise). */
  simulator: SimulatorHandle;
  /** Static API token accepted by the backend (externalAccess). */
  token: string;
  logs(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on at the moment, on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Builds packages/app unless its build is newer than its sources (set E2E_REBUILD=1 to force). */
export function buildAppIfStale(): void {
  const dist = path.join(repoRoot, 'packages/app/dist/index.html');
  if (!process.env.E2E_REBUILD && fs.existsSync(dist)) {
    const builtAt = fs.statSync(dist).mtimeMs;
    const newest = Math.max(
      newestMtime([
        path.join(repoRoot, 'packages/app/src'),
        path.join(repoRoot, 'plugins/inference/src'),
        path.join(repoRoot, 'plugins/inference-common/src'),
      ]),
      // the build embeds the app's config schema, which decides what frontend config the backend hands the app
      fs.statSync(path.join(repoRoot, 'packages/app/config.d.ts')).mtimeMs,
    );
    if (newest < builtAt) return;
  }
  const result = spawnSync(
    'npx',
    ['backstage-cli', 'package', 'build', '--config', '../../app-config.yaml'],
    {
      cwd: path.join(repoRoot, 'packages/app'),
      encoding: 'utf8',
      // jest sets NODE_ENV=test, which the bundler's browserslist lookup does not know
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  if (result.status !== 0) {
    throw new Error(`app build failed:\n${result.stdout}\n${result.stderr}`);
  }
}

/** The newest modification time of any file under the given folders. */
export function newestMtime(dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of fs.readdirSync(dir, {
      recursive: true,
      withFileTypes: true,
    })) {
      if (entry.isFile()) {
        const mtime = fs.statSync(
          path.join(entry.parentPath, entry.name),
        ).mtimeMs;
        newest = Math.max(newest, mtime);
      }
    }
  }
  return newest;
}

/**
 * Starts packages/backend the way `npm start` does, on a free port (or `port`), with a throw-away SQLite folder,
 * the given extra config files and extra environment variables (e.g. those an extra config reads).
 */
export async function startProduct(
  options: {
    extraConfigs?: string[];
    /** Extra app-config, as YAML, merged last (e.g. a faster metrics interval). */
    extraConfigYaml?: string;
    scenario?: string;
    /** Where the backend listens; a free port unless given (e.g. when an identity provider must know it first). */
    port?: number;
    /** Extra environment of the backend process. */
    env?: Record<string, string>;
  } = {},
): Promise<RunningProduct> {
  const simulator = await startSimulator({
    scenario: options.scenario ?? 'demo',
    clock: { speed: 1 },
    controlPort: 0,
  });
  const port = options.port ?? (await freePort());
  const baseUrl = `http://localhost:${port}`;
  const token = 'e2e-static-token-0123456789';
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'inference-e2e-'));
  const simulatorConfig = path.join(sqliteDir, 'app-config.simulator.yaml');
  fs.writeFileSync(simulatorConfig, simulator.appConfigYaml);
  const configArgs = [
    '--config',
    '../../app-config.yaml',
    '--config',
    simulatorConfig,
  ];
  if (options.extraConfigYaml) {
    const extra = path.join(sqliteDir, 'app-config.extra.yaml');
    fs.writeFileSync(extra, options.extraConfigYaml);
    configArgs.push('--config', extra);
  }
  for (const extra of options.extraConfigs ?? []) {
    configArgs.push('--config', extra);
  }

  let output = '';
  const child: ChildProcess = spawn(
    'npx',
    ['backstage-cli', 'package', 'start', ...configArgs],
    {
      cwd: path.join(repoRoot, 'packages/backend'),
      env: {
        ...process.env,
        // as `npm start` runs it: development mode, where the demo's guest sign-in is allowed
        NODE_ENV: 'development',
        NODE_OPTIONS: '--no-node-snapshot',
        BACKEND_PORT: String(port),
        BACKEND_BASE_URL: baseUrl,
        APP_BASE_URL: baseUrl,
        SQLITE_DIRECTORY: sqliteDir,
        INFERENCE_API_TOKEN: token,
        // the simulator's registry mirror answers the templates' digest lookups
        SIMULATOR_REGISTRY: new URL(simulator.controlUrl!).host,
        // services created from templates in a test stay out of the repository's data folder
        INFERENCE_CATALOG_DIRECTORY: path.join(sqliteDir, 'catalog'),
        ...options.env,
      },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await simulator.stop();
    fs.rmSync(sqliteDir, { recursive: true, force: true });
  };

  try {
    await waitFor(async () => {
      if (child.exitCode !== null) {
        throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
      }
      const res = await fetch(`${baseUrl}/api/catalog/entities?limit=1`, {
        headers: { Authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      return res?.ok ?? false;
    }, 120_000);
    // The guest sign-in takes the user's teams from the catalog at that moment: a browser signing in before the
    // catalog related user:default/guest to its group gets a token without platform-team (and no admin rights).
    await waitFor(async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/user/default/guest`,
        { headers: { Authorization: `Bearer ${token}` } },
      ).catch(() => undefined);
      if (!res?.ok) return false;
      const user = await res.json();
      return (user.relations ?? []).some(
        (r: { type: string; targetRef: string }) =>
          r.type === 'memberOf' &&
          r.targetRef === 'group:default/platform-team',
      );
    }, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, simulator, token, logs: () => output, stop };
}

/**
 * Waits until the catalog has ingested an entity (`kind:namespace/name`). Opening an entity page earlier shows
 * "Entity not found", and its 404 lands in the browser console the tests check.
 */
export async function waitForEntity(
  product: Pick<RunningProduct, 'baseUrl' | 'token'>,
  entityRef: string,
  timeoutMs = 120_000,
): Promise<void> {
  const [kind, rest] = entityRef.split(':');
  const [namespace, name] = rest.split('/');
  const url = `${product.baseUrl}/api/catalog/entities/by-name/${kind}/${namespace}/${name}`;
  await waitFor(
    async () =>
      (
        await fetch(url, {
          headers: { Authorization: `Bearer ${product.token}` },
        }).catch(() => undefined)
      )?.ok ?? false,
    timeoutMs,
    1_000,
  );
}

/** Polls `check` until it returns true or the timeout passes. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms`);
    }
    await sleep(intervalMs);
  }
}

function sleep(ms: number) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

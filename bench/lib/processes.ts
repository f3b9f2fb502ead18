/*
 * Starting the parts of the product for benchmarks as a user runs them: the cluster simulator's command line and
 * packages/backend, each in its own process, on free ports, with a throw-away SQLite folder.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

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

/** An error that ends a wait at once (e.g. the process being waited for exited). */
export class GaveUp extends Error {}

export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      if (error instanceof GaveUp) throw error;
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, intervalMs));
  }
}

/** Stops a child started with `detached: true` together with its own children (npx starts node under it). */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function stopper(child: ChildProcess): () => Promise<void> {
  running.add(child);
  child.once('exit', () => running.delete(child));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  return () =>
    new Promise(resolve => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      signal('SIGTERM');
      setTimeout(() => signal('SIGKILL'), 5000).unref();
    });
}

export interface RunningSimulator {
  controlUrl: string;
  appConfigFile: string;
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/** `cluster-simulator` with the given arguments; resolves once it wrote its summary. */
export async function startSimulatorProcess(
  args: string[],
): Promise<RunningSimulator> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sim-'));
  const controlPort = await freePort();
  const summaryFile = path.join(dir, 'summary.json');
  const appConfigFile = path.join(dir, 'app-config.simulator.yaml');
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'packages/cluster-simulator/bin/cluster-simulator'),
      ...args,
      '--control-port',
      String(controlPort),
      '--kubeconfig',
      path.join(dir, 'kubeconfig'),
      '--write-config',
      appConfigFile,
      '--summary',
      summaryFile,
    ],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'], detached: true },
  );
  await waitFor(
    'the simulator to start',
    async () => {
      if (child.exitCode !== null) throw new GaveUp('the simulator exited');
      return fs.existsSync(summaryFile) ? true : undefined;
    },
    15 * 60_000,
  );
  return {
    controlUrl: `http://127.0.0.1:${controlPort}`,
    appConfigFile,
    dir,
    pid: child.pid!,
    stop: stopper(child),
  };
}

export interface RunningBackend {
  baseUrl: string;
  token: string;
  pid: number;
  logs(): string;
  stop(): Promise<void>;
}

/** packages/backend as `npm start` runs it, with extra config files. */
export async function startBackendProcess(
  configFiles: string[],
): Promise<RunningBackend> {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const token = 'bench-static-token-0123456789';
  const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sqlite-'));
  let logs = '';
  // node directly, as `backstage-cli package start` runs it but without its file watcher (no restarts mid-run);
  // BENCH_BACKEND_NODE_FLAGS adds flags such as --cpu-prof
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_BACKEND_NODE_FLAGS?.split(' ').filter(Boolean) ??
        []),
      '--no-node-snapshot',
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index',
      '--config',
      '../../app-config.yaml',
      ...configFiles.flatMap(f => ['--config', f]),
    ],
    {
      cwd: path.join(repoRoot, 'packages/backend'),
      env: {
        ...process.env,
        NODE_ENV: 'development',
        BACKEND_PORT: String(port),
        BACKEND_BASE_URL: baseUrl,
        APP_BASE_URL: baseUrl,
        SQLITE_DIRECTORY: sqliteDir,
        INFERENCE_API_TOKEN: token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  child.stdout!.on('data', d => {
    logs += d;
  });
  child.stderr!.on('data', d => {
    logs += d;
  });
  await waitFor(
    'the backend to listen',
    async () => {
      if (child.exitCode !== null)
        throw new GaveUp(`the backend exited:\n${logs.slice(-3000)}`);
      const res = await fetch(`${baseUrl}/api/inference/health`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return res.ok ? true : undefined;
    },
    5 * 60_000,
  );
  return {
    baseUrl,
    token,
    pid: child.pid!,
    logs: () => logs,
    stop: async () => {
      await stopper(child)();
      fs.rmSync(sqliteDir, { recursive: true, force: true });
    },
  };
}

#!/usr/bin/env node
// `npm start`: the product on its embedded default. Starts the simulated GPU clusters of the demo scenario, builds
// the frontend, then runs the backend that serves it (app + API on one port, SQLite files under data/), with the
// Kubernetes plugin and the inference plugin pointed at the simulated clusters. Ctrl-C stops everything.
//
//   BACKEND_PORT (7007), SIMULATOR_PORT (first cluster port, 7101), SIMULATOR_SCENARIO (demo), SIMULATOR_SPEED (1)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data');
const simDir = path.join(dataDir, 'simulator');
fs.mkdirSync(path.join(dataDir, 'sqlite'), { recursive: true });
fs.mkdirSync(simDir, { recursive: true });

const children = [];
function stopAll(code = 0) {
  for (const child of children) {
    if (child.exitCode === null) child.kill('SIGINT');
  }
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function startSimulator() {
  const summaryFile = path.join(simDir, 'summary.json');
  fs.rmSync(summaryFile, { force: true });
  const basePort = Number(process.env.SIMULATOR_PORT ?? 7101);
  const sim = spawn(
    process.execPath,
    [
      path.join(root, 'packages/cluster-simulator/bin/cluster-simulator'),
      '--scenario',
      process.env.SIMULATOR_SCENARIO ?? 'demo',
      '--port',
      String(basePort),
      '--control-port',
      String(basePort - 1),
      '--speed',
      process.env.SIMULATOR_SPEED ?? '1',
      '--kubeconfig',
      path.join(simDir, 'kubeconfig'),
      '--write-config',
      path.join(simDir, 'app-config.simulator.yaml'),
      '--summary',
      summaryFile,
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  children.push(sim);
  sim.on('exit', code => {
    console.error(`cluster simulator exited with ${code}`);
    stopAll(code ?? 1);
  });
  for (let i = 0; i < 600 && !fs.existsSync(summaryFile); i++) {
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  if (!fs.existsSync(summaryFile))
    throw new Error('the cluster simulator did not start within 60 s');
}

await startSimulator();

const configArgs = [
  '--config',
  path.join(root, 'app-config.yaml'),
  '--config',
  path.join(simDir, 'app-config.simulator.yaml'),
];
const localConfig = path.join(root, 'app-config.local.yaml');
if (fs.existsSync(localConfig)) configArgs.push('--config', localConfig);

console.log('Building the frontend (packages/app) ...');
const build = spawnSync(
  'npx',
  ['backstage-cli', 'package', 'build', ...configArgs],
  {
    cwd: path.join(root, 'packages/app'),
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  },
);
if (build.status !== 0) stopAll(build.status ?? 1);

const backend = spawn(
  'npx',
  ['backstage-cli', 'package', 'start', ...configArgs],
  {
    cwd: path.join(root, 'packages/backend'),
    stdio: 'inherit',
    env: {
      ...process.env,
      // development mode, where the demo's guest sign-in is allowed; error bodies still carry no stack traces
      // (backend.errorHandler.showStackTraces in app-config.yaml, packages/backend/src/errorResponses.ts)
      NODE_ENV: 'development',
      // isolated-vm (scaffolder templating) needs this on Node 20
      NODE_OPTIONS: `${
        process.env.NODE_OPTIONS ?? ''
      } --no-node-snapshot`.trim(),
    },
  },
);
children.push(backend);
backend.on('exit', code => stopAll(code ?? 0));
const port = process.env.BACKEND_PORT ?? '7007';
console.log(
  `Starting the backend; open http://localhost:${port} when it is listening.`,
);

#!/usr/bin/env node
// `npm start`: the product on its embedded default. Builds the frontend, then runs the backend that serves it
// (app + API on one port, SQLite files under data/). Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data');
fs.mkdirSync(path.join(dataDir, 'sqlite'), { recursive: true });

const configArgs = ['--config', path.join(root, 'app-config.yaml')];
const localConfig = path.join(root, 'app-config.local.yaml');
if (fs.existsSync(localConfig)) configArgs.push('--config', localConfig);

console.log('Building the frontend (packages/app) ...');
const build = spawnSync(
  'npx',
  ['backstage-cli', 'package', 'build', ...configArgs],
  { cwd: path.join(root, 'packages/app'), stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const env = {
  ...process.env,
  // isolated-vm (scaffolder templating) needs this on Node 20
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim(),
};
const backend = spawn(
  'npx',
  ['backstage-cli', 'package', 'start', ...configArgs],
  { cwd: path.join(root, 'packages/backend'), stdio: 'inherit', env },
);
const port = process.env.BACKEND_PORT ?? '7007';
console.log(
  `Starting the backend; open http://localhost:${port} when it is listening.`,
);

function stop() {
  backend.kill('SIGINT');
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
backend.on('exit', code => process.exit(code ?? 0));

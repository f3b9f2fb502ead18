#!/usr/bin/env node
// `npm test`: every test of the repository. Checks both config files against the plugins' schemas, then runs all
// jest projects (unit, store tests on SQLite and -- when its connection string is set -- PostgreSQL, browser smoke).
// Ends with the line "N passed, N failed" that CI reads. Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = path.join(root, 'test-results', 'jest-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });

function run(command, args, env = process.env) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return (
    spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status ?? 1
  );
}

let failedChecks = 0;
for (const configs of [
  ['app-config.yaml'],
  ['app-config.yaml', 'app-config.production.yaml'],
]) {
  const args = [
    'backstage-cli',
    'config:check',
    '--strict',
    '--lax',
    ...configs.flatMap(c => ['--config', c]),
  ];
  if (run('npx', args) !== 0) failedChecks += 1;
}

const jestStatus = run(
  'npx',
  [
    'backstage-cli',
    'repo',
    'test',
    '--watchAll=false',
    '--json',
    `--outputFile=${resultsFile}`,
    ...process.argv.slice(2),
  ],
  {
    ...process.env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --no-node-snapshot`.trim(),
  },
);

let passed = 0;
let failed = failedChecks;
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  console.log(
    `\njest: ${results.numTotalTestSuites} suites, ${results.numPassedTests} passed, ` +
      `${results.numFailedTests} failed, ${results.numPendingTests} skipped, ` +
      `${results.numRuntimeErrorTestSuites} suites failed to run`,
  );
} else {
  failed += 1;
  console.log('\njest wrote no results');
}
if (failedChecks > 0) console.log(`${failedChecks} config check(s) failed`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || jestStatus !== 0 ? 1 : 0);

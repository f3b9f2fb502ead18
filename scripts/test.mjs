#!/usr/bin/env node
// `npm test`: every test of the repository. Checks the demo's and the production config against the plugins'
// schemas, builds the production bundle (scripts/production/build.sh: its end-to-end test installs and runs it, and
// the browser tests use the app it builds), then runs all jest projects (unit, store tests on SQLite and -- when its
// connection string is set -- PostgreSQL, browser smoke, the production bundle on PostgreSQL with OIDC sign-in).
// Ends with the line "N passed, N failed, N skipped" that CI reads. Before it, the suites skipped because a service
// is missing (Chromium, Prometheus, docker-registry, kubectl, PostgreSQL): a suite says so with a skipped describe
// whose title ends in "[skipped: <service>: <why>]". Extra arguments go to jest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile =
  process.env.JEST_RESULTS_FILE ??
  path.join(root, 'test-results', 'jest-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });

function run(command, args, env = process.env) {
  console.log(`\n$ ${command} ${args.join(' ')}`);
  return (
    spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status ?? 1
  );
}

let failedChecks = 0;
for (const configs of [['app-config.yaml'], ['app-config.production.yaml']]) {
  const args = [
    'backstage-cli',
    'config:check',
    '--strict',
    '--lax',
    ...configs.flatMap(c => ['--config', c]),
  ];
  if (run('npx', args) !== 0) failedChecks += 1;
}

// Before jest, so that no test builds the app while another serves it; only when this run includes the production
// bundle's test (a run narrowed by --testPathPattern to other suites, e.g. one started by a test, builds nothing).
const PRODUCTION_TEST = 'packages/e2e-tests/src/productionBundle.test.ts';
const patternArg = process.argv.findIndex(a =>
  a.startsWith('--testPathPattern'),
);
const pattern =
  patternArg < 0
    ? undefined
    : process.argv[patternArg].split('=')[1] ?? process.argv[patternArg + 1];
const runsProductionTest =
  pattern === undefined || new RegExp(pattern).test(PRODUCTION_TEST);
if (runsProductionTest && run('bash', ['scripts/production/build.sh']) !== 0) {
  failedChecks += 1;
  console.log('the production build failed');
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

const MISSING_SERVICE = /\[skipped: ([^:\]]+): ([^\]]*)\]/;

/** Skipped tests by the missing service their suite names, and those that name none. */
function skippedTests(results) {
  const byService = new Map();
  const unexplained = [];
  for (const file of results.testResults ?? []) {
    const relative = path.relative(root, file.name);
    for (const test of file.assertionResults ?? []) {
      if (test.status !== 'pending' && test.status !== 'skipped') continue;
      const title = [...(test.ancestorTitles ?? []), test.title].join(' › ');
      const match = MISSING_SERVICE.exec(title);
      if (!match) {
        unexplained.push(`${relative}: ${title}`);
        continue;
      }
      const [, service, why] = match;
      const entry = byService.get(service) ?? {
        why,
        tests: 0,
        files: new Set(),
      };
      entry.tests += 1;
      entry.files.add(relative);
      byService.set(service, entry);
    }
  }
  return { byService, unexplained };
}

let passed = 0;
let failed = failedChecks;
let skipped = 0;
if (fs.existsSync(resultsFile)) {
  const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed += results.numPassedTests;
  failed += results.numFailedTests + results.numRuntimeErrorTestSuites;
  console.log(
    `\njest: ${results.numTotalTestSuites} suites, ${results.numPassedTests} passed, ` +
      `${results.numFailedTests} failed, ${results.numPendingTests} skipped, ` +
      `${results.numRuntimeErrorTestSuites} suites failed to run`,
  );
  skipped = results.numPendingTests + (results.numTodoTests ?? 0);
  const { byService, unexplained } = skippedTests(results);
  if (byService.size > 0) {
    console.log(
      '\nSkipped for a missing service (under CI=true each is a failure):',
    );
    for (const [service, { why, tests, files }] of byService) {
      console.log(
        `  ${service}: ${why}: ${tests} test${tests === 1 ? '' : 's'} in ${[
          ...files,
        ].join(', ')}`,
      );
    }
  }
  if (unexplained.length > 0) {
    console.log('\nSkipped in the code (it.skip, describe.skip):');
    for (const test of unexplained) console.log(`  ${test}`);
  }
} else {
  failed += 1;
  console.log('\njest wrote no results');
}
if (failedChecks > 0)
  console.log(`${failedChecks} config check(s) or build(s) failed`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || jestStatus !== 0 ? 1 : 0);

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// the README's test command, on two suites whose services are absent: one config check pass and a jest run
jest.setTimeout(300_000);

// eslint-disable-next-line no-restricted-syntax -- the repository root, where `npm test` runs
const ROOT = path.resolve(__dirname, '../../..');

/**
 * `npm test` on a machine without Prometheus or docker-registry: outside CI their suites skip, and the summary says
 * which suites skipped for which missing service before the line CI reads, which counts the skipped tests.
 */
describe('npm test on a machine that lacks a service', () => {
  it('names the suites skipped for a missing service and counts them on the summary line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'test-command-'));
    try {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        CI: 'false',
        PROMETHEUS_PATH: path.join(dir, 'no-prometheus'),
        DOCKER_REGISTRY_PATH: path.join(dir, 'no-docker-registry'),
        JEST_RESULTS_FILE: path.join(dir, 'jest-results.json'),
      };
      // the nested jest must not think it is one of this run's workers
      delete env.JEST_WORKER_ID;
      const run = spawnSync(
        process.execPath,
        [
          'scripts/test.mjs',
          '--testPathPattern',
          'PrometheusSource\\.prometheus|resolveDigest\\.registry',
        ],
        { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      );
      const lines = `${run.stdout}`.trimEnd().split('\n');

      expect(lines[lines.length - 1]).toMatch(
        /^0 passed, 0 failed, [1-9]\d* skipped$/,
      );
      const block = lines.indexOf(
        'Skipped for a missing service (under CI=true each is a failure):',
      );
      expect(block).toBeGreaterThan(-1);
      const reasons = lines.slice(block + 1, lines.length - 1);
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^ {2}Prometheus: \S+no-prometheus not found, .*: \d+ tests? in plugins\/inference-backend\/src\/metrics\/PrometheusSource\.prometheus\.test\.ts$/,
          ),
          expect.stringMatching(
            /^ {2}docker-registry: \S+no-docker-registry not found, .*: \d+ tests? in plugins\/scaffolder-backend-module-inference\/src\/registry\/resolveDigest\.registry\.test\.ts$/,
          ),
        ]),
      );
      // the skip count is every skipped test of both suites
      const skipped = Number(
        /(\d+) skipped$/.exec(lines[lines.length - 1])![1],
      );
      const counted = reasons
        .map(r => /: (\d+) tests? in /.exec(r))
        .reduce((sum, m) => sum + (m ? Number(m[1]) : 0), 0);
      expect(counted).toBe(skipped);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

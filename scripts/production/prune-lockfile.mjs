// Prunes this repository's package-lock.json to the packages of a backend bundle's skeleton, so the bundle installs
// with `npm ci` and exactly the versions the repository locks. Usage: node prune-lockfile.mjs <backend dist folder>
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '../..',
);
const dist = path.resolve(process.argv[2] ?? 'packages/backend/dist');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'backend-lockfile-'));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: work, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status})`);
  }
}

/** name@version of every installed package a lockfile lists. */
function lockedVersions(lockfile) {
  const { packages } = JSON.parse(fs.readFileSync(lockfile, 'utf8'));
  return new Set(
    Object.entries(packages)
      .filter(
        ([where, entry]) =>
          where.includes('node_modules/') && entry.version && !entry.link,
      )
      .map(
        ([where, entry]) =>
          `${where.split('node_modules/').pop()}@${entry.version}`,
      ),
  );
}

try {
  run('tar', ['xzf', path.join(dist, 'skeleton.tar.gz')]);
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    fs.copyFileSync(path.join(repo, file), path.join(work, file));
  }
  // drops what the skeleton's packages do not use; keeps every locked version that still satisfies them
  run('npm', [
    'install',
    '--package-lock-only',
    '--ignore-scripts',
    '--no-audit',
    '--no-fund',
  ]);
  const pruned = path.join(work, 'package-lock.json');
  const repoVersions = lockedVersions(path.join(repo, 'package-lock.json'));
  const unlocked = [...lockedVersions(pruned)].filter(
    v => !repoVersions.has(v),
  );
  if (unlocked.length > 0) {
    throw new Error(
      `the pruned lockfile has versions the repository does not lock: ${unlocked
        .slice(0, 10)
        .join(', ')}` +
        (unlocked.length > 10 ? ` and ${unlocked.length - 10} more` : ''),
    );
  }
  fs.copyFileSync(pruned, path.join(dist, 'package-lock.json'));
  console.log(
    `${path.join(dist, 'package-lock.json')}: ${
      lockedVersions(pruned).size
    } of ${repoVersions.size} locked packages`,
  );
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

#!/usr/bin/env node
// `npm run bench [-- <name>... [--option value...]]`: runs the benchmarks (all, or the named ones: summary, ingestion, memory, quota,
// templates) one after another, each in its own process, prints one table of results against the targets and writes
// it to bench/results/latest.md (and the raw figures to latest.json). Not part of `npm test`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['summary', 'ingestion', 'memory', 'quota', 'templates'];
// names first, then options passed to every benchmark (e.g. `-- summary --clusters 4`)
const args = process.argv.slice(2);
const firstOption = args.findIndex(a => a.startsWith('-'));
const requested = firstOption < 0 ? args : args.slice(0, firstOption);
const forwarded = firstOption < 0 ? [] : args.slice(firstOption);
const unknown = requested.filter(n => !ALL.includes(n));
if (unknown.length) {
  console.error(
    `unknown benchmark(s) ${unknown.join(', ')}; choose from ${ALL.join(', ')}`,
  );
  process.exit(2);
}
const names = requested.length ? requested : ALL;

function runBench(name) {
  return new Promise(resolve => {
    const started = Date.now();
    console.log(`\n=== ${name}`);
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '-r',
        '@backstage/cli/config/nodeTransform.cjs',
        path.join('bench', `${name}.bench.ts`),
        ...forwarded,
      ],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    let result;
    let buffered = '';
    child.stdout.on('data', chunk => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('BENCH_RESULT '))
          result = JSON.parse(line.slice(13));
        else process.stdout.write(`${line}\n`);
      }
    });
    child.on('exit', code => {
      const seconds = Math.round((Date.now() - started) / 1000);
      if (code === 0 && result) resolve({ ...result, seconds });
      else
        resolve({
          bench: name,
          seconds,
          failed: true,
          rows: [
            {
              bench: name,
              measure: 'run',
              result: `failed (exit ${code})`,
              met: false,
            },
          ],
        });
    });
  });
}

// `--render` only rewrites latest.md from latest.json
const results = [];
for (const name of args.includes('--render') ? [] : names) {
  const result = await runBench(name);
  results.push({ ...result, name, when: new Date().toISOString() });
}

const machine = `${os.cpus().length} cores (${os
  .cpus()[0]
  ?.model?.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
  process.version
}, ${os.platform()} ${os.release()}`;

function render(list) {
  const header = ['Benchmark', 'Measure', 'Result', 'Target', 'Verdict'];
  const lines = list.flatMap(r =>
    r.rows.map(row => [
      row.bench,
      row.measure,
      row.result,
      row.target ?? '',
      row.met === undefined
        ? ''
        : row.met
        ? 'met'
        : `MISSED${row.note ? `: ${row.note}` : ''}`,
    ]),
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...lines.map(l => l[i].length)),
  );
  const format = cells =>
    `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  const table = [
    format(header),
    `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`,
    ...lines.map(format),
  ].join('\n');
  const notes = list.flatMap(r =>
    (r.notes ?? []).map(n => `- ${r.bench}: ${n}`),
  );
  return { table, notes };
}

const now = render(results);
console.log(`\nResults (${machine})\n`);
console.log(now.table);
if (now.notes.length) console.log(`\n${now.notes.join('\n')}`);

// The record (latest.md/.json) keeps the newest default-size run of each benchmark; runs with options are written
// beside it (latest-<names>.md) and leave the record alone.
const outDir = path.join(root, 'bench', 'results');
fs.mkdirSync(outDir, { recursive: true });
let record = results;
let suffix = '';
if (forwarded.length && !args.includes('--render')) {
  suffix = `-${names.join('-')}`;
} else {
  const file = path.join(outDir, 'latest.json');
  const previous = fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8')).results ?? []
    : [];
  const byName = new Map(previous.filter(r => r.name).map(r => [r.name, r]));
  for (const r of results) byName.set(r.name, r);
  record = ALL.filter(n => byName.has(n)).map(n => byName.get(n));
}
const { table, notes } = render(record);
const runs = record.map(r => `${r.name} ${r.when}`).join(', ');
fs.writeFileSync(
  path.join(outDir, `latest${suffix}.md`),
  `# Benchmark results\n\nOn ${machine}. Runs: ${runs}. Reproduce with \`npm run bench\` (or \`npm run bench -- <name>\`).\n\n${table}\n${
    notes.length ? `\n${notes.join('\n')}\n` : ''
  }`,
);
fs.writeFileSync(
  path.join(outDir, `latest${suffix}.json`),
  `${JSON.stringify(
    { machine, cores: os.cpus().length, results: record },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten to bench/results/latest${suffix}.md and .json`);
process.exit(results.some(r => r.failed) ? 1 : 0);

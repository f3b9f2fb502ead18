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

const results = [];
for (const name of names) results.push(await runBench(name));

const header = ['Benchmark', 'Measure', 'Result', 'Target', 'Verdict'];
const lines = results.flatMap(r =>
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
const machine = `${os.cpus().length} cores (${os
  .cpus()[0]
  ?.model?.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${
  process.version
}, ${os.platform()} ${os.release()}`;
const when = new Date().toISOString();

console.log(`\nResults (${when}; ${machine})\n`);
console.log(table);
const notes = results.flatMap(r =>
  (r.notes ?? []).map(n => `- ${r.bench}: ${n}`),
);
if (notes.length) console.log(`\n${notes.join('\n')}`);

const outDir = path.join(root, 'bench', 'results');
fs.mkdirSync(outDir, { recursive: true });
const suffix = requested.length ? `-${names.join('-')}` : '';
fs.writeFileSync(
  path.join(outDir, `latest${suffix}.md`),
  `# Benchmark results\n\n${when} on ${machine}. Reproduce with \`npm run bench${
    requested.length ? ` -- ${names.join(' ')}` : ''
  }\`.\n\n${table}\n${notes.length ? `\n${notes.join('\n')}\n` : ''}`,
);
fs.writeFileSync(
  path.join(outDir, `latest${suffix}.json`),
  `${JSON.stringify(
    { when, machine, cores: os.cpus().length, results },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten to bench/results/latest${suffix}.md and .json`);
process.exit(results.some(r => r.failed) ? 1 : 0);

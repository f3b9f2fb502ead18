#!/usr/bin/env node
// From src/schema/openapi.yaml, writes:
// - src/schema/openapi.generated.ts: the spec as a typed constant, which the router validates requests against;
// - inference-common's src/api.generated.ts: the wire types (paths, components) by openapi-typescript, which
//   inference-common/src/api.ts names, the router's handlers are typed with, and the clients return.
// `--check` writes nothing and fails when a generated file differs from what the spec gives (openapi.test.ts runs it).
// (repo-tools' generator needs a Java jar downloaded from Maven, which this build cannot fetch.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import prettier from 'prettier';
import yaml from 'yaml';

const pluginDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
);
const specPath = path.join(pluginDir, 'src/schema/openapi.yaml');
const specOut = path.join(pluginDir, 'src/schema/openapi.generated.ts');
const typesOut = path.resolve(
  pluginDir,
  '../inference-common/src/api.generated.ts',
);

const header = [
  '// Generated from plugins/inference-backend/src/schema/openapi.yaml by its scripts/generate-spec.mjs',
  '// (npm run generate:spec in plugins/inference-backend). Do not edit.',
  '/* eslint-disable */',
  '',
];

async function format(file, text) {
  const options = await prettier.resolveConfig(file);
  return prettier.format(text, { ...options, filepath: file });
}

async function generate() {
  const spec = yaml.parse(fs.readFileSync(specPath, 'utf8'));
  const specText = [
    ...header,
    `export const spec = ${JSON.stringify(spec, null, 2)} as const;`,
    '',
  ].join('\n');
  const ast = await openapiTS(spec, { exportType: true, silent: true });
  const typesText = [
    ...header,
    astToString(ast).replace(
      /^export (type|interface) /gm,
      '/** @public */\nexport $1 ',
    ),
  ].join('\n');
  return [
    [specOut, await format(specOut, specText)],
    [typesOut, await format(typesOut, typesText)],
  ];
}

const check = process.argv.includes('--check');
const stale = [];
for (const [file, text] of await generate()) {
  const relative = path.relative(process.cwd(), file);
  if (check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current !== text) stale.push(relative);
  } else {
    fs.writeFileSync(file, text);
    console.log(`wrote ${relative}`);
  }
}
if (stale.length > 0) {
  console.error(
    `stale, run npm run generate:spec in plugins/inference-backend: ${stale.join(
      ', ',
    )}`,
  );
  process.exit(1);
}

#!/usr/bin/env node
// Writes src/schema/openapi.generated.ts from src/schema/openapi.yaml: the spec as a typed constant, which
// createValidatedOpenApiRouter uses to validate requests and type the handlers. (repo-tools' generator needs a
// Java jar downloaded from Maven, which this build cannot fetch.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'yaml';

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../src/schema',
);
const spec = yaml.parse(
  fs.readFileSync(path.join(dir, 'openapi.yaml'), 'utf8'),
);
const body = [
  '// Generated from openapi.yaml by scripts/generate-spec.mjs (npm run generate:spec). Do not edit.',
  '/* eslint-disable */',
  '',
  `export const spec = ${JSON.stringify(spec, null, 2)} as const;`,
  '',
].join('\n');
fs.writeFileSync(path.join(dir, 'openapi.generated.ts'), body);
console.log('wrote src/schema/openapi.generated.ts');

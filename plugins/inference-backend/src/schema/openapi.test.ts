import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { spec } from './openapi.generated';

describe('openapi.generated.ts', () => {
  it('matches openapi.yaml (run npm run generate:spec after editing it)', () => {
    const source = yaml.parse(
      // eslint-disable-next-line no-restricted-syntax -- tests run from source
      fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
    );
    expect(spec).toEqual(source);
  });
});

describe('generated files', () => {
  it('are what openapi.yaml gives: the spec constant and the wire types of inference-common', () => {
    // eslint-disable-next-line no-restricted-syntax -- tests run from source
    const script = path.resolve(__dirname, '../../scripts/generate-spec.mjs');
    let failure = '';
    try {
      execFileSync(process.execPath, [script, '--check'], {
        stdio: 'pipe',
        encoding: 'utf8',
      });
    } catch (error) {
      failure = String((error as { stderr?: string }).stderr ?? error);
    }
    expect(failure).toBe('');
  }, 60_000);
});

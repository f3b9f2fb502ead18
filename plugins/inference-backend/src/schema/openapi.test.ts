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

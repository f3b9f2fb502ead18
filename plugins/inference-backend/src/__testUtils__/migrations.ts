import fs from 'node:fs';
import path from 'node:path';

/** File name of the newest migration in migrations/, which a fully migrated database reports. */
export function newestMigrationFile(): string {
  // eslint-disable-next-line no-restricted-syntax -- tests run from source
  const dir = path.resolve(__dirname, '../../migrations');
  return fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.js'))
    .sort()
    .at(-1)!;
}

import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../productUnderTest';

/**
 * The `auth:` section of app-config.production.yaml as it ships, as YAML text, so a test can run the development
 * backend with the production sign-in (OIDC, guest off) without PostgreSQL and real clusters.
 */
export function productionAuthSectionYaml(): string {
  const lines = fs
    .readFileSync(path.join(repoRoot, 'app-config.production.yaml'), 'utf8')
    .split('\n');
  const start = lines.indexOf('auth:');
  if (start < 0) throw new Error('app-config.production.yaml has no auth:');
  // the section ends where the next top-level key begins
  const end = lines.findIndex((line, i) => i > start && /^[A-Za-z]/.test(line));
  return `${lines.slice(start, end < 0 ? undefined : end).join('\n')}\n`;
}

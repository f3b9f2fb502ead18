import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';

/** The PostgreSQL the tests may use: the store tests' connection string (BACKSTAGE_TEST_DATABASE_POSTGRES15_...). */
export const POSTGRES_ADMIN_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;

/**
 * True when PostgreSQL is configured. Outside CI its absence skips the suite; under CI=true it is an error, so a CI
 * machine without PostgreSQL cannot pass by skipping.
 */
export function postgresConfigured(): boolean {
  if (!POSTGRES_ADMIN_URL && process.env.CI === 'true') {
    throw new Error(
      'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set; CI must start PostgreSQL (see .ci/run)',
    );
  }
  return Boolean(POSTGRES_ADMIN_URL);
}

function psql(sql: string): string {
  const url = new URL(POSTGRES_ADMIN_URL!);
  url.pathname = '/postgres';
  const result = spawnSync(
    'psql',
    [url.toString(), '-v', 'ON_ERROR_STOP=1', '-At', '-c', sql],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new Error(`psql failed: ${result.stderr || result.error}`);
  }
  return result.stdout;
}

/** A database user as README's production section asks for one: LOGIN and CREATEDB, nothing more. */
export interface PostgresUser {
  host: string;
  port: string;
  user: string;
  password: string;
  /** backend.database.prefix of this run, so its databases are its own */
  databasePrefix: string;
  /** The databases the backend created, by name. */
  databases(): string[];
  /** Drops the user's databases and the user. */
  drop(): void;
}

export function createPostgresUser(): PostgresUser {
  const url = new URL(POSTGRES_ADMIN_URL!);
  const suffix = randomBytes(4).toString('hex');
  const user = `inference_e2e_${suffix}`;
  const password = randomBytes(12).toString('hex');
  const databasePrefix = `e2e_${suffix}_`;
  psql(`CREATE ROLE ${user} LOGIN CREATEDB PASSWORD '${password}'`);
  const databases = () =>
    psql(
      `SELECT datname FROM pg_database WHERE datname LIKE '${databasePrefix}%' ORDER BY datname`,
    )
      .split('\n')
      .filter(Boolean);
  return {
    host: url.hostname,
    port: url.port || '5432',
    user,
    password,
    databasePrefix,
    databases,
    drop() {
      for (const name of databases()) {
        psql(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }
      psql(`DROP ROLE IF EXISTS ${user}`);
    },
  };
}

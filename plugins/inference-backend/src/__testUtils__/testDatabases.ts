import { TestDatabases, TestDatabaseId } from '@backstage/backend-test-utils';

// This machine has no Docker: databases come from connection strings only. SQLite always runs; PostgreSQL runs when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set, and must be set under CI=true.
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * The databases every store test runs on.
 *
 * @internal
 */
export function createTestDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  if (process.env[POSTGRES_ENV]) {
    ids.push('POSTGRES_15');
  } else if (process.env.CI === 'true') {
    throw new Error(
      `${POSTGRES_ENV} is not set: under CI=true the store tests must also run on PostgreSQL`,
    );
  }
  return TestDatabases.create({ ids, disableDocker: true });
}

import { TestDatabases, TestDatabaseId } from '@backstage/backend-test-utils';

// This machine has no Docker: databases come from connection strings only. SQLite always runs; PostgreSQL runs when
// BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set, and must be set under CI=true.
const POSTGRES_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

/**
 * The databases every store test runs on.
 *
 * @internal
 */
// eslint-disable-next-line jest/no-export -- a helper of the store tests, which registers their skipped PostgreSQL half
export function createTestDatabases(): TestDatabases {
  const ids: TestDatabaseId[] = ['SQLITE_3'];
  if (process.env[POSTGRES_ENV]) {
    ids.push('POSTGRES_15');
  } else if (process.env.CI === 'true') {
    throw new Error(
      `${POSTGRES_ENV} is not set: under CI=true the store tests must also run on PostgreSQL`,
    );
  } else {
    // the PostgreSQL half of the file does not exist: say so as a skipped test, which npm test's summary reports
    describe.skip(`PostgreSQL [skipped: PostgreSQL: ${POSTGRES_ENV} is not set]`, () => {
      it('runs these tests on PostgreSQL 15 as well as SQLite', () => {});
    });
  }
  return TestDatabases.create({ ids, disableDocker: true });
}

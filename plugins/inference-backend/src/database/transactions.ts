import { Knex } from 'knex';

// PostgreSQL serialization failure and deadlock, a unique-key race (two requests with one idempotency key), and
// SQLite's busy database: all mean "another writer won, run the transaction again".
const RETRYABLE_CODES = new Set(['40001', '40P01', '23505', 'SQLITE_BUSY']);
const MAX_ATTEMPTS = 6;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  if (code && RETRYABLE_CODES.has(code)) return true;
  // better-sqlite3 reports extended codes: a unique violation as SQLITE_CONSTRAINT_UNIQUE, and a transaction that read
  // before another process wrote the file (two backends on one SQLite file) as SQLITE_BUSY_SNAPSHOT when it then writes
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    Boolean(code?.startsWith('SQLITE_BUSY'))
  );
}

/**
 * Runs `work` in a transaction, again on a serialization failure, deadlock or unique-key race, with jittered
 * backoff. Errors the work throws itself (e.g. a quota refusal) are not retried.
 */
export async function inRetriedTransaction<T>(
  db: Knex,
  work: (tx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      const backoffMs = Math.random() * 10 * 2 ** attempt;
      await new Promise(resolve => setTimeout(resolve, backoffMs));
    }
  }
}

/** SQLite hands timestamps back as epoch numbers or strings, PostgreSQL as Date. */
export function toDate(value: string | number | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** True when the client talks to PostgreSQL (row locks work there; SQLite has a single writer instead). */
export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { inspect } from 'node:util';

// The network, and PostgreSQL refusing or ending the session: the store is out of reach, whatever the query was.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATE: 08 connection exception, 28 bad credentials, 57P01-03 server shutting down or starting, 53300 too many
// connections, 3D000 the database is gone
const SQLSTATE = /^(08|28)...$|^57P0[123]$|^53300$|^3D000$/;
// node-postgres reports a connection that died under a query by message only
const DRIVER_MESSAGES =
  /Connection terminated|connection error and is not queryable|Connection ended unexpectedly/i;

/** True when `error` says the database cannot be reached (as opposed to a query it refused). */
export function isConnectionLoss(error: unknown): boolean {
  const { code, name, message } = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
  };
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || SQLSTATE.test(code))
  )
    return true;
  // no connection came free within acquireConnectionTimeout: as unreachable, for the callers, as a refusal
  if (name === 'KnexTimeoutError') return true;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

/** The cause of a connection error in one line: no stack, and without the SQL knex puts before the driver's message. */
export function causeOf(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String(error ?? 'unknown error');
  const firstLine = message.split('\n')[0];
  const afterSql = firstLine.lastIndexOf(' - ');
  return (afterSql >= 0 ? firstLine.slice(afterSql + 3) : firstLine).slice(
    0,
    300,
  );
}

const KNEX_CONNECTION_WARNING =
  /^(Acquire connection error|Connection Error): /;

/**
 * knex prints every failed connection attempt with its stack to stdout (console.log), past the Backstage logger: during
 * an outage that is a stack per query, scheduler poll and retry. The caller gets the same error anyway (and the
 * store's availability logs a loss once), so these go to debug, one line each; knex's other warnings go to `logger`.
 */
export function routeKnexWarnings(knex: Knex, logger: LoggerService): void {
  const text = (message: unknown) =>
    typeof message === 'string' ? message : inspect(message);
  knex.client.logger = {
    warn: (message: unknown) => {
      const line = text(message);
      if (KNEX_CONNECTION_WARNING.test(line))
        logger.debug(`knex: ${line.split('\n')[0]}`);
      else logger.warn(`knex: ${line}`);
    },
    error: (message: unknown) => logger.error(`knex: ${text(message)}`),
    debug: (message: unknown) => logger.debug(`knex: ${text(message)}`),
    deprecate: (method: string, alternative: string) =>
      logger.warn(`knex: ${method} is deprecated, please use ${alternative}`),
  };
}

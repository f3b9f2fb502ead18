import { mockServices } from '@backstage/backend-test-utils';
import knexFactory from 'knex';
import { causeOf, isConnectionLoss, routeKnexWarnings } from './connectionLoss';

const withCode = (code: string, message = 'failed') =>
  Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['an unknown host', withCode('ENOTFOUND')],
    ['PostgreSQL ending the session (admin shutdown)', withCode('57P01')],
    ['PostgreSQL starting up', withCode('57P03')],
    ['a connection exception', withCode('08006')],
    ['a rotated password', withCode('28P01')],
    ['too many connections', withCode('53300')],
    [
      'a connection that died under a query',
      new Error('select 1 - Connection terminated unexpectedly'),
    ],
    [
      'a transaction on a dead connection',
      new Error(
        'ROLLBACK - Client has encountered a connection error and is not queryable',
      ),
    ],
    [
      'no pooled connection in time',
      Object.assign(new Error('Knex: Timeout acquiring a connection.'), {
        name: 'KnexTimeoutError',
      }),
    ],
  ])('is true for %s', (_, error) => {
    expect(isConnectionLoss(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('23505')],
    ['a serialization failure', withCode('40001')],
    ['a syntax error', withCode('42601')],
    [
      'a quota refusal',
      Object.assign(new Error('over quota'), { name: 'ConflictError' }),
    ],
    ['no error at all', undefined],
  ])('is false for %s', (_, error) => {
    expect(isConnectionLoss(error)).toBe(false);
  });
});

describe('causeOf', () => {
  it('keeps the driver message: no SQL before it, no stack after it', () => {
    const error = new Error(
      'insert into "inference_reservations" ("id") values ($1) - Connection terminated unexpectedly',
    );
    expect(causeOf(error)).toBe('Connection terminated unexpectedly');
    expect(
      causeOf(withCode('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432')),
    ).toBe('connect ECONNREFUSED 10.0.0.5:5432');
  });
});

describe('routeKnexWarnings', () => {
  it('sends knex connection errors to debug in one line, and its other warnings to the logger', async () => {
    const logger = mockServices.logger.mock();
    const knex = knexFactory({
      client: 'pg',
      // nothing listens on port 1
      connection: { host: '127.0.0.1', port: 1, user: 'nobody' },
      pool: { min: 0, max: 1 },
    });
    const printed = jest.spyOn(console, 'log').mockImplementation(() => {});
    try {
      routeKnexWarnings(knex, logger);
      await expect(knex.raw('select 1')).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      knex.client.logger.warn!(
        'Pool config option "x" is no longer supported.',
      );
      expect(printed).not.toHaveBeenCalled();
      expect(logger.debug).toHaveBeenCalledWith(
        expect.stringMatching(
          /^knex: Acquire connection error: Error: connect ECONNREFUSED 127\.0\.0\.1:1$/,
        ),
      );
      expect(logger.warn).toHaveBeenCalledWith(
        'knex: Pool config option "x" is no longer supported.',
      );
    } finally {
      printed.mockRestore();
      await knex.destroy();
    }
  });
});

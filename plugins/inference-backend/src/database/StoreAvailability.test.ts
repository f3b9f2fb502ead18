import { mockServices } from '@backstage/backend-test-utils';
import { ServiceUnavailableError } from '@backstage/errors';
import { InferenceStore } from './InferenceStore';
import { guardStore, StoreAvailability } from './StoreAvailability';

const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), {
    code: 'ECONNREFUSED',
  });

describe('StoreAvailability', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 2, 1, 10, 0, 0) }));
  afterEach(() => jest.useRealTimers());

  function setup() {
    const logger = mockServices.logger.mock();
    let reachable = true;
    const ping = jest.fn(async () => {
      if (!reachable) throw refused();
    });
    const availability = StoreAvailability.create({
      logger,
      ping,
      retryMs: 2_000,
    });
    const listQuotas = jest.fn(async () => {
      if (!reachable) throw refused();
      return [];
    });
    const raw = {
      quotas: { listQuotas },
      usage: {},
      ping,
      latestMigration: async () => undefined,
    } as unknown as InferenceStore;
    return {
      logger,
      ping,
      listQuotas,
      availability,
      store: guardStore(raw, availability),
      cut: () => {
        reachable = false;
      },
      restore: () => {
        reachable = true;
      },
    };
  }

  it('logs one warn line when the store is lost, refuses every operation while it is, and one info line when it is back', async () => {
    const { logger, ping, listQuotas, availability, store, cut, restore } =
      setup();
    await expect(store.quotas.listQuotas()).resolves.toEqual([]);
    cut();

    const lost = store.quotas.listQuotas();
    await expect(lost).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(lost).rejects.toThrow(
      'The inference store (database) is unreachable since 2026-03-01T10:00:00.000Z; retrying',
    );
    // refused at once: no query reaches the database until a ping answers
    for (let i = 0; i < 5; i++) {
      await expect(store.quotas.listQuotas()).rejects.toBeInstanceOf(
        ServiceUnavailableError,
      );
      await jest.advanceTimersByTimeAsync(2_000);
    }
    expect(listQuotas).toHaveBeenCalledTimes(2);
    expect(ping).toHaveBeenCalledTimes(5);
    expect(availability.unreachableSince?.toISOString()).toBe(
      '2026-03-01T10:00:00.000Z',
    );

    restore();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(availability.unreachableSince).toBeUndefined();
    await expect(store.quotas.listQuotas()).resolves.toEqual([]);

    expect(logger.warn.mock.calls).toEqual([
      [
        'Inference store (database) lost: connect ECONNREFUSED 10.0.0.5:5432; reads and writes of the store answer 503 until it is back, retrying every 2 s',
      ],
    ]);
    expect(logger.info.mock.calls).toEqual([
      [
        'Inference store (database) is back after 12.0 s (unreachable since 2026-03-01T10:00:00.000Z)',
      ],
    ]);
    expect(logger.error).not.toHaveBeenCalled();
    availability.stop();
  });

  it('passes errors other than a lost connection through, without starting an outage', async () => {
    const { logger, availability } = setup();
    const conflict = Object.assign(new Error('duplicate key'), {
      code: '23505',
    });
    await expect(availability.run(() => Promise.reject(conflict))).rejects.toBe(
      conflict,
    );
    expect(availability.unreachableSince).toBeUndefined();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('skips a periodic task during an outage and ends one cut short by it quietly', async () => {
    const { availability, store, cut } = setup();
    const body = jest.fn(async () => {
      await store.quotas.listQuotas();
    });
    const task = availability.task(body);
    cut();
    await expect(task()).resolves.toBeUndefined();
    await expect(task()).resolves.toBeUndefined();
    expect(body).toHaveBeenCalledTimes(1);
    availability.stop();
  });

  it('lets a task fail for any other reason, as the scheduler should see it', async () => {
    const { availability } = setup();
    const task = availability.task(async () => {
      throw new Error('a bug');
    });
    await expect(task()).rejects.toThrow('a bug');
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import knexFactory, { Knex } from 'knex';
import {
  eventually,
  oneServiceScenario,
  trackFleet,
} from '../__testUtils__/simulatedFleet';
import { DatabaseInferenceStore } from '../database/DatabaseInferenceStore';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { reconcileReservations } from './ledgerJanitor';

jest.setTimeout(60_000);

const H100 = 'NVIDIA-H100-80GB-HBM3';
const CHAT = 'group:default/ml-chat';

/**
 * After a restart the ledger still holds what was confirmed before it: the janitor compares confirmed reservations
 * with what a synced cluster runs, and releases those whose workload is gone (never from a cluster it cannot see).
 */
describe('ledger janitor: confirmed reservations whose workload vanished', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  let knex: Knex;
  let store: DatabaseInferenceStore;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: oneServiceScenario('janitor'),
      controlPort: false,
      clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
    });
    tracker = await trackFleet(sim, {
      cluster: { probeIntervalMs: 100, probeTimeoutMs: 300 },
    });
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    store = await DatabaseInferenceStore.create({
      database: { getClient: async () => knex },
    });
    await store.quotas.setQuota({
      ownerRef: CHAT,
      gpuType: H100,
      limit: 8,
      changedBy: 'test',
    });
  });

  afterEach(async () => {
    await knex.destroy();
  });

  /** A reservation confirmed before the restart by the named workload. */
  async function confirmedFor(cluster: string, name: string) {
    const { reservation } = await store.quotas.reserve(
      {
        ownerRef: CHAT,
        gpuType: H100,
        gpuCount: 1,
        ttlSeconds: 600,
        requester: 'user:default/chen.wei',
      },
      () => 0,
    );
    await store.quotas.confirm(reservation.id, {
      cluster,
      namespace: 'ml-chat',
      name,
    });
    return reservation.id;
  }

  const stateOf = async (id: string) =>
    (await store.quotas.getReservation(id))!;

  it('releases the reservation of a workload a synced cluster no longer runs, and keeps the running one', async () => {
    const running = await confirmedFor('gpu-sim', 'faq-bot');
    const vanished = await confirmedFor('gpu-sim', 'deleted-while-down');

    const result = await reconcileReservations({ store, tracker, logger });

    expect(result).toEqual({ released: 1 });
    expect((await stateOf(running)).status).toBe('confirmed');
    const released = await stateOf(vanished);
    expect(released.status).toBe('released');
    expect(released.reason).toBe(
      'released by the ledger janitor: workload ml-chat/deleted-while-down no longer exists in cluster gpu-sim (synced)',
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        `Reservation ${vanished} (1 x ${H100} for ${CHAT}) released by the ledger janitor`,
      ),
    );
  });

  it('leaves reservations alone in a cluster it does not track', async () => {
    const elsewhere = await confirmedFor('gpu-decommissioned', 'faq-bot');
    expect(await reconcileReservations({ store, tracker, logger })).toEqual({
      released: 0,
    });
    expect((await stateOf(elsewhere)).status).toBe('confirmed');
  });

  it('never releases while the cluster is stale, and does once it is synced again', async () => {
    const vanished = await confirmedFor('gpu-sim', 'deleted-while-down');
    await sim.inject('gpu-sim', { type: 'blackhole' });
    try {
      await eventually(() => {
        expect(tracker.clusterStatuses()[0].state).not.toBe('synced');
      });
      expect(await reconcileReservations({ store, tracker, logger })).toEqual({
        released: 0,
      });
      expect((await stateOf(vanished)).status).toBe('confirmed');
    } finally {
      await sim.inject('gpu-sim', { type: 'clear' });
    }
    await eventually(() => {
      expect(tracker.clusterStatuses()[0].state).toBe('synced');
    }, 30_000);
    expect(await reconcileReservations({ store, tracker, logger })).toEqual({
      released: 1,
    });
    expect((await stateOf(vanished)).status).toBe('released');
  });
});

import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';
import { ReserveRequest } from './QuotaStore';

jest.setTimeout(120_000);

const CHAT = 'group:default/ml-chat';
const SEARCH = 'group:default/ml-search';
const H100 = 'NVIDIA-H100-80GB-HBM3';
const L4 = 'NVIDIA-L4';
const noLiveUsage = () => 0;

function request(overrides: Partial<ReserveRequest> = {}): ReserveRequest {
  return {
    ownerRef: CHAT,
    gpuType: H100,
    gpuCount: 4,
    ttlSeconds: 600,
    requester: 'user:default/chen.wei',
    ...overrides,
  };
}

describe('DatabaseQuotaStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseInferenceStore.create({
        database: { getClient: async () => knex },
      });
      return store.quotas;
    }

    it('removes a line with an audit entry, refusing while GPUs of it are held unless forced', async () => {
      const quotas = await createStore();
      const admin = 'user:default/ana.ruiz';
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 8,
        changedBy: admin,
      });
      const { reservation } = await quotas.reserve(
        request({ gpuCount: 2 }),
        noLiveUsage,
      );
      const remove = (force?: boolean, liveUsage = () => 3) =>
        quotas.removeQuota(
          { ownerRef: CHAT, gpuType: H100, changedBy: admin, force },
          liveUsage,
        );

      await expect(remove()).rejects.toMatchObject({
        name: 'ConflictError',
        message: `${CHAT} holds 5 x ${H100} on this quota (3 charged to running workloads, 2 by pending reservations): remove the line once they are gone, or with force=true (what runs keeps running without a quota; new reservations are refused)`,
      });
      await quotas.release(reservation.id, admin);
      await expect(remove(false, () => 1)).rejects.toMatchObject({
        name: 'ConflictError',
      });
      expect(await quotas.listQuotas({ ownerRef: CHAT })).toHaveLength(1);

      expect(await remove(false, noLiveUsage)).toMatchObject({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 8,
      });
      expect(await quotas.listQuotas({ ownerRef: CHAT })).toEqual([]);
      expect(await remove(true)).toBeUndefined();

      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 4,
        changedBy: admin,
      });
      await remove(true);
      const audit = await quotas.listQuotaAudit({ ownerRef: CHAT });
      expect(audit.map(a => [a.previousLimit, a.newLimit])).toEqual([
        [null, 8],
        [8, null],
        [null, 4],
        [4, null],
      ]);
      await expect(
        quotas.reserve(request({ gpuCount: 1 }), noLiveUsage),
      ).rejects.toMatchObject({ name: 'ConflictError' });
    });

    it('sets quotas and keeps an audit trail of every change', async () => {
      const quotas = await createStore();
      const t1 = new Date('2026-11-01T10:00:00Z');
      const t2 = new Date('2026-11-02T10:00:00Z');
      await quotas.setQuota({
        ownerRef: SEARCH,
        gpuType: L4,
        limit: 8,
        changedBy: 'user:default/ana.ruiz',
        now: t1,
      });
      await quotas.setQuota({
        ownerRef: SEARCH,
        gpuType: L4,
        limit: 12,
        changedBy: 'user:default/ben.okafor',
        reason: 'launch of semantic search',
        now: t2,
      });
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 16,
        changedBy: 'user:default/ana.ruiz',
        now: t1,
      });

      expect(await quotas.listQuotas({ ownerRef: SEARCH })).toEqual([
        {
          ownerRef: SEARCH,
          gpuType: L4,
          limit: 12,
          updatedBy: 'user:default/ben.okafor',
          updatedAt: t2,
        },
      ]);
      expect(await quotas.listQuotas()).toHaveLength(2);
      const audit = await quotas.listQuotaAudit({ ownerRef: SEARCH });
      expect(
        audit.map(a => [a.previousLimit, a.newLimit, a.changedBy, a.reason]),
      ).toEqual([
        [null, 8, 'user:default/ana.ruiz', undefined],
        [8, 12, 'user:default/ben.okafor', 'launch of semantic search'],
      ]);
      expect(audit[1].changedAt).toEqual(t2);
    });

    it('refuses a negative or fractional limit and leaves the quota as it was', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: L4,
        limit: 4,
        changedBy: 'u',
      });
      await expect(
        quotas.setQuota({
          ownerRef: CHAT,
          gpuType: L4,
          limit: -1,
          changedBy: 'u',
        }),
      ).rejects.toThrow(/whole number >= 0, got -1/);
      await expect(
        quotas.setQuota({
          ownerRef: CHAT,
          gpuType: L4,
          limit: 2.5,
          changedBy: 'u',
        }),
      ).rejects.toThrow(/got 2.5/);
      expect((await quotas.listQuotas())[0].limit).toBe(4);
      expect(await quotas.listQuotaAudit({ ownerRef: CHAT })).toHaveLength(1);
    });

    it('reserves within the quota and refuses beyond it with the numbers', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 16,
        changedBy: 'u',
      });
      const live = () => 6; // two running replicas' ceiling
      const first = await quotas.reserve(request({ gpuCount: 8 }), live);
      expect(first.decision).toEqual({
        admitted: true,
        reason: `GPU quota of ${CHAT} for ${H100} fits: used 6 + reserved 0 + requested 8 = 14 <= limit 16 (2 free after)`,
        limit: 16,
        used: 6,
        reserved: 0,
        requested: 8,
        headroomAfter: 2,
      });
      expect(first.reservation.status).toBe('pending');

      const refusal = await quotas
        .reserve(request({ gpuCount: 4 }), live)
        .catch(e => e);
      expect(refusal.name).toBe('ConflictError');
      expect(refusal.message).toBe(
        `GPU quota of ${CHAT} for ${H100} would be exceeded: used 6 + reserved 8 + requested 4 = 18 > limit 16 (2 free)`,
      );
      await expect(
        quotas.reserve(request({ gpuCount: 2 }), live),
      ).resolves.toMatchObject({
        decision: { reserved: 8, requested: 2 },
      });
    });

    it('refuses an owner without quota for that GPU type', async () => {
      const quotas = await createStore();
      await expect(
        quotas.reserve(request({ gpuType: L4, gpuCount: 1 }), noLiveUsage),
      ).rejects.toThrow(
        `${CHAT} has no GPU quota for ${L4}; ask the platform team for one (requested 1)`,
      );
      expect(await quotas.listReservations()).toEqual([]);
    });

    it.each([
      [{ gpuCount: 0 }, /gpuCount must be a whole number >= 1, got 0/],
      [{ gpuCount: 1.5 }, /got 1.5/],
      [{ ttlSeconds: 0 }, /ttlSeconds must be between 1 and 604800, got 0/],
    ])('refuses a malformed request %p', async (overrides, message) => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 16,
        changedBy: 'u',
      });
      await expect(
        quotas.reserve(request(overrides), noLiveUsage),
      ).rejects.toThrow(message);
    });

    it('replays a repeated idempotency key and refuses its reuse for another request', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 8,
        changedBy: 'u',
      });
      const first = await quotas.reserve(
        request({ idempotencyKey: 'task-1:reserve' }),
        noLiveUsage,
      );
      const again = await quotas.reserve(
        request({ idempotencyKey: 'task-1:reserve' }),
        noLiveUsage,
      );
      expect(again.replayed).toBe(true);
      expect(again.reservation.id).toBe(first.reservation.id);
      await expect(
        quotas.reserve(
          request({ idempotencyKey: 'task-1:reserve', gpuCount: 2 }),
          noLiveUsage,
        ),
      ).rejects.toThrow(/already used for 4 x/);
      expect(await quotas.listReservations()).toHaveLength(1);
    });

    it("scopes an idempotency key to its owner and requester: someone else's key gives nothing back and reveals nothing", async () => {
      const quotas = await createStore();
      for (const ownerRef of [CHAT, SEARCH]) {
        await quotas.setQuota({
          ownerRef,
          gpuType: H100,
          limit: 8,
          changedBy: 'u',
        });
      }
      const key = 'task-1:group:default/ml-chat:NVIDIA-H100-80GB-HBM3';
      const victim = await quotas.reserve(
        request({ idempotencyKey: key }),
        noLiveUsage,
      );

      // another team's member, for their own team, with the same key and a different size
      const other = await quotas.reserve(
        request({
          ownerRef: SEARCH,
          requester: 'user:default/eli.novak',
          gpuCount: 1,
          idempotencyKey: key,
        }),
        noLiveUsage,
      );
      expect(other.replayed).toBe(false);
      expect(other.reservation).toMatchObject({
        ownerRef: SEARCH,
        gpuCount: 1,
        requester: 'user:default/eli.novak',
      });
      // a teammate taking the key first does not get the victim's reservation either
      const teammate = await quotas.reserve(
        request({ requester: 'user:default/mia.park', idempotencyKey: key }),
        noLiveUsage,
      );
      expect(teammate.replayed).toBe(false);
      expect(teammate.reservation.id).not.toBe(victim.reservation.id);

      // the victim's own retry still replays its reservation
      const retry = await quotas.reserve(
        request({ idempotencyKey: key }),
        noLiveUsage,
      );
      expect(retry).toMatchObject({
        replayed: true,
        reservation: { id: victim.reservation.id },
      });
      expect(await quotas.listReservations()).toHaveLength(3);
    });

    it('moves reservations through release, confirm and expiry', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 32,
        changedBy: 'u',
      });
      const t0 = new Date('2026-11-27T10:00:00Z');
      const a = (await quotas.reserve(request(), noLiveUsage, t0)).reservation;
      const b = (await quotas.reserve(request(), noLiveUsage, t0)).reservation;
      const c = (
        await quotas.reserve(request({ ttlSeconds: 60 }), noLiveUsage, t0)
      ).reservation;

      const released = await quotas.release(a.id, 'user:default/chen.wei', t0);
      expect(released).toMatchObject({
        status: 'released',
        reason: 'released by user:default/chen.wei',
      });
      await expect(quotas.release(a.id, 'x', t0)).resolves.toMatchObject({
        status: 'released',
      });

      const confirmed = await quotas.confirm(
        b.id,
        { cluster: 'gpu-us-east', namespace: 'ml-chat', name: 'chat' },
        t0,
      );
      expect(confirmed).toMatchObject({
        status: 'confirmed',
        cluster: 'gpu-us-east',
        workloadName: 'chat',
      });
      await expect(quotas.release(b.id, 'x', t0)).rejects.toThrow(
        /is confirmed and can no longer be released/,
      );

      expect(await quotas.sumPending(t0)).toEqual([
        { ownerRef: CHAT, gpuType: H100, gpus: 4 },
      ]);
      const later = new Date(t0.getTime() + 61_000);
      expect(await quotas.sumPending(later)).toEqual([]);
      expect(await quotas.expirePending(later)).toBe(1);
      expect(await quotas.getReservation(c.id)).toMatchObject({
        status: 'expired',
      });
      await expect(
        quotas.confirm(c.id, { cluster: 'x', namespace: 'y', name: 'z' }),
      ).rejects.toThrow(/is expired/);
      await expect(
        quotas.release('00000000-0000-0000-0000-000000000000', 'x'),
      ).rejects.toThrow(/No reservation/);
    });

    it('pages reservations newest first, ties in creation time included, and counts them', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 100,
        changedBy: 'u',
      });
      const t0 = new Date('2026-11-27T10:00:00Z');
      const t1 = new Date('2026-11-27T11:00:00Z');
      const ids: string[] = [];
      for (const now of [t0, t0, t0, t1, t1]) {
        const { reservation } = await quotas.reserve(
          request({ gpuCount: 1 }),
          noLiveUsage,
          now,
        );
        ids.push(reservation.id);
      }
      await quotas.reserve(
        request({ ownerRef: CHAT, gpuCount: 1 }),
        noLiveUsage,
        t0,
      );

      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const items = await quotas.listReservations({
          ownerRef: CHAT,
          limit: 2,
          after,
        });
        seen.push(...items.map(r => r.id));
        if (items.length < 2) break;
        const last = items[items.length - 1];
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toHaveLength(6);
      expect(new Set(seen).size).toBe(6);
      expect(seen.slice(0, 2).sort()).toEqual(ids.slice(3).sort());
      expect(await quotas.countReservations({ ownerRef: CHAT })).toBe(6);
      expect(
        await quotas.countReservations({
          ownerRef: CHAT,
          status: ['released'],
        }),
      ).toBe(0);
    });

    it('pages the audit log oldest first', async () => {
      const quotas = await createStore();
      for (const limit of [1, 2, 3, 4, 5]) {
        await quotas.setQuota({
          ownerRef: CHAT,
          gpuType: H100,
          limit,
          changedBy: 'u',
        });
      }
      const first = await quotas.listQuotaAudit({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 3,
      });
      expect(first.map(a => a.newLimit)).toEqual([1, 2, 3]);
      const rest = await quotas.listQuotaAudit({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 3,
        afterId: first[2].id,
      });
      expect(rest.map(a => a.newLimit)).toEqual([4, 5]);
      expect(
        await quotas.countQuotaAudit({ ownerRef: CHAT, gpuType: H100 }),
      ).toBe(5);
    });

    it('never over-allocates under 32-way concurrent reservations', async () => {
      const quotas = await createStore();
      await quotas.setQuota({
        ownerRef: CHAT,
        gpuType: H100,
        limit: 10,
        changedBy: 'u',
      });
      const results = await Promise.allSettled(
        Array.from({ length: 32 }, (_, i) =>
          quotas.reserve(
            request({ gpuCount: 1, requester: `user:default/u${i}` }),
            noLiveUsage,
          ),
        ),
      );
      const granted = results.filter(r => r.status === 'fulfilled');
      const refused = results.filter(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult[];
      expect(granted).toHaveLength(10);
      expect(refused.every(r => r.reason.name === 'ConflictError')).toBe(true);
      expect(await quotas.sumPending()).toEqual([
        { ownerRef: CHAT, gpuType: H100, gpus: 10 },
      ]);
    });
  });
});

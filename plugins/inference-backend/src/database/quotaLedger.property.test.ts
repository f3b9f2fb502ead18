import fc from 'fast-check';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';
import { QuotaStore } from './QuotaStore';

jest.setTimeout(300_000);

const OWNERS = ['group:default/ml-chat', 'group:default/ml-search'];
const GPU_TYPES = ['NVIDIA-H100-80GB-HBM3', 'NVIDIA-L4'];
const LIVE_GPUS = 1; // each owner already runs one GPU of each type
const CONCURRENCY = 32;

type Op =
  | { kind: 'reserve'; owner: number; gpu: number; count: number; key?: number }
  | { kind: 'release'; pick: number }
  | { kind: 'expire' }
  | { kind: 'raise'; owner: number; gpu: number; by: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('reserve' as const),
      owner: fc.nat(1),
      gpu: fc.nat(1),
      count: fc.integer({ min: 1, max: 4 }),
      key: fc.option(fc.nat(15), { nil: undefined }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      pick: fc.nat(10_000),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raise' as const),
      owner: fc.nat(1),
      gpu: fc.nat(1),
      by: fc.integer({ min: 0, max: 3 }),
    }),
  },
);

/** One consistent look at a line: pending first, then the limit (which only rises in this test). */
async function lineIsWithinLimit(quotas: QuotaStore, now: Date) {
  const pending = await quotas.sumPending(now);
  const limits = await quotas.listQuotas();
  for (const line of pending) {
    const limit = limits.find(
      l => l.ownerRef === line.ownerRef && l.gpuType === line.gpuType,
    )!.limit;
    // pending was true when read; the limit read afterwards can only be higher
    expect(LIVE_GPUS + line.gpus).toBeLessThanOrEqual(limit);
  }
}

/**
 * Random interleavings of reserve, release, expire and quota raises, 32 at a time, with an auditor reading the ledger
 * all along: no moment shows an owner holding more than its limit, repeated idempotency keys never reserve twice,
 * and the ledger's sums equal a recount of its rows.
 */
describe('quota ledger under concurrency', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('never over-allocates across 1,000 operations at 32-way concurrency', async () => {
      const knex = await databases.init(databaseId);
      const { quotas } = await DatabaseInferenceStore.create({
        database: { getClient: async () => knex },
      });
      let run = 0;
      let totalOps = 0;

      await fc.assert(
        fc.asyncProperty(
          fc.array(opArb, { minLength: 250, maxLength: 250 }),
          async ops => {
            run += 1;
            await knex('inference_reservations').delete();
            const limits = new Map<string, number>();
            for (const owner of OWNERS) {
              for (const gpuType of GPU_TYPES) {
                await quotas.setQuota({
                  ownerRef: owner,
                  gpuType,
                  limit: 6,
                  changedBy: 'test',
                });
                limits.set(`${owner}|${gpuType}`, 6);
              }
            }
            const granted: string[] = [];
            const keyed = new Map<string, string>();
            const raises = new Map<string, Promise<void>>();
            const now = new Date();
            let errors = 0;
            let duplicates = 0;

            const execute = async (o: Op) => {
              totalOps += 1;
              if (o.kind === 'reserve') {
                const key =
                  o.key === undefined
                    ? undefined
                    : `run${run}-${o.owner}-${o.gpu}-${o.count}-${o.key}`;
                try {
                  const { reservation } = await quotas.reserve(
                    {
                      ownerRef: OWNERS[o.owner],
                      gpuType: GPU_TYPES[o.gpu],
                      gpuCount: o.count,
                      ttlSeconds: 600,
                      requester: 'test',
                      idempotencyKey: key,
                    },
                    () => LIVE_GPUS,
                    now,
                  );
                  granted.push(reservation.id);
                  // a repeated key answers with the first reservation, never a second one
                  if (
                    key &&
                    (keyed.get(key) ?? reservation.id) !== reservation.id
                  ) {
                    duplicates += 1;
                  }
                  if (key) keyed.set(key, reservation.id);
                } catch (error: any) {
                  if (error.name !== 'ConflictError') errors += 1;
                }
              } else if (o.kind === 'release') {
                if (granted.length) {
                  await quotas
                    .release(granted[o.pick % granted.length], 'test')
                    .catch(() => undefined);
                }
              } else if (o.kind === 'expire') {
                await quotas.expirePending(now);
              } else {
                // raises of one line are chained, so a smaller limit never lands after a larger one
                const lineKey = `${OWNERS[o.owner]}|${GPU_TYPES[o.gpu]}`;
                const previous = raises.get(lineKey) ?? Promise.resolve();
                const raise = previous.then(async () => {
                  const limit = limits.get(lineKey)! + o.by;
                  limits.set(lineKey, limit);
                  await quotas.setQuota({
                    ownerRef: OWNERS[o.owner],
                    gpuType: GPU_TYPES[o.gpu],
                    limit,
                    changedBy: 'test',
                  });
                });
                raises.set(lineKey, raise);
                await raise;
              }
            };

            let next = 0;
            let done = false;
            const auditor = (async () => {
              while (!done) await lineIsWithinLimit(quotas, now);
            })();
            await Promise.all(
              Array.from({ length: CONCURRENCY }, async () => {
                while (next < ops.length) await execute(ops[next++]);
              }),
            );
            done = true;
            await auditor;
            expect(errors).toBe(0);
            expect(duplicates).toBe(0);
            await lineIsWithinLimit(quotas, now);

            const rows = await quotas.listReservations({ status: ['pending'] });
            const sums = await quotas.sumPending(now);
            for (const owner of OWNERS) {
              for (const gpuType of GPU_TYPES) {
                const recount = rows
                  .filter(r => r.ownerRef === owner && r.gpuType === gpuType)
                  .reduce((sum, r) => sum + r.gpuCount, 0);
                expect(
                  sums.find(s => s.ownerRef === owner && s.gpuType === gpuType)
                    ?.gpus ?? 0,
                ).toBe(recount);
              }
            }
            const keys = (await quotas.listReservations())
              .map(r => r.idempotencyKey)
              .filter(Boolean);
            expect(new Set(keys).size).toBe(keys.length);
          },
        ),
        { numRuns: 4 },
      );
      expect(totalOps).toBe(1000);
    });
  });
});

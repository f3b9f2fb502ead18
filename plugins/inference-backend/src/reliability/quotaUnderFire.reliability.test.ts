/*
 * Quota under fire: 10,000 seeded random ledger operations, 64 at a time, with clients that crash between reserve and
 * confirm, transactions rolled back after the store already wrote, and (on PostgreSQL) three backend instances of
 * which one at a time is killed mid-flight and restarted. An auditor checks for over-allocation all along; each
 * simulated minute ends with a comparison of every stored reservation against the model.
 * Reproduce a failure with QUOTA_FIRE_SEED=<seed printed in the failure>.
 */
import { mockServices } from '@backstage/backend-test-utils';
import { ReservationState } from '@inference-platform/plugin-inference-common';
import knexFactory, { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from '../database/DatabaseInferenceStore';
import { DatabaseQuotaStore } from '../database/DatabaseQuotaStore';
import { isPostgres, toDate } from '../database/transactions';
import { settleReservations } from '../quota/ledgerJanitor';
import { WorkloadModel, ObservedWorkload } from '../workloads/WorkloadModel';

jest.setTimeout(120_000);

const SEED = Number(
  process.env.QUOTA_FIRE_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
const OPS = 10_000;
const EPOCH_OPS = 250; // operations per simulated minute; the clock only moves between minutes
const EPOCHS = OPS / EPOCH_OPS;
const EPOCH_MS = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const CONCURRENCY = 64;
const MAX_TTL_EPOCHS = 3;
const BASE_USED = 1; // GPUs each line already runs outside the ledger
const INITIAL_LIMIT = 8;
const KEYS = 300;
const LINES = [
  'group:default/ml-chat',
  'group:default/ml-search',
  'group:default/ml-vision',
].flatMap(ownerRef =>
  ['NVIDIA-H100-80GB-HBM3', 'NVIDIA-L4'].map(gpuType => ({
    ownerRef,
    gpuType,
  })),
);
// on PostgreSQL: before these operations, the backend instance is killed (its connections are cut mid-transaction)
const KILLS = new Map([
  [2_600, 1],
  [6_110, 2],
  [8_420, 0],
]);

type Op =
  | {
      kind: 'reserve';
      line: number;
      count: number;
      ttlEpochs: number;
      key?: string;
      /** The requesting client dies after the answer: nobody will confirm or release the reservation. */
      crash: boolean;
    }
  | { kind: 'release' | 'appear' | 'teardown'; pick: number }
  | { kind: 'janitor' | 'expire' }
  | { kind: 'raise'; line: number; by: number }
  | {
      kind: 'rollback';
      what: 'reserve' | 'release' | 'confirm' | 'quota';
      line: number;
      pick: number;
    };

/** A reservation the model knows was granted, and what has happened to it since. */
interface Granted {
  id: string;
  line: number;
  count: number;
  createdEpoch: number;
  expiresEpoch: number;
  orphan: boolean;
  state:
    | 'pending'
    | 'releasing'
    | 'released'
    | 'releaseUnknown'
    | 'appeared'
    | 'tornDown';
  appearedEpoch?: number;
}

/** One backend instance: its own connection pool to the shared database. */
interface Instance {
  name: string;
  knex: Knex;
  store: DatabaseInferenceStore;
  dead: boolean;
  inflight: Set<Promise<void>>;
}

class InjectedRollback extends Error {}

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

function generateOps(rand: ReturnType<typeof prng>): Op[] {
  return Array.from({ length: OPS }, (): Op => {
    const r = rand.next();
    if (r < 0.42) {
      // a key fixes line and size, so its repeats are the same request (a client retrying)
      const k = rand.next() < 0.4 ? rand.int(KEYS) : undefined;
      return {
        kind: 'reserve',
        line: k === undefined ? rand.int(LINES.length) : k % LINES.length,
        count: k === undefined ? 1 + rand.int(3) : 1 + (k % 3),
        ttlEpochs: 1 + rand.int(MAX_TTL_EPOCHS),
        key: k === undefined ? undefined : `key-${k}`,
        crash: k === undefined && rand.next() < 0.1,
      };
    }
    if (r < 0.54) return { kind: 'release', pick: rand.int(1e9) };
    if (r < 0.64) return { kind: 'appear', pick: rand.int(1e9) };
    if (r < 0.74) return { kind: 'teardown', pick: rand.int(1e9) };
    if (r < 0.8) return { kind: 'janitor' };
    if (r < 0.84) return { kind: 'expire' };
    if (r < 0.87)
      return {
        kind: 'raise',
        line: rand.int(LINES.length),
        by: 1 + rand.int(2),
      };
    const what = (['reserve', 'release', 'confirm', 'quota'] as const)[
      rand.int(4)
    ];
    return {
      kind: 'rollback',
      what,
      line: rand.int(LINES.length),
      pick: rand.int(1e9),
    };
  });
}

const epochTime = (epoch: number) => new Date(T0 + epoch * EPOCH_MS);
const epochOf = (time: string | number | Date) =>
  Math.round((toDate(time).getTime() - T0) / EPOCH_MS);
const isConflict = (error: unknown) =>
  (error as Error)?.name === 'ConflictError';
const lineOf = (ownerRef: string, gpuType: string) =>
  LINES.findIndex(l => l.ownerRef === ownerRef && l.gpuType === gpuType);

function takeAt<T>(pool: T[], index: number): T {
  const item = pool[index];
  pool[index] = pool[pool.length - 1];
  pool.pop();
  return item;
}

/** Which stored statuses agree with what the model knows, at the end of `epoch`. */
function allowedStatuses(g: Granted, epoch: number): ReservationState[] {
  const live = g.expiresEpoch > epoch;
  switch (g.state) {
    case 'released':
      return ['released'];
    case 'appeared':
    case 'tornDown':
      return ['confirmed'];
    case 'releaseUnknown':
      return ['released', live ? 'pending' : 'expired'];
    default:
      return [live ? 'pending' : 'expired'];
  }
}

class FireRun {
  readonly violations: string[] = [];
  readonly stats = {
    granted: 0,
    refused: 0,
    replayed: 0,
    released: 0,
    confirmed: 0,
    rolledBack: 0,
    audits: 0,
    kills: 0,
    cutOff: 0,
    orphansExpired: 0,
  };
  epoch = 0;
  private readonly granted = new Map<string, Granted>();
  private readonly pendingPool: Granted[] = [];
  private readonly appearedPool: Granted[] = [];
  private readonly observed = new Map<string, ObservedWorkload>();
  private readonly tornDown = new Set<string>();
  private readonly used = LINES.map(() => BASE_USED);
  private readonly limits = LINES.map(() => INITIAL_LIMIT);
  private readonly limitSets = LINES.map(() => 0);
  private readonly limitUnsure = LINES.map(() => 0);
  private readonly decreasedAt = LINES.map(() => 0);
  private readonly raises = new Map<number, Promise<unknown>>();
  private readonly keyIds = new Map<string, string>();
  private readonly freshKeys = new Set<string>();
  private readonly unknownReserves = new Set<string>();
  private readonly rolledBack = new Set<string>();
  private readonly restarting: Array<Promise<void> | undefined> = [];
  private readonly logger = mockServices.logger.mock();
  // the cluster as the trackers see it: workloads carrying the label of the reservation they were created for
  private readonly tracker = {
    observedReservations: () => [...this.observed.values()],
    workloads: () => [],
  } as unknown as WorkloadModel;
  // set while a minute ends; timers would not do, better-sqlite3 answers without ever yielding to the event loop
  private paused: Promise<void> | undefined;
  private resume = () => {};
  private auditing: Promise<void> = Promise.resolve();
  private readonly liveUsage = (ownerRef: string, gpuType: string) =>
    this.used[lineOf(ownerRef, gpuType)];

  constructor(
    private readonly admin: Knex,
    private readonly instances: Instance[],
    private readonly restart?: (index: number) => Promise<Instance>,
  ) {}

  async setUp() {
    for (const [line, { ownerRef, gpuType }] of LINES.entries()) {
      await this.instances[0].store.quotas.setQuota({
        ownerRef,
        gpuType,
        limit: INITIAL_LIMIT,
        changedBy: 'setup',
      });
      this.limitSets[line] += 1;
    }
  }

  async run(ops: Op[], rand: ReturnType<typeof prng>) {
    let auditing = true;
    const auditor = (async () => {
      while (auditing) {
        if (this.paused) {
          await this.paused;
          continue;
        }
        this.auditing = this.audit('while running');
        await this.auditing;
      }
    })();
    try {
      for (let e = 0; e < EPOCHS && !this.violations.length; e++) {
        await this.runEpoch(ops, e * EPOCH_OPS, (e + 1) * EPOCH_OPS);
        await this.endEpoch(e, rand);
      }
    } finally {
      auditing = false;
      this.paused = undefined;
      this.resume();
      await auditor;
    }
    // everything outlives its TTL: the janitor must leave nothing pending, crashed clients' reservations expired
    this.epoch = EPOCHS + MAX_TTL_EPOCHS;
    await this.settle(this.epoch);
    for (const row of await this.checkRows(this.epoch)) {
      if (row.status === 'confirmed') this.stats.confirmed += 1;
      if (row.status === 'expired' && this.granted.get(row.id)?.orphan)
        this.stats.orphansExpired += 1;
    }
    await this.checkLedger(this.epoch);
    await this.checkQuotaAudit();
  }

  private async runEpoch(ops: Op[], from: number, to: number) {
    let next = from;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        const k = worker % this.instances.length;
        while (next < to) {
          const i = next++;
          const victim = this.restart ? KILLS.get(i) : undefined;
          if (victim !== undefined) await this.kill(victim);
          while (this.restarting[k]) await this.restarting[k];
          const instance = this.instances[k]; // same tick as the check: never a dead one
          const done = this.execute(ops[i], i, instance);
          instance.inflight.add(done);
          await done;
          instance.inflight.delete(done);
        }
      }),
    );
  }

  /**
   * A backend dies: its database connections are cut (PostgreSQL rolls back whatever they had open), what it had in
   * flight gets no trustworthy answer, and a new instance with a new pool takes its place.
   */
  private async kill(k: number) {
    const instance = this.instances[k];
    let restarted = () => {};
    this.restarting[k] = new Promise(resolve => (restarted = resolve));
    instance.dead = true;
    await this.admin.raw(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?',
      [instance.name],
    );
    await Promise.allSettled([...instance.inflight]);
    await instance.knex.destroy();
    this.instances[k] = await this.restart!(k);
    this.stats.kills += 1;
    this.restarting[k] = undefined;
    restarted();
  }

  private async execute(op: Op, i: number, instance: Instance): Promise<void> {
    const now = epochTime(this.epoch);
    try {
      switch (op.kind) {
        case 'reserve':
          return await this.reserve(op, i, instance, now);
        case 'release':
          return await this.release(op.pick, i, instance, now);
        case 'appear':
          return this.appear(op.pick);
        case 'teardown':
          return this.teardown(op.pick);
        case 'janitor':
          await settleReservations({
            store: instance.store,
            tracker: this.tracker,
            logger: this.logger,
            now,
          });
          return undefined;
        case 'expire':
          await instance.store.quotas.expirePending(now);
          return undefined;
        case 'raise':
          return await this.raise(op.line, op.by, i, instance);
        default:
          return await this.rollback(op, i, instance, now);
      }
    } catch (error) {
      if (instance.dead) this.stats.cutOff += 1;
      else this.violations.push(`op ${i} (${op.kind}) failed: ${error}`);
      return undefined;
    }
  }

  private async reserve(
    op: Extract<Op, { kind: 'reserve' }>,
    i: number,
    instance: Instance,
    now: Date,
  ) {
    // a keyed request and its retries come from one client (keys are scoped per requester); others each from their own
    const requester = op.key ? `client-${op.key}` : `op-${i}`;
    let answer;
    try {
      answer = await instance.store.quotas.reserve(
        {
          ...LINES[op.line],
          gpuCount: op.count,
          ttlSeconds: (op.ttlEpochs * EPOCH_MS) / 1000,
          requester,
          idempotencyKey: op.key,
        },
        this.liveUsage,
        now,
      );
    } catch (error) {
      if (instance.dead) {
        this.unknownReserves.add(requester);
        this.stats.cutOff += 1;
      } else if (isConflict(error)) this.stats.refused += 1;
      else throw error;
      return;
    }
    const { reservation, replayed } = answer;
    if (op.key) {
      const known = this.keyIds.get(op.key);
      if (known && known !== reservation.id) {
        this.violations.push(
          `idempotency key ${op.key} answered ${reservation.id}, earlier ${known}`,
        );
      }
      if (!replayed && this.freshKeys.has(op.key)) {
        this.violations.push(`idempotency key ${op.key} reserved twice`);
      }
      if (!replayed) this.freshKeys.add(op.key);
      this.keyIds.set(op.key, reservation.id);
    }
    if (replayed) {
      this.stats.replayed += 1;
      // the first request was answered by an instance that died: its reservation is nobody's to confirm
      if (!this.granted.has(reservation.id))
        this.adopt(reservation.id, op.line, op.count, reservation, true);
      return;
    }
    if (this.granted.has(reservation.id)) {
      this.violations.push(`reservation ${reservation.id} granted twice`);
      return;
    }
    this.stats.granted += 1;
    const orphan = op.crash || instance.dead;
    const g = this.adopt(
      reservation.id,
      op.line,
      op.count,
      reservation,
      orphan,
    );
    if (!orphan) this.pendingPool.push(g);
  }

  private adopt(
    id: string,
    line: number,
    count: number,
    times: {
      createdAt: string | number | Date;
      expiresAt: string | number | Date;
    },
    orphan: boolean,
  ): Granted {
    const g: Granted = {
      id,
      line,
      count,
      createdEpoch: epochOf(times.createdAt),
      expiresEpoch: epochOf(times.expiresAt),
      orphan,
      state: 'pending',
    };
    this.granted.set(id, g);
    return g;
  }

  /** Takes a live pending reservation of a client that is still around, so no two operations act on it at once. */
  private claim(pick: number): Granted | undefined {
    while (this.pendingPool.length) {
      const g = takeAt(this.pendingPool, pick % this.pendingPool.length);
      if (g.state === 'pending' && g.expiresEpoch > this.epoch) return g;
    }
    return undefined;
  }

  private async release(
    pick: number,
    i: number,
    instance: Instance,
    now: Date,
  ) {
    const g = this.claim(pick);
    if (!g) return;
    g.state = 'releasing';
    try {
      const released = await instance.store.quotas.release(
        g.id,
        `op-${i}`,
        now,
      );
      g.state = released.status === 'released' ? 'released' : 'releaseUnknown';
      this.stats.released += 1;
      if (released.status !== 'released')
        this.violations.push(`release of ${g.id} left it ${released.status}`);
    } catch (error) {
      g.state = 'releaseUnknown';
      throw error;
    }
  }

  /** The workload of a reservation starts: it now counts as used, and the janitor will confirm the reservation. */
  private appear(pick: number) {
    const g = this.claim(pick);
    if (!g) return;
    g.state = 'appeared';
    g.appearedEpoch = this.epoch;
    this.used[g.line] += g.count;
    this.observed.set(g.id, {
      cluster: 'gpu-east',
      namespace: 'serving',
      kind: 'Deployment',
      name: `svc-${g.id}`,
      reservationId: g.id,
    });
    this.appearedPool.push(g);
  }

  /** A workload confirmed in an earlier minute is deleted: its GPUs are free again. */
  private teardown(pick: number) {
    if (!this.appearedPool.length) return;
    const index = pick % this.appearedPool.length;
    if (this.appearedPool[index].appearedEpoch! >= this.epoch) return;
    const g = takeAt(this.appearedPool, index);
    g.state = 'tornDown';
    this.tornDown.add(g.id);
    this.used[g.line] -= g.count;
    this.observed.delete(g.id);
  }

  private async raise(line: number, by: number, i: number, instance: Instance) {
    // raises of one line are chained, so a smaller limit never lands after a larger one
    const raise = (this.raises.get(line) ?? Promise.resolve()).then(
      async () => {
        this.limits[line] += by;
        try {
          await instance.store.quotas.setQuota({
            ...LINES[line],
            limit: this.limits[line],
            changedBy: `op-${i}`,
          });
          this.limitSets[line] += 1;
        } catch (error) {
          if (!instance.dead) throw error;
          this.limitUnsure[line] += 1;
        }
      },
    );
    this.raises.set(
      line,
      raise.catch(() => undefined),
    );
    await raise;
  }

  /** The store call succeeds inside a caller's transaction that then fails: none of it may remain. */
  private async rollback(
    op: Extract<Op, { kind: 'rollback' }>,
    i: number,
    instance: Instance,
    now: Date,
  ) {
    const tag = `rollback-${i}`;
    try {
      await instance.knex.transaction(async trx => {
        const quotas = new DatabaseQuotaStore(trx);
        if (op.what === 'reserve') {
          const { reservation } = await quotas.reserve(
            {
              ...LINES[op.line],
              gpuCount: 1,
              ttlSeconds: EPOCH_MS / 1000,
              requester: tag,
              idempotencyKey: tag,
            },
            this.liveUsage,
            now,
          );
          this.rolledBack.add(reservation.id);
        } else if (op.what === 'quota') {
          await quotas.setQuota({
            ...LINES[op.line],
            limit: 0,
            changedBy: tag,
          });
        } else {
          const g = this.pendingPool[op.pick % (this.pendingPool.length || 1)];
          if (!g || g.state !== 'pending' || g.expiresEpoch <= this.epoch)
            return;
          if (op.what === 'release') await quotas.release(g.id, tag, now);
          else
            await quotas.confirm(
              g.id,
              { cluster: 'rolled-back', namespace: 'serving', name: tag },
              now,
            );
        }
        throw new InjectedRollback();
      });
    } catch (error) {
      if (error instanceof InjectedRollback) this.stats.rolledBack += 1;
      // refused, or the reservation was released meanwhile
      else if (!isConflict(error)) throw error;
    }
  }

  private async settle(epoch: number) {
    await settleReservations({
      store: this.instances[0].store,
      tracker: this.tracker,
      logger: this.logger,
      now: epochTime(epoch),
    });
  }

  /** The minute ends: nothing in flight, the janitor confirms what started, and the stored ledger is compared. */
  private async endEpoch(e: number, rand: ReturnType<typeof prng>) {
    this.paused = new Promise(resolve => (this.resume = resolve));
    await this.auditing;
    await this.settle(e);
    await this.audit(`end of minute ${e}`);
    await this.checkRows(e);
    await this.checkLedger(e);
    if (rand.next() < 0.5) {
      // the platform team changes one quota, possibly below what is already held
      const line = rand.int(LINES.length);
      const limit = 3 + rand.int(8);
      if (limit < this.limits[line] || this.limitUnsure[line])
        this.decreasedAt[line] = e + 1;
      this.limits[line] = limit;
      await this.instances[0].store.quotas.setQuota({
        ...LINES[line],
        limit,
        changedBy: `minute-${e}`,
      });
      this.limitSets[line] += 1;
    }
    this.epoch = e + 1;
    await this.settle(this.epoch);
    this.paused = undefined;
    this.resume();
  }

  /**
   * Over-allocation check on one consistent snapshot: what each line holds (live pending reservations, confirmed ones
   * whose workload still runs, and its base) must fit its limit. Only a lowered limit may leave a line above it, and
   * only until every reservation granted before the lowering is gone: once the newest held reservation was granted
   * after it, the line must fit again (that grant saw the lower limit and everything held with it).
   */
  private async audit(where: string) {
    const now = epochTime(this.epoch);
    const read = async (tx: Knex.Transaction) => ({
      quotas: await tx('inference_quotas').select(),
      held: await tx('inference_reservations')
        .select(
          'id',
          'owner_ref',
          'gpu_type',
          'gpu_count',
          'status',
          'created_at',
        )
        .where('status', 'confirmed')
        .orWhere(q =>
          q.where('status', 'pending').andWhere('expires_at', '>', now),
        ),
    });
    const snapshot = isPostgres(this.admin)
      ? await this.admin.transaction(read, {
          isolationLevel: 'repeatable read',
        })
      : await this.admin.transaction(read);
    const totals = LINES.map(() => BASE_USED);
    const recent = LINES.map(() => false);
    for (const row of snapshot.held) {
      if (row.status === 'confirmed' && this.tornDown.has(row.id)) continue;
      const line = lineOf(row.owner_ref, row.gpu_type);
      totals[line] += Number(row.gpu_count);
      if (epochOf(row.created_at) >= this.decreasedAt[line])
        recent[line] = true;
    }
    for (const quota of snapshot.quotas) {
      const line = lineOf(quota.owner_ref, quota.gpu_type);
      if (totals[line] > Number(quota.gpu_limit) && recent[line]) {
        this.violations.push(
          `${where}: ${quota.owner_ref} holds ${totals[line]} x ${quota.gpu_type} over its limit ${quota.gpu_limit}`,
        );
      }
    }
    this.stats.audits += 1;
  }

  /** Every stored reservation against the model: nothing lost, nothing extra, every status as expected. */
  private async checkRows(e: number) {
    const rows = await this.admin('inference_reservations').select();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      if (
        row.requester.startsWith('rollback-') ||
        this.rolledBack.has(row.id)
      ) {
        this.violations.push(`rolled-back reservation ${row.id} was kept`);
        continue;
      }
      const known = row.idempotency_key && this.keyIds.get(row.idempotency_key);
      if (known && known !== row.id)
        this.violations.push(
          `key ${row.idempotency_key} has a second reservation`,
        );
      let g = this.granted.get(row.id);
      if (!g && this.unknownReserves.has(row.requester)) {
        // committed by an instance that died before answering
        g = this.adopt(
          row.id,
          lineOf(row.owner_ref, row.gpu_type),
          Number(row.gpu_count),
          { createdAt: row.created_at, expiresAt: row.expires_at },
          true,
        );
      }
      if (!g) {
        this.violations.push(
          `reservation ${row.id} by ${row.requester} was never granted`,
        );
        continue;
      }
      const allowed = allowedStatuses(g, e);
      if (!allowed.includes(row.status)) {
        this.violations.push(
          `minute ${e}: reservation ${row.id} (${g.state}${
            g.orphan ? ', client crashed' : ''
          }, expires minute ${g.expiresEpoch}) is ${
            row.status
          }, expected ${allowed.join(' or ')}`,
        );
      }
    }
    for (const g of this.granted.values()) {
      if (!seen.has(g.id))
        this.violations.push(`granted reservation ${g.id} is lost`);
    }
    return rows;
  }

  /** The store's own sums of pending GPUs equal a recount of the rows, and the model's count. */
  private async checkLedger(e: number) {
    const now = epochTime(e);
    const quotas = this.instances[0].store.quotas;
    const stored = await quotas.sumPending(now);
    const pending = await quotas.listReservations({ status: ['pending'] });
    for (const [line, { ownerRef, gpuType }] of LINES.entries()) {
      const rows = pending.filter(
        r =>
          r.ownerRef === ownerRef && r.gpuType === gpuType && r.expiresAt > now,
      );
      const recount = rows.reduce((sum, r) => sum + r.gpuCount, 0);
      let model = 0;
      for (const g of this.granted.values()) {
        const held =
          g.state === 'pending' ||
          (g.state === 'releaseUnknown' && rows.some(r => r.id === g.id));
        if (g.line === line && held && g.expiresEpoch > e) model += g.count;
      }
      const sum =
        stored.find(s => s.ownerRef === ownerRef && s.gpuType === gpuType)
          ?.gpus ?? 0;
      if (sum !== recount || sum !== model) {
        this.violations.push(
          `minute ${e}: ledger of ${ownerRef} ${gpuType} says ${sum} pending, rows ${recount}, model ${model}`,
        );
      }
    }
    const stale = pending.filter(r => r.expiresAt <= now);
    if (stale.length)
      this.violations.push(
        `minute ${e}: ${stale.length} reservations outlived their TTL`,
      );
  }

  /** Each committed quota change is in the audit log exactly once, rolled-back ones never. */
  private async checkQuotaAudit() {
    const quotas = this.instances[0].store.quotas;
    const limits = await quotas.listQuotas();
    for (const [line, { ownerRef, gpuType }] of LINES.entries()) {
      const log = await quotas.listQuotaAudit({ ownerRef, gpuType });
      const limit = limits.find(
        l => l.ownerRef === ownerRef && l.gpuType === gpuType,
      )!.limit;
      if (
        log.some(entry => entry.changedBy.startsWith('rollback-')) ||
        log.length < this.limitSets[line] ||
        log.length > this.limitSets[line] + this.limitUnsure[line] ||
        log[log.length - 1].newLimit !== limit
      ) {
        this.violations.push(
          `audit log of ${ownerRef} ${gpuType}: ${log.length} entries for ${
            this.limitSets[line]
          } changes, last ${log[log.length - 1]?.newLimit}, limit ${limit}`,
        );
      }
    }
  }
}

async function withSeed(body: () => Promise<void>) {
  try {
    await body();
  } catch (error) {
    const failure = new Error(
      `Failed with QUOTA_FIRE_SEED=${SEED}\n${(error as Error).message}`,
    );
    failure.stack = `${failure.message}\n${(error as Error).stack ?? ''}`;
    throw failure;
  }
}

describe('quota under fire', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('never over-allocates, loses or duplicates a reservation across 10,000 operations', () =>
      withSeed(async () => {
        const admin = await databases.init(databaseId);
        await DatabaseInferenceStore.create({
          database: { getClient: async () => admin },
        });
        const opened: Knex[] = [];
        const knexErrors: string[] = [];
        const generations = [0, 0, 0];
        // Three separate pools to one database are what three backend replicas are to the store: no shared memory,
        // no shared connection; only the database (row locks, unique keys, transactions) keeps them consistent.
        const open = async (k: number): Promise<Instance> => {
          const name = `backend-${k}-gen${generations[k]++}`;
          const connection = admin.client.config
            .connection as Knex.PgConnectionConfig;
          let dead = false;
          // knex logs the connections cut by a kill; anything it logs about a live instance is a failure
          const log = (message: unknown) => {
            if (!dead) knexErrors.push(`${name}: ${message}`);
          };
          const knex = knexFactory({
            client: 'pg',
            // the pg driver hides the password from enumeration: copy it explicitly
            connection: {
              ...connection,
              password: connection.password,
              application_name: name,
            },
            pool: { min: 0, max: 10 },
            log: {
              error: log,
              warn: log,
              debug: () => {},
              deprecate: () => {},
            },
          });
          opened.push(knex);
          const store = await DatabaseInferenceStore.create({
            database: { getClient: async () => knex },
            skipMigrations: true,
          });
          const instance: Instance = {
            name,
            knex,
            store,
            inflight: new Set(),
            get dead() {
              return dead;
            },
            set dead(value) {
              dead = value;
            },
          };
          return instance;
        };
        const postgres = isPostgres(admin);
        const instances = postgres
          ? await Promise.all([0, 1, 2].map(open))
          : [
              {
                name: 'backend-0',
                knex: admin,
                store: await DatabaseInferenceStore.create({
                  database: { getClient: async () => admin },
                  skipMigrations: true,
                }),
                dead: false,
                inflight: new Set<Promise<void>>(),
              },
            ];
        const run = new FireRun(admin, instances, postgres ? open : undefined);
        try {
          await run.setUp();
          await run.run(generateOps(prng(SEED)), prng(SEED + 1));
        } finally {
          for (const knex of opened) await knex.destroy();
        }

        expect(run.violations.slice(0, 20)).toEqual([]);
        expect(knexErrors).toEqual([]);
        expect(run.epoch).toBe(EPOCHS + MAX_TTL_EPOCHS);
        // the run did what it claims: many grants and refusals, replays, rollbacks, confirmations, crashed clients
        expect(run.stats.granted).toBeGreaterThan(500);
        expect(run.stats.refused).toBeGreaterThan(500);
        expect(run.stats.replayed).toBeGreaterThan(100);
        expect(run.stats.rolledBack).toBeGreaterThan(500);
        expect(run.stats.confirmed).toBeGreaterThan(100);
        expect(run.stats.orphansExpired).toBeGreaterThan(50);
        expect(run.stats.audits).toBeGreaterThan(EPOCHS * 2);
        expect(run.stats.kills).toBe(postgres ? KILLS.size : 0);
        // on PostgreSQL the kills cut operations off mid-flight
        expect(run.stats.cutOff > 0).toBe(postgres);
      }));
  });
});

/*
 * Restart safety: a backend process that samples usage and takes reservations is SIGKILLed mid-sampling and
 * mid-reservation (frozen just before its COMMIT, right after it but before answering, or at a random moment), and a
 * new process starts on the same database, sometimes right away, sometimes minutes later; at the end two run at once,
 * as in a rolling restart. No usage sample may be stored twice or half, every answered reservation must survive, a
 * retried request must get its first answer back, the quota must hold, and whatever a dead process left pending must
 * be confirmed by its workload or expire through the janitor.
 * Reproduce a failure with RESTART_SAFETY_SEED=<seed printed in the failure>.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { fork } from 'node:child_process';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { eventually } from '../__testUtils__/simulatedFleet';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from '../database/DatabaseInferenceStore';
import { isPostgres, toDate } from '../database/transactions';
import {
  CrashableBackendConfig,
  CrashableBackendEvent,
  GPU_TYPE,
  GPUS_PER_WORKLOAD,
  minuteAt,
  OWNER,
  committedBy,
  QUOTA_LIMIT,
  requestKey,
  startsWorkload,
  T0,
  timeOf,
  TTL_MINUTES,
  WORKLOADS,
} from './crashableBackend';

jest.setTimeout(120_000);

const SEED = Number(
  process.env.RESTART_SAFETY_SEED ?? Math.floor(Math.random() * 2 ** 31),
);
/** How each backend dies, and how many minutes pass before the next one starts. */
const KILLS: Array<{
  at: 'sample' | 'reserve' | 'answer' | 'random';
  downMinutes: number;
}> = [
  { at: 'sample', downMinutes: 0 },
  { at: 'reserve', downMinutes: 0 },
  { at: 'answer', downMinutes: 1 },
  { at: 'random', downMinutes: 1 },
  { at: 'reserve', downMinutes: 2 },
  { at: 'answer', downMinutes: 0 },
  { at: 'sample', downMinutes: 1 },
  { at: 'random', downMinutes: 0 },
];
const FINAL_MINUTES = 16;

function seededRandom(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const intervalOf = (start: string | number | Date) =>
  Math.round((toDate(start).getTime() - T0) / 60_000);

async function withSeed(body: () => Promise<void>) {
  try {
    await body();
  } catch (error) {
    const failure = new Error(
      `Failed with RESTART_SAFETY_SEED=${SEED}\n${(error as Error).message}`,
    );
    failure.stack = `${failure.message}\n${(error as Error).stack ?? ''}`;
    throw failure;
  }
}

/** What the parent heard from all backend processes. */
class Transcript {
  readonly answers = new Map<number, CrashableBackendEvent[]>();
  readonly inserted = new Map<number, number>();
  readonly settled: number[] = [];
  readonly started = new Set<number>();
  /** Minutes in which a backend was killed: their janitor may or may not have got to work. */
  readonly killedAt: number[] = [];
  lastMinute = -1;

  record(event: CrashableBackendEvent) {
    if (event.type === 'minute') {
      this.lastMinute = event.minute;
      this.started.add(event.minute);
    }
    if (event.type === 'sampled')
      this.inserted.set(
        event.minute,
        (this.inserted.get(event.minute) ?? 0) + event.inserted,
      );
    if (event.type === 'settled') this.settled.push(event.minute);
    if (event.type === 'answered')
      this.answers.set(event.request, [
        ...(this.answers.get(event.request) ?? []),
        event,
      ]);
  }

  /** Requests a dead backend took (its minute began) but never answered: their clients send them again. */
  unanswered(before: number): number[] {
    return [...this.started].filter(r => r < before && !this.answers.has(r));
  }
}

/** Forks a backend process, feeds its events to `onEvent`, and resolves with how it ended. */
function startBackend(
  config: CrashableBackendConfig,
  onEvent: (
    event: CrashableBackendEvent,
    control: { kill(): void; go(): void },
  ) => void,
): Promise<{ signal: NodeJS.Signals | null; failure?: string }> {
  const child = fork(require.resolve('./crashableBackend'), [], {
    execArgv: [
      '-r',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const kill = () => child.kill('SIGKILL');
  const go = () => child.send('go');
  let failure: string | undefined;
  child.on('message', (event: CrashableBackendEvent) => {
    if (event.type === 'failed') failure = event.error;
    onEvent(event, { kill, go });
  });
  const watchdog = setTimeout(() => {
    failure = 'backend neither finished nor was killed within 60 s';
    kill();
  }, 60_000);
  child.send(config);
  return new Promise(resolve =>
    child.on('exit', (_code, signal) => {
      clearTimeout(watchdog);
      resolve({ signal, failure });
    }),
  );
}

/** Usage samples: none stored twice, every interval complete or absent, the daily roll-up equal to its samples. */
async function checkUsage(db: Knex, transcript: Transcript) {
  const duplicates = await db('inference_usage_samples')
    .select(
      'cluster',
      'namespace',
      'workload_kind',
      'workload_name',
      'interval_start',
    )
    .count({ n: '*' })
    .groupBy(
      'cluster',
      'namespace',
      'workload_kind',
      'workload_name',
      'interval_start',
    )
    .having(db.raw('count(*) > 1'));
  expect(duplicates).toEqual([]);

  const perInterval: Array<{ interval_start: Date | string; n: number }> =
    await db('inference_usage_samples')
      .select('interval_start')
      .count({ n: '*' })
      .groupBy('interval_start');
  const stored = new Map(
    perInterval.map(r => [intervalOf(r.interval_start), Number(r.n)]),
  );
  for (const [minute, n] of stored) {
    expect({ minute, samples: n }).toEqual({ minute, samples: WORKLOADS });
  }
  for (const [minute, inserted] of transcript.inserted) {
    // a sampled interval is stored whole, and a re-run of it (after a restart) inserts nothing more
    expect({
      minute,
      twice: inserted > WORKLOADS,
      stored: stored.get(minute),
    }).toEqual({
      minute,
      twice: false,
      stored: WORKLOADS,
    });
  }

  const samples = await db('inference_usage_samples').select(
    'workload_name',
    'interval_start',
    'gpu_hours',
  );
  const recount = new Map<string, number>();
  for (const s of samples) {
    const key = `${toDate(s.interval_start).toISOString().slice(0, 10)} ${
      s.workload_name
    }`;
    recount.set(key, (recount.get(key) ?? 0) + Number(s.gpu_hours));
  }
  const daily = await db('inference_usage_daily').select(
    'day',
    'workload_name',
    'gpu_hours',
  );
  expect(daily).toHaveLength(recount.size);
  for (const d of daily) {
    expect(Number(d.gpu_hours)).toBeCloseTo(
      recount.get(`${d.day} ${d.workload_name}`)!,
      9,
    );
  }
  return stored;
}

/** Reservations: one per request, the one its client was told about, and never more pending than the quota. */
async function checkReservations(db: Knex, transcript: Transcript) {
  const rows = await db('inference_reservations').select();
  const byKey = new Map<string, any>();
  for (const row of rows) {
    expect(byKey.has(row.idempotency_key)).toBe(false);
    byKey.set(row.idempotency_key, row);
  }
  for (const [request, answers] of transcript.answers) {
    const row = byKey.get(requestKey(request));
    for (const answer of answers) {
      if (answer.type !== 'answered' || answer.refused) continue;
      // answered means stored, and a retry gets the first answer back
      expect({ request, id: answer.id }).toEqual({ request, id: row?.id });
    }
    const fresh = answers.filter(
      a => a.type === 'answered' && !a.refused && !a.replayed,
    );
    expect(fresh.length).toBeLessThanOrEqual(1);
  }
  // what was held at each moment a reservation was granted (the only moments the sum can rise)
  const overLimit: string[] = [];
  for (const t of new Set(rows.map(r => toDate(r.created_at).getTime()))) {
    const held = rows
      .filter(r => {
        const end = Math.min(
          toDate(r.expires_at).getTime(),
          r.resolved_at ? toDate(r.resolved_at).getTime() : Infinity,
        );
        return toDate(r.created_at).getTime() <= t && t < end;
      })
      .reduce((sum, r) => sum + Number(r.gpu_count), 0);
    if (held > QUOTA_LIMIT)
      overLimit.push(`${held} GPUs held at ${new Date(t).toISOString()}`);
  }
  expect(overLimit).toEqual([]);
  return rows;
}

async function runKillCycles(
  db: Knex,
  backendDb: (generation: number) => Knex.Config,
) {
  const random = seededRandom(SEED);
  const transcript = new Transcript();
  /** Requests whose reservation was committed by a backend killed before it could answer. */
  const lostAnswers: Array<{ request: number; generation: number }> = [];
  let from = 0;
  for (const [generation, kill] of KILLS.entries()) {
    const target = from + 1 + random(3);
    let stalledAt: number | undefined;
    const ended = await startBackend(
      {
        db: backendDb(generation),
        generation,
        from,
        to: from + 10,
        retries: transcript.unanswered(from),
        stall:
          kill.at === 'random' ? undefined : { phase: kill.at, minute: target },
      },
      (event, { kill: killNow }) => {
        transcript.record(event);
        if (event.type === 'stalled') {
          stalledAt = event.minute;
          killNow();
        }
        if (
          kill.at === 'random' &&
          event.type === 'minute' &&
          event.minute === target
        )
          setTimeout(killNow, random(40));
      },
    );
    expect(ended).toEqual({ signal: 'SIGKILL', failure: undefined });
    expect(stalledAt === undefined).toBe(kill.at === 'random');
    transcript.killedAt.push(transcript.lastMinute);

    if (isPostgres(db)) {
      // the server noticed the dead connections and rolled back what they held (locks included)
      await eventually(async () => {
        const left = await db('pg_stat_activity').where(
          'application_name',
          `backend-gen${generation}`,
        );
        expect(left).toEqual([]);
      });
    }
    const stored = await checkUsage(db, transcript);
    await checkReservations(db, transcript);
    if (stalledAt !== undefined) {
      const row = await db('inference_reservations')
        .where('idempotency_key', requestKey(stalledAt))
        .first();
      if (kill.at === 'sample') {
        // killed inside the transaction: the whole interval rolled back, none of it half stored
        expect(stored.get(stalledAt)).toBeUndefined();
      } else if (kill.at === 'reserve') {
        expect(row).toBeUndefined();
      } else {
        expect(row?.entity_ref).toBe(committedBy(generation));
        lostAnswers.push({ request: stalledAt, generation });
      }
    }
    from = transcript.lastMinute + kill.downMinutes;
  }

  // a rolling restart: the next backend starts while the last one still runs; for a while both sample the same
  // intervals, take the same requests (a client retrying on the other one) and run the janitor, on one clock.
  // Then everything left pending outlives its TTL.
  const settleAt = from + FINAL_MINUTES + TTL_MINUTES + 1;
  const waiting = new Map<number, Array<() => void>>();
  const kills = new Set<() => void>();
  const overlapping = [0, 1].map(second =>
    startBackend(
      {
        db: backendDb(KILLS.length + second),
        generation: KILLS.length + second,
        from,
        to: from + FINAL_MINUTES,
        retries: second ? [] : transcript.unanswered(from),
        settleAt,
        lockstep: true,
      },
      (event, { go, kill }) => {
        transcript.record(event);
        kills.add(kill);
        // one failing leaves the other waiting at the next minute: end both
        if (event.type === 'failed') kills.forEach(k => k());
        if (event.type !== 'ready') return;
        const ready = [...(waiting.get(event.step) ?? []), go];
        waiting.set(event.step, ready);
        if (ready.length === 2) ready.forEach(g => g());
      },
    ),
  );
  expect(await Promise.all(overlapping)).toEqual([
    { signal: null, failure: undefined },
    { signal: null, failure: undefined },
  ]);
  return { transcript, settleAt, lostAnswers };
}

/** Every reservation ended as its history says: nothing pending, confirmed exactly when its workload was seen. */
function checkSettled(
  rows: any[],
  transcript: Transcript,
  lostAnswers: Array<{ request: number; generation: number }>,
) {
  const janitorIn = (minutes: number[], row: any) =>
    minutes.some(
      m =>
        toDate(row.created_at) < timeOf(m) &&
        timeOf(m) < toDate(row.expires_at),
    );
  const wrong: string[] = [];
  for (const row of rows) {
    const request = Number(row.idempotency_key.split('-')[1]);
    // confirmed when a janitor ran after the workload appeared and before the TTL ran out, else expired; a janitor
    // killed within that window may or may not have got to it
    let allowed = ['expired'];
    if (startsWorkload(request) && janitorIn(transcript.settled, row))
      allowed = ['confirmed'];
    else if (startsWorkload(request) && janitorIn(transcript.killedAt, row))
      allowed = ['confirmed', 'expired'];
    if (!allowed.includes(row.status)) {
      const minute = minuteAt(toDate(row.created_at));
      wrong.push(
        `request ${request} (${row.entity_ref}, minute ${minute}) is ${
          row.status
        }, expected ${allowed.join(' or ')}`,
      );
    }
  }
  expect(wrong).toEqual([]);

  // a request committed by a backend that died before answering got that reservation back when sent again
  for (const { request, generation } of lostAnswers) {
    const row = rows.find(r => r.idempotency_key === requestKey(request));
    expect({ request, committedBy: row.entity_ref }).toEqual({
      request,
      committedBy: committedBy(generation),
    });
    const answers = transcript.answers.get(request) ?? [];
    expect(answers.length).toBeGreaterThan(0);
    expect(answers).toEqual(
      answers.map(() => ({
        type: 'answered',
        request,
        id: row.id,
        replayed: true,
      })),
    );
  }

  // reservations a killed backend left pending were settled by the backends after it
  const inherited = rows.filter(r => {
    const generation = Number(
      r.entity_ref.replace(committedBy(0).slice(0, -1), ''),
    );
    return (
      generation < KILLS.length &&
      toDate(r.resolved_at) > timeOf(transcript.killedAt[generation])
    );
  });
  expect(inherited.length).toBeGreaterThan(0);
  expect(rows.some(r => r.status === 'confirmed')).toBe(true);
}

describe('restart safety', () => {
  const databases = createTestDatabases();
  const mockDir = createMockDirectory();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    it('duplicates no usage and settles every reservation when backends are killed and restarted', async () => {
      let db: Knex;
      let backendDb: (generation: number) => Knex.Config;
      if (databaseId === 'SQLITE_3') {
        // a file, as a real SQLite deployment; the in-memory test database would die with its process
        const filename = path.join(mockDir.path, `restart-${SEED}.sqlite`);
        backendDb = () => ({
          client: 'better-sqlite3',
          connection: { filename },
          useNullAsDefault: true,
        });
        db = knexFactory(backendDb(-1));
      } else {
        db = await databases.init(databaseId);
        const connection = db.client.config
          .connection as Knex.PgConnectionConfig;
        backendDb = generation => ({
          client: 'pg',
          // the pg driver hides the password from enumeration: copy it explicitly
          connection: {
            ...connection,
            password: connection.password,
            application_name: `backend-gen${generation}`,
          },
          pool: { min: 0, max: 4 },
        });
      }
      try {
        const store = await DatabaseInferenceStore.create({
          database: { getClient: async () => db },
        });
        await store.quotas.setQuota({
          ownerRef: OWNER,
          gpuType: GPU_TYPE,
          limit: QUOTA_LIMIT,
          changedBy: 'test',
        });
        await withSeed(async () => {
          const { transcript, settleAt, lostAnswers } = await runKillCycles(
            db,
            backendDb,
          );
          const stored = await checkUsage(db, transcript);
          const total = await db('inference_usage_daily')
            .sum({ gpuHours: 'gpu_hours' })
            .first();
          expect(Number(total!.gpuHours)).toBeCloseTo(
            (stored.size * WORKLOADS * GPUS_PER_WORKLOAD) / 60,
            6,
          );
          const rows = await checkReservations(db, transcript);
          expect(await store.quotas.sumPending(timeOf(settleAt))).toEqual([]);
          checkSettled(rows, transcript, lostAnswers);
        });
      } finally {
        if (databaseId === 'SQLITE_3') await db.destroy();
      }
    });
  });
});

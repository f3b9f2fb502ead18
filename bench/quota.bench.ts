/*
 * Quota reservations at 64 concurrent requests, on SQLite (a file, as `npm start` keeps it) and on PostgreSQL (when
 * BENCH_POSTGRES_CONNECTION_STRING or BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set). Times the store's
 * reserve and release calls -- each one transaction with the quota line locked -- as the API route runs them; HTTP
 * and authentication are not included (the summary benchmark covers the HTTP path).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { DatabaseInferenceStore } from '../plugins/inference-backend/src/database/DatabaseInferenceStore';
import {
  argument,
  atMost,
  BenchRow,
  count,
  emit,
  ms,
  percentile,
  progress,
} from './lib/report';

const CONCURRENCY = argument('concurrency', 64);
const OPERATIONS = argument('operations', 4000);
const TEAMS = 8;
const GPU_TYPE = 'NVIDIA-H100-80GB-HBM3';
const BENCH = 'Quota reservations';

async function measure(knex: Knex) {
  const { quotas } = await DatabaseInferenceStore.create({
    database: { getClient: async () => knex },
  });
  for (let t = 0; t < TEAMS; t++) {
    await quotas.setQuota({
      ownerRef: `group:default/team-${t}`,
      gpuType: GPU_TYPE,
      limit: 1_000_000,
      changedBy: 'user:default/bench',
    });
  }
  const reserveMs: number[] = [];
  const releaseMs: number[] = [];
  let next = 0;
  const worker = async (record: boolean, total: number) => {
    while (next < total) {
      const i = next++;
      let t0 = performance.now();
      const { reservation } = await quotas.reserve(
        {
          ownerRef: `group:default/team-${i % TEAMS}`,
          gpuType: GPU_TYPE,
          gpuCount: 1 + (i % 4),
          ttlSeconds: 600,
          requester: 'user:default/bench',
          idempotencyKey: `bench-${record}-${i}`,
        },
        () => 0,
      );
      if (record) reserveMs.push(performance.now() - t0);
      t0 = performance.now();
      await quotas.release(reservation.id, 'user:default/bench');
      if (record) releaseMs.push(performance.now() - t0);
    }
  };
  // warm-up: connections, statement caches, JIT
  await Promise.all(
    Array.from({ length: CONCURRENCY }, () => worker(false, 200)),
  );
  next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, () => worker(true, OPERATIONS)),
  );
  const seconds = (performance.now() - started) / 1000;
  return { reserveMs, releaseMs, throughput: (OPERATIONS * 2) / seconds };
}

/** The table rows and raw figures of one database's run. */
function report(
  database: string,
  m: Awaited<ReturnType<typeof measure>>,
  p99Limit: number,
) {
  const reserveP50 = percentile(m.reserveMs, 50);
  const reserveP99 = percentile(m.reserveMs, 99);
  const rows: BenchRow[] = [
    {
      bench: BENCH,
      measure: `${database} reserve p50 (${CONCURRENCY} concurrent)`,
      result: ms(reserveP50),
    },
    {
      bench: BENCH,
      measure: `${database} reserve p99 (${CONCURRENCY} concurrent)`,
      result: ms(reserveP99),
      ...atMost(reserveP99, p99Limit, ms),
    },
    {
      bench: BENCH,
      measure: `${database} release p50 / p99`,
      result: `${ms(percentile(m.releaseMs, 50))} / ${ms(
        percentile(m.releaseMs, 99),
      )}`,
    },
    {
      bench: BENCH,
      measure: `${database} throughput`,
      result: `${count(m.throughput)} ops/s`,
    },
  ];
  return {
    rows,
    details: { throughput: m.throughput, reserveP50, reserveP99 },
  };
}

async function main() {
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = {};
  const bench = BENCH;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-quota-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'inference.sqlite') },
    useNullAsDefault: true,
  });
  progress(
    `SQLite: ${count(OPERATIONS)} reservations, ${CONCURRENCY} concurrent`,
  );
  const s = await measure(sqlite);
  await sqlite.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  const sqliteReport = report('SQLite', s, 20);
  rows.push(...sqliteReport.rows);
  details.sqlite = sqliteReport.details;

  const pgUrl =
    process.env.BENCH_POSTGRES_CONNECTION_STRING ??
    process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING;
  if (!pgUrl) {
    rows.push({
      bench,
      measure: 'PostgreSQL reserve p99',
      result: 'not run',
      target: '≤ 50 ms',
      note: 'no PostgreSQL connection string set',
    });
  } else {
    const database = `bench_quota_${process.pid}`;
    const admin = knexFactory({ client: 'pg', connection: pgUrl });
    await admin.raw(`CREATE DATABASE ${database}`);
    const pg = knexFactory({
      client: 'pg',
      connection: `${pgUrl.replace(/\/$/, '')}/${database}`,
      pool: { min: 0, max: 10 },
    });
    try {
      progress(
        `PostgreSQL: ${count(
          OPERATIONS,
        )} reservations, ${CONCURRENCY} concurrent, pool of 10`,
      );
      const p = await measure(pg);
      const pgReport = report('PostgreSQL', p, 50);
      rows.push(...pgReport.rows);
      details.postgres = pgReport.details;
    } finally {
      await pg.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
      await admin.destroy();
    }
  }
  emit({ bench, rows, details });
}

main().catch(e => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});

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

async function main() {
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = {};
  const bench = 'Quota reservations';

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
  const sqliteP99 = percentile(s.reserveMs, 99);
  rows.push(
    {
      bench,
      measure: `SQLite reserve p50 (${CONCURRENCY} concurrent)`,
      result: ms(percentile(s.reserveMs, 50)),
    },
    {
      bench,
      measure: `SQLite reserve p99 (${CONCURRENCY} concurrent)`,
      result: ms(sqliteP99),
      ...atMost(sqliteP99, 20, ms),
    },
    {
      bench,
      measure: 'SQLite release p50 / p99',
      result: `${ms(percentile(s.releaseMs, 50))} / ${ms(
        percentile(s.releaseMs, 99),
      )}`,
    },
    {
      bench,
      measure: 'SQLite throughput',
      result: `${count(s.throughput)} ops/s`,
    },
  );
  details.sqlite = {
    throughput: s.throughput,
    reserveP50: percentile(s.reserveMs, 50),
    reserveP99: sqliteP99,
  };

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
      const pgP99 = percentile(p.reserveMs, 99);
      rows.push(
        {
          bench,
          measure: `PostgreSQL reserve p50 (${CONCURRENCY} concurrent)`,
          result: ms(percentile(p.reserveMs, 50)),
        },
        {
          bench,
          measure: `PostgreSQL reserve p99 (${CONCURRENCY} concurrent)`,
          result: ms(pgP99),
          ...atMost(pgP99, 50, ms),
        },
        {
          bench,
          measure: 'PostgreSQL release p50 / p99',
          result: `${ms(percentile(p.releaseMs, 50))} / ${ms(
            percentile(p.releaseMs, 99),
          )}`,
        },
        {
          bench,
          measure: 'PostgreSQL throughput',
          result: `${count(p.throughput)} ops/s`,
        },
      );
      details.postgres = {
        throughput: p.throughput,
        reserveP50: percentile(p.reserveMs, 50),
        reserveP99: pgP99,
      };
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

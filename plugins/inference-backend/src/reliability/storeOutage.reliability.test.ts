/*
 * A database outage, handled evenly. The backend runs on PostgreSQL through a TCP proxy that the test cuts (every
 * connection destroyed, every new one ended at once) for OUTAGE_MS while it keeps reading, writing and running the
 * periodic tasks, then restores. One rule while the store is unreachable: every route that reads or writes the store
 * answers 503 ServiceUnavailableError saying since when, whatever it had cached or written just before; nothing is
 * written, /health says degraded, and the log has one line when the store is lost and one when it is back, without
 * stack traces. Afterwards everything answers as before and the state is intact.
 * PostgreSQL only: SQLite is a file in the backend's process, there is no connection to cut.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import knexFactory, { Knex } from 'knex';
import { inspect } from 'node:util';
import request from 'supertest';
import { inferencePlugin } from '../plugin';
import { spec } from '../schema/openapi.generated';
import { eventually } from '../__testUtils__/simulatedFleet';
import { TcpProxy } from '../__testUtils__/tcpProxy';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { userInfoFromGroups } from '../__testUtils__/userInfo';

jest.setTimeout(120_000);

const OUTAGE_MS = 10_000;
const USER = 'user:default/chen.wei';
const CHAT = 'group:default/ml-chat';
const H100 = 'NVIDIA-H100-80GB-HBM3';
const BASE = '/api/inference';
const LINE = `/quotas/${encodeURIComponent(CHAT)}/${H100}`;
const OUTAGE_KEY = 'reserved-during-the-outage';
const UNAVAILABLE =
  /^The inference store \(database\) is unreachable since (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z); retrying$/;

/** Reads that need the store, by operation of openapi.yaml; {held} is a reservation made before the outage. */
const STORE_READS: Record<string, string> = {
  GetEntitySummary: '/entities/component/default/support-chat-llm/summary',
  ListWorkloads: '/workloads',
  ListQuotas: '/quotas',
  GetQuotaAudit: `${LINE}/audit`,
  ListReservations: '/reservations',
  GetReservation: '/reservations/{held}',
  GetUsage: '/usage',
  GetPlatformOverview: '/platform',
};
/** Reads of the clusters' watch caches and config only. */
const STORE_FREE_READS: Record<string, string> = {
  ListClusters: '/clusters',
  GetClusterPlatform: '/clusters/gpu-east/platform',
};
const WRITES: Record<
  string,
  { method: 'put' | 'delete' | 'post'; path: string; body?: object }
> = {
  CreateReservation: {
    method: 'post',
    path: '/reservations',
    body: { owner: CHAT, gpuType: H100, gpus: 2, idempotencyKey: OUTAGE_KEY },
  },
  UpdateQuota: {
    method: 'put',
    path: LINE,
    body: { limit: 12, reason: 'more for the launch' },
  },
  RemoveQuota: { method: 'delete', path: `${LINE}?force=true` },
  ReleaseReservation: { method: 'post', path: '/reservations/{held}/release' },
};

interface Answer {
  operationId: string;
  status: number;
  body: any;
  retryAfter?: string;
}

/** What the scenario saw, for the checks below. */
interface Observed {
  before: Answer[];
  during: Answer[];
  tasksDuring: Array<{ id: string; result: string }>;
  after: Answer[];
  retriedOutageWrite: Answer;
  cutForMs: number;
  recoveredAfterMs: number;
  refusedAttempts: number;
  stateBefore: object;
  stateAfter: object;
  /** Log lines (root logger and console, knex's included) from the cut until the backend answered again. */
  outageLog: Array<{ level: string; text: string }>;
  log: Array<{ level: string; text: string }>;
}

/** The ledger as PostgreSQL holds it, read past the proxy. */
async function ledgerState(db: Knex) {
  return {
    quotas: await db('inference_quotas')
      .select('owner_ref', 'gpu_type', 'gpu_limit')
      .orderBy(['owner_ref', 'gpu_type']),
    audit: await db('inference_quota_audit')
      .select('owner_ref', 'gpu_type', 'previous_limit', 'new_limit')
      .orderBy('id'),
    reservations: await db('inference_reservations')
      .select('id', 'status', 'gpu_count', 'idempotency_key')
      .orderBy('id'),
  };
}

describe('store outage', () => {
  const databases = createTestDatabases();
  const postgres = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');
  // without PostgreSQL, createTestDatabases registered the skipped test that says why
  if (postgres.length === 0) return;

  describe.each(postgres)('on %p', databaseId => {
    let observed: Observed;
    let proxy: TcpProxy | undefined;
    let backendKnex: Knex | undefined;
    const consoleSpies: jest.SpyInstance[] = [];

    beforeAll(async () => {
      const log: Observed['log'] = [];
      for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        consoleSpies.push(
          jest.spyOn(console, level).mockImplementation((...args) => {
            const text = args
              .filter(a => a !== undefined)
              .map(a => (typeof a === 'string' ? a : inspect(a, { depth: 10 })))
              .join(' ');
            log.push({ level, text });
          }),
        );
      }

      const db = await databases.init(databaseId);
      const connection = db.client.config.connection as Knex.PgConnectionConfig;
      proxy = await TcpProxy.start({
        host: connection.host ?? '127.0.0.1',
        port: connection.port ?? 5432,
      });
      backendKnex = knexFactory({
        client: 'pg',
        // the pg driver hides the password from enumeration: copy it explicitly
        connection: {
          ...connection,
          password: connection.password,
          host: '127.0.0.1',
          port: proxy.port,
        },
      });
      // the periodic tasks run when the test runs them, and their failures reach it
      const scheduler = mockServices.scheduler.mock();
      const { server } = await startTestBackend({
        features: [
          inferencePlugin,
          mockServices.rootConfig.factory({
            data: {
              inference: {
                quotas: [{ owner: 'ml-chat', gpuType: H100, limit: 8 }],
                rateLimit: { writesPerMinute: 1000 },
              },
            },
          }),
          mockServices.rootLogger.factory({ level: 'info' }),
          mockServices.database.factory({ knex: backendKnex }),
          scheduler.factory,
          catalogServiceMock.factory({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Group',
                metadata: { name: 'ml-chat', namespace: 'default' },
                spec: { type: 'team', children: [] },
              },
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: { name: 'support-chat-llm', namespace: 'default' },
                spec: { type: 'service', owner: CHAT, lifecycle: 'production' },
              },
            ],
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          userInfoFromGroups({ [USER]: [CHAT] }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });

      const held = await request(server)
        .post(`${BASE}/reservations`)
        .set('Authorization', mockCredentials.user.header(USER))
        .send({ owner: CHAT, gpuType: H100, gpus: 1, idempotencyKey: 'held' });
      const url = (path: string) =>
        `${BASE}${path.replace('{held}', held.body.id)}`;
      const answer = (operationId: string, res: request.Response): Answer => ({
        operationId,
        status: res.status,
        body: res.body,
        retryAfter: res.headers['retry-after'],
      });
      const read = async (operationId: string, path: string) =>
        answer(
          operationId,
          await request(server)
            .get(url(path))
            .set('Authorization', mockCredentials.user.header(USER)),
        );
      const write = async (operationId: string) => {
        const { method, path, body } = WRITES[operationId];
        const req = request(server)
          [method](url(path))
          .set('Authorization', mockCredentials.user.header(USER));
        return answer(operationId, await (body ? req.send(body) : req));
      };
      const readAll = async () => {
        const answers: Answer[] = [await read('GetHealth', '/health')];
        for (const [id, path] of Object.entries({
          ...STORE_READS,
          ...STORE_FREE_READS,
        })) {
          answers.push(await read(id, path));
        }
        return answers;
      };
      const runTasks = async () => {
        const results = [];
        for (const [task] of scheduler.scheduleTask.mock.calls) {
          const run = async () => task.fn(new AbortController().signal);
          results.push({
            id: task.id,
            result: await run().then(
              () => 'completed',
              (error: unknown) => `failed: ${error}`,
            ),
          });
        }
        return results;
      };

      // a write just before the cut: the ledger cache is empty for some reads, filled for others
      const before = [answer('CreateReservation', held), ...(await readAll())];
      before.push(
        answer(
          'UpdateQuota',
          await request(server)
            .put(`${BASE}${LINE}`)
            .set('Authorization', mockCredentials.user.header(USER))
            .send({ limit: 10, reason: 'before the outage' }),
        ),
      );
      await read('ListQuotas', '/quotas');
      const stateBefore = await ledgerState(db);

      const logFrom = log.length;
      proxy.cut();
      // the first request after the cut is a write, on a pooled connection the cut killed
      const during: Answer[] = [await write('CreateReservation')];
      const tasksDuring = await runTasks();
      const cutAt = Date.now();
      while (Date.now() - cutAt < OUTAGE_MS) {
        during.push(...(await readAll()));
        for (const id of Object.keys(WRITES)) during.push(await write(id));
        await new Promise(resolve => setTimeout(resolve, 200));
      }
      tasksDuring.push(...(await runTasks()));
      const refusedAttempts = proxy.refusedAttempts;
      const cutForMs = proxy.restore();

      const restoredAt = Date.now();
      await eventually(async () => {
        const health = await read('GetHealth', '/health');
        if (health.status !== 200) throw new Error(JSON.stringify(health));
      }, 15_000);
      const recoveredAfterMs = Date.now() - restoredAt;
      const outageLog = log.slice(logFrom);

      const after = await readAll();
      const stateAfter = await ledgerState(db);
      const retriedOutageWrite = await write('CreateReservation');
      observed = {
        before,
        during,
        tasksDuring,
        after,
        retriedOutageWrite,
        cutForMs,
        recoveredAfterMs,
        refusedAttempts,
        stateBefore,
        stateAfter,
        outageLog,
        log,
      };
    });

    afterAll(async () => {
      for (const spy of consoleSpies) spy.mockRestore();
      if (observed) {
        const { during, outageLog } = observed;
        // the figures of the run, for whoever reads the test output
        // eslint-disable-next-line no-console
        console.log(
          `store outage: cut for ${observed.cutForMs} ms; ${
            during.length
          } answers during it (${
            during.filter(a => a.status === 503).length
          } of them 503); ${
            observed.refusedAttempts
          } connection attempts refused by the proxy; /health ok ${
            observed.recoveredAfterMs
          } ms after the restore; ${
            outageLog.length
          } log lines meanwhile:\n${outageLog
            .map(l => `  ${l.level} ${l.text}`)
            .join('\n')}`,
        );
      }
      await backendKnex?.destroy();
      await proxy?.stop();
    });

    it('classifies every operation of openapi.yaml', () => {
      const operations = Object.values(spec.paths).flatMap(item =>
        Object.values(item).map(op => op.operationId),
      );
      expect(
        [
          'GetHealth',
          ...Object.keys(STORE_READS),
          ...Object.keys(STORE_FREE_READS),
          ...Object.keys(WRITES),
        ].sort(),
      ).toEqual([...operations].sort());
    });

    it('answered every route before the outage', () => {
      for (const { operationId, status } of observed.before) {
        const expected =
          {
            CreateReservation: 201,
            // no cluster is tracked: a 404 naming the cluster, from config alone
            GetClusterPlatform: 404,
          }[operationId] ?? 200;
        expect({ operationId, status }).toEqual({
          operationId,
          status: expected,
        });
      }
    });

    it('answers every read and write of the store with one 503 during the outage, cached or not', () => {
      const ofStore = observed.during.filter(
        a => a.operationId in STORE_READS || a.operationId in WRITES,
      );
      expect(ofStore.length).toBeGreaterThan(50);
      const since = new Set<string>();
      for (const { operationId, status, body, retryAfter } of ofStore) {
        expect({
          operationId,
          status,
          name: body.error?.name,
          retryAfter,
        }).toEqual({
          operationId,
          status: 503,
          name: 'ServiceUnavailableError',
          retryAfter: '2',
        });
        expect(body.error.message).toMatch(UNAVAILABLE);
        expect(body.error.stack).toBeUndefined();
        since.add(UNAVAILABLE.exec(body.error.message)![1]);
      }
      // one outage, one moment it began
      expect(since.size).toBe(1);
    });

    it('answers reads of the clusters and config as before, and /health as degraded', () => {
      const { before, during } = observed;
      const storeFree = during.filter(a => a.operationId in STORE_FREE_READS);
      expect(storeFree.length).toBeGreaterThan(10);
      expect(
        storeFree.map(({ operationId, status, body }) => ({
          operationId,
          status,
          body,
        })),
      ).toEqual(
        storeFree.map(({ operationId }) => {
          const { status, body } = before.find(
            a => a.operationId === operationId,
          )!;
          return { operationId, status, body };
        }),
      );
      const health = during.filter(a => a.operationId === 'GetHealth');
      expect(health.length).toBeGreaterThan(10);
      for (const { status, body } of health) {
        expect({
          status,
          health: body.status,
          reachable: body.database.reachable,
        }).toEqual({ status: 503, health: 'degraded', reachable: false });
      }
    });

    it('writes nothing during the outage, and a write refused then can be made afterwards', () => {
      expect(observed.stateAfter).toEqual(observed.stateBefore);
      const { reservations } = observed.stateAfter as any;
      expect(reservations.map((r: any) => r.idempotency_key)).toEqual(['held']);
      expect(reservations[0].status).toBe('pending');
      // made now for the first time (201), not replayed from a write the outage cut in half
      expect(observed.retriedOutageWrite.status).toBe(201);
    });

    it('runs the periodic tasks quietly during the outage', () => {
      expect(observed.tasksDuring.length).toBeGreaterThanOrEqual(8);
      for (const { id, result } of observed.tasksDuring) {
        expect({ id, result }).toEqual({ id, result: 'completed' });
      }
    });

    it('answers every route again once the database is back', () => {
      expect(observed.recoveredAfterMs).toBeLessThan(5_000);
      const reads = observed.before.filter(a => !(a.operationId in WRITES));
      expect(observed.after.map(a => [a.operationId, a.status])).toEqual(
        reads.map(a => [a.operationId, a.status]),
      );
      // the quota line as set before the outage, not as the refused writes would have made it
      const quotas = observed.after.find(a => a.operationId === 'ListQuotas')!;
      expect(quotas.body.items).toEqual([
        expect.objectContaining({ owner: CHAT, gpuType: H100, limit: 10 }),
      ]);
    });

    it('logs one line when the store is lost and one when it is back, and no stack trace', () => {
      const { outageLog, log } = observed;
      const lost = outageLog.filter(l =>
        /Inference store \(database\) lost/.test(l.text),
      );
      const back = outageLog.filter(l =>
        /Inference store \(database\) is back after/.test(l.text),
      );
      expect(lost.map(l => l.level)).toEqual(['warn']);
      expect(lost[0].text).toMatch(
        /lost: (Connection terminated unexpectedly|connect ECONN\w+ .*|.*not queryable); reads and writes/,
      );
      expect(back.map(l => l.level)).toEqual(['info']);
      const seconds = Number(/back after (\d+\.\d) s/.exec(back[0].text)![1]);
      expect(seconds * 1000).toBeGreaterThan(observed.cutForMs - 1_000);
      expect(seconds * 1000).toBeLessThan(observed.cutForMs + 5_000);
      // nothing else above info from the plugin, no request failure, no knex connection error on stdout
      expect(
        outageLog.filter(
          l => ['warn', 'error'].includes(l.level) && !lost.includes(l),
        ),
      ).toEqual([]);
      for (const line of log) {
        expect(line.text).not.toMatch(/\n\s+at \S+/);
        expect(line.text).not.toMatch(
          /Request failed with status|Acquire connection error/,
        );
      }
    });
  });
});

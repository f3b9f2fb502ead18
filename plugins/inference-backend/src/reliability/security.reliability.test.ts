import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { inferencePermissions } from '@inference-platform/plugin-inference-common';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { inspect } from 'node:util';
import request from 'supertest';
import yaml from 'yaml';
import { inferencePlugin } from '../plugin';
import { eventually } from '../__testUtils__/simulatedFleet';
import { userInfoFromGroups } from '../__testUtils__/userInfo';

jest.setTimeout(60_000);

/*
 * Security: every route of openapi.yaml refuses anonymous and forged callers, checks the permission it is documented
 * with, keeps one team's reservations from another team, and never writes a bearer token or a cluster
 * service-account token to the log.
 */

const ADMIN = 'user:default/ana.ruiz';
const CHAT_USER = 'user:default/chen.wei';
const CHAT_USER_2 = 'user:default/mia.park';
const SEARCH_USER = 'user:default/eli.novak';
const CHAT = 'group:default/ml-chat';
const SEARCH = 'group:default/ml-search';
const H100 = 'NVIDIA-H100-80GB-HBM3';
const BASE = '/api/inference';
const NO_SUCH_RESERVATION = '00000000-0000-4000-8000-000000000000';
/** A tracked cluster nobody answers for: its platform settings come from config, not from the cluster. */
const TRACKED_CLUSTER = { name: 'gpu-us-east', url: 'http://127.0.0.1:9' };
/** The teams as catalog Groups: quota lines may only name Groups of the catalog. */
const GROUP_ENTITIES = [CHAT, SEARCH].map(ref => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: ref.split('/')[1], namespace: 'default' },
  spec: { type: 'team', children: [] },
}));

const groups: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-team'],
  [CHAT_USER]: [CHAT],
  [CHAT_USER_2]: [CHAT],
  [SEARCH_USER]: [SEARCH],
};

/** Every operation of openapi.yaml, read from the file itself so a new route cannot be left out. */
const specOperations: Array<{
  operationId: string;
  method: string;
  path: string;
}> = Object.entries(
  yaml.parse(
    // eslint-disable-next-line no-restricted-syntax -- tests run from source
    fs.readFileSync(path.join(__dirname, '../schema/openapi.yaml'), 'utf8'),
  ).paths as Record<string, Record<string, { operationId: string }>>,
).flatMap(([p, item]) =>
  Object.entries(item).map(([method, op]) => ({
    operationId: op.operationId,
    method,
    path: p,
  })),
);

interface Sample {
  /** a valid call of the operation by a member of ml-chat */
  params?: Record<string, string>;
  body?: object;
  /** the permission the route is documented to need (none: any signed-in caller) */
  permission?: string;
}

// One valid call per operation. A route added to openapi.yaml without a sample here fails the coverage test.
const SAMPLES: Record<string, Sample> = {
  GetHealth: {},
  GetEntitySummary: {
    params: {
      kind: 'component',
      namespace: 'default',
      name: 'support-chat-llm',
    },
    permission: 'inference.workload.read',
  },
  ListWorkloads: { permission: 'inference.workload.read' },
  ListClusters: { permission: 'inference.workload.read' },
  GetClusterPlatform: {
    params: { cluster: TRACKED_CLUSTER.name },
    permission: 'inference.workload.read',
  },
  ListQuotas: { permission: 'inference.quota.read' },
  UpdateQuota: {
    params: { owner: CHAT, gpuType: H100 },
    body: { limit: 8 },
    permission: 'inference.quota.update',
  },
  // a line nobody has: the sample must not take ml-chat's quota away from the other samples
  RemoveQuota: {
    params: { owner: SEARCH, gpuType: 'NVIDIA-L4' },
    permission: 'inference.quota.update',
  },
  GetQuotaAudit: {
    params: { owner: CHAT, gpuType: H100 },
    permission: 'inference.quota.read',
  },
  ListReservations: { permission: 'inference.quota.read' },
  GetReservation: {
    params: { id: NO_SUCH_RESERVATION },
    permission: 'inference.quota.read',
  },
  CreateReservation: {
    body: { owner: CHAT, gpuType: H100, gpus: 1 },
    permission: 'inference.reservation.create',
  },
  ReleaseReservation: {
    params: { id: NO_SUCH_RESERVATION },
    permission: 'inference.reservation.release',
  },
  GetUsage: { permission: 'inference.workload.read' },
  GetPlatformOverview: { permission: 'inference.workload.read' },
};

function sampleOf(operationId: string): Sample {
  const sample = SAMPLES[operationId];
  if (!sample) {
    throw new Error(
      `${operationId} is in openapi.yaml but has no sample request in SAMPLES of ${path.basename(
        __filename,
      )}: add one`,
    );
  }
  return sample;
}

function call(
  server: Parameters<typeof request>[0],
  op: { operationId: string; method: string; path: string },
  authorization?: string,
) {
  const sample = sampleOf(op.operationId);
  const url = op.path.replace(/\{(\w+)\}/g, (_, name) =>
    encodeURIComponent(sample.params?.[name] ?? ''),
  );
  let req = (request(server) as any)[op.method](`${BASE}${url}`);
  if (authorization) req = req.set('Authorization', authorization);
  return (
    sample.body ? req.send(sample.body) : req
  ) as Promise<request.Response>;
}

const operationIds = specOperations.map(o => o.operationId);
const opById = (id: string) => specOperations.find(o => o.operationId === id)!;

describe('security', () => {
  it('has a sample request and a documented permission for every operation of openapi.yaml', () => {
    expect(specOperations.length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(SAMPLES).sort()).toEqual([...operationIds].sort());
    const documented = specOperations
      .map(op => sampleOf(op.operationId).permission)
      .filter(Boolean);
    expect(inferencePermissions.map(p => p.name)).toEqual(
      expect.arrayContaining(documented),
    );
  });

  describe('access control', () => {
    let server: Parameters<typeof request>[0];
    // the demo's policy: everything for everyone, but quota updates for the platform team only
    const demoPolicy = (user: string, permission: string) =>
      permission !== 'inference.quota.update' || user === ADMIN;
    let policy = demoPolicy;

    beforeAll(async () => {
      const backend = await startTestBackend({
        features: [
          inferencePlugin,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                database: { client: 'better-sqlite3', connection: ':memory:' },
              },
              inference: {
                quotas: [
                  { owner: 'ml-chat', gpuType: H100, limit: 8 },
                  { owner: 'ml-search', gpuType: H100, limit: 8 },
                ],
                clusters: [TRACKED_CLUSTER],
                metrics: { enabled: false },
              },
            },
          }),
          catalogServiceMock.factory({
            entities: [
              ...GROUP_ENTITIES,
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'Component',
                metadata: { name: 'support-chat-llm', namespace: 'default' },
                spec: { type: 'service', owner: CHAT, lifecycle: 'production' },
              },
            ],
          }),
          // a request without a token is anonymous, as in production
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          userInfoFromGroups(groups),
          // `policy` decides; tests swap it
          createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => ({
              async authorize(requests: any[], options: any) {
                const user = options.credentials.principal.userEntityRef;
                return requests.map(r => ({
                  result: policy(user, r.permission.name)
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
                }));
              },
              async authorizeConditional() {
                throw new Error('not used');
              },
            }),
          }),
        ],
      });
      server = backend.server;
    });

    afterEach(() => {
      policy = demoPolicy;
    });

    const as = (user: string) => mockCredentials.user.header(user);

    it.each(operationIds)(
      '%s refuses anonymous, forged and expired-looking callers with 401',
      async operationId => {
        const op = opById(operationId);
        for (const authorization of [
          undefined,
          'Bearer forged-token-1234567890',
          'Bearer ',
          'Basic YWRtaW46YWRtaW4=',
          mockCredentials.user.invalidHeader(),
          mockCredentials.service.invalidHeader(),
        ]) {
          const res = await call(server, op, authorization);
          expect({ authorization, status: res.status }).toEqual({
            authorization,
            status: 401,
          });
          expect(res.body.error.name).toBe('AuthenticationError');
        }
        // the signed-in call of the same sample is not refused: the 401 came from the missing credentials
        const signedIn = await call(server, op, as(ADMIN));
        expect(signedIn.status).not.toBe(401);
      },
    );

    it.each([
      ['get', '/openapi.json'],
      ['get', '/no-such-route'],
      ['delete', `/reservations/${NO_SUCH_RESERVATION}`],
    ])(
      '%s %s, served beside the spec, refuses anonymous callers too',
      async (method, route) => {
        const res = await (request(server) as any)[method](`${BASE}${route}`);
        expect(res.status).toBe(401);
      },
    );

    it('refuses anonymous callers before looking at their input', async () => {
      const res = await request(server)
        .put(`${BASE}/quotas/not-a-ref/${H100}`)
        .send({ limit: 'lots' });
      expect(res.status).toBe(401);
    });

    it.each(operationIds.filter(id => sampleOf(id).permission))(
      '%s answers 403 naming its permission when only that one is denied',
      async operationId => {
        const op = opById(operationId);
        const { permission } = sampleOf(operationId);
        // a member of ml-chat, so ownership checks pass and the permission alone decides
        policy = (_, p) => p !== permission;
        const refused = await call(server, op, as(CHAT_USER));
        expect(refused.status).toBe(403);
        expect(refused.body.error).toEqual({
          name: 'NotAllowedError',
          message: `You need the ${permission} permission`,
        });

        // this permission alone: the route needs nothing more
        policy = (_, p) => p === permission;
        const allowed = await call(server, op, as(CHAT_USER));
        expect(allowed.status).not.toBe(403);
        expect(allowed.status).toBeLessThan(500);
      },
    );

    it('answers /health to any signed-in caller, whatever the permissions', async () => {
      policy = () => false;
      const res = await call(server, opById('GetHealth'), as(SEARCH_USER));
      expect(res.status).toBe(200);
    });

    it('lets only holders of inference.quota.update change a quota', async () => {
      const op = opById('UpdateQuota');
      for (const user of [CHAT_USER, SEARCH_USER]) {
        const res = await call(server, op, as(user));
        expect(res.status).toBe(403);
        expect(res.body.error.message).toBe(
          'You need the inference.quota.update permission',
        );
      }
      expect((await call(server, op, as(ADMIN))).status).toBe(200);
    });

    describe("one team and another team's reservation", () => {
      const reserve = (user: string, body: object) =>
        request(server)
          .post(`${BASE}/reservations`)
          .set('Authorization', as(user))
          .send(body);
      const release = (user: string, id: string) =>
        request(server)
          .post(`${BASE}/reservations/${id}/release`)
          .set('Authorization', as(user));
      const stateOf = async (id: string) => {
        const res = await request(server)
          .get(`${BASE}/reservations`)
          .set('Authorization', as(ADMIN));
        return res.body.items.find((r: any) => r.id === id)?.state;
      };

      it('cannot release it, even holding the release permission, and it stays pending', async () => {
        const created = await reserve(CHAT_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 2,
        });
        expect(created.status).toBe(201);

        const foreign = await release(SEARCH_USER, created.body.id);
        expect(foreign.status).toBe(403);
        expect(foreign.body.error).toEqual({
          name: 'NotAllowedError',
          message: `${SEARCH_USER} is not a member of ${CHAT} and may not release a reservation of ${CHAT}`,
        });
        expect(await stateOf(created.body.id)).toBe('pending');

        // a teammate may, as may the platform team
        const teammate = await release(CHAT_USER_2, created.body.id);
        expect(teammate.status).toBe(200);
        expect(teammate.body.state).toBe('released');
        const second = await reserve(CHAT_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
        });
        expect((await release(ADMIN, second.body.id)).status).toBe(200);
      });

      it('cannot reserve from it, nor take it over through its idempotency key', async () => {
        const own = await reserve(CHAT_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
          idempotencyKey: 'chat-task-42',
        });
        expect(own.status).toBe(201);

        const foreign = await reserve(SEARCH_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
        });
        expect(foreign.status).toBe(403);
        expect(foreign.body.error.message).toBe(
          `${SEARCH_USER} is not a member of ${CHAT} and may not reserve GPUs for ${CHAT}`,
        );
        // replaying the key as the owner of the reservation is refused too: the check runs before the replay
        const replay = await reserve(SEARCH_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
          idempotencyKey: 'chat-task-42',
        });
        expect(replay.status).toBe(403);
        // with its own owner the key is its own: a reservation of its team, nothing of the other team's (not even a
        // 409 naming their owner and GPU count)
        const ownOwner = await reserve(SEARCH_USER, {
          owner: SEARCH,
          gpuType: H100,
          gpus: 2,
          idempotencyKey: 'chat-task-42',
        });
        expect(ownOwner.status).toBe(201);
        expect(ownOwner.body).toMatchObject({
          owner: SEARCH,
          gpus: 2,
          createdBy: SEARCH_USER,
        });
        expect(ownOwner.body.id).not.toBe(own.body.id);
        expect(ownOwner.text).not.toContain(CHAT);
        expect(await stateOf(own.body.id)).toBe('pending');
        // and the owner's retry still replays its own reservation
        const retry = await reserve(CHAT_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
          idempotencyKey: 'chat-task-42',
        });
        expect(retry.status).toBe(200);
        expect(retry.body.id).toBe(own.body.id);
      });

      it('cannot release it with a differently written owner or id', async () => {
        const created = await reserve(CHAT_USER, {
          owner: CHAT,
          gpuType: H100,
          gpus: 1,
        });
        for (const id of [
          created.body.id.toUpperCase(),
          ` ${created.body.id}`,
          `${created.body.id}%00`,
        ]) {
          const res = await release(SEARCH_USER, encodeURI(id));
          expect([400, 403, 404]).toContain(res.status);
        }
        expect(await stateOf(created.body.id)).toBe('pending');
      });
    });
  });

  describe('writes: grants and allowance', () => {
    const writeOps = specOperations.filter(op => op.method !== 'get');
    let server: Parameters<typeof request>[0];

    beforeAll(async () => {
      const backend = await startTestBackend({
        features: [
          inferencePlugin,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                database: { client: 'better-sqlite3', connection: ':memory:' },
              },
              inference: {
                quotas: [{ owner: 'ml-chat', gpuType: H100, limit: 8 }],
                metrics: { enabled: false },
                rateLimit: { writesPerMinute: 1 },
              },
            },
          }),
          catalogServiceMock.factory({ entities: [] }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          userInfoFromGroups(groups),
          // as Backstage's permission service: every permission for a service principal without access restrictions
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      server = backend.server;
    });

    it('has write operations to check', () => {
      expect(writeOps.map(op => op.operationId).sort()).toEqual([
        'CreateReservation',
        'ReleaseReservation',
        'RemoveQuota',
        'UpdateQuota',
      ]);
    });

    const asUngranted = (subject: string) =>
      mockCredentials.service.header({
        onBehalfOf: mockCredentials.service(subject),
        targetPluginId: 'inference',
      });
    const serviceRefusal = (subject: string) =>
      new RegExp(`^${subject} is a service .*inference\\.servicePrincipals`);

    it.each(['CreateReservation', 'UpdateQuota', 'RemoveQuota'])(
      '%s refuses a service principal that inference.servicePrincipals grants nothing',
      async operationId => {
        const subject = `external:ungranted-${operationId}`;
        const res = await call(
          server,
          opById(operationId),
          asUngranted(subject),
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(serviceRefusal(subject));
      },
    );

    it('ReleaseReservation refuses a service principal that inference.servicePrincipals grants nothing', async () => {
      const created = await request(server)
        .post(`${BASE}/reservations`)
        .set('Authorization', mockCredentials.user.header(CHAT_USER))
        .send({ owner: CHAT, gpuType: H100, gpus: 1 });
      expect(created.status).toBe(201);
      const subject = 'external:ungranted-release';
      const res = await request(server)
        .post(`${BASE}/reservations/${created.body.id}/release`)
        .set('Authorization', asUngranted(subject));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(serviceRefusal(subject));
    });

    it.each(writeOps.map(op => op.operationId))(
      '%s answers 429 with Retry-After past the caller’s write allowance',
      async operationId => {
        const op = opById(operationId);
        const caller = mockCredentials.user.header(
          `user:default/writer-${operationId.toLowerCase()}`,
        );
        const first = await call(server, op, caller);
        expect(first.status).not.toBe(429);
        const second = await call(server, op, caller);
        expect(second.status).toBe(429);
        expect(Number(second.headers['retry-after'])).toBeGreaterThan(0);
        expect(second.body.error.name).toBe('TooManyRequestsError');
        // reads stay open to the same caller
        const read = await request(server)
          .get(`${BASE}/reservations`)
          .set('Authorization', caller);
        expect(read.status).toBe(200);
      },
    );
  });

  describe.each(['app-config.yaml', 'app-config.production.yaml'])(
    'the static token of %s, through the real auth and permission services',
    file => {
      const TOKEN = `static-${randomBytes(12).toString('hex')}`;
      /** `backend.auth.externalAccess` of the file, its token replaced (defaults and variables alike). */
      const externalAccess = (withRestrictions: boolean) =>
        (
          yaml.parse(
            // eslint-disable-next-line no-restricted-syntax -- tests run from source
            fs.readFileSync(path.join(__dirname, '../../../..', file), 'utf8'),
          ).backend.auth.externalAccess as any[]
        ).map(({ accessRestrictions, ...entry }) => ({
          ...entry,
          options: { ...entry.options, token: TOKEN },
          ...(withRestrictions ? { accessRestrictions } : {}),
        }));

      async function startWith(entries: object[]) {
        const backend = await startTestBackend({
          features: [
            inferencePlugin,
            mockServices.rootConfig.factory({
              data: {
                backend: {
                  database: {
                    client: 'better-sqlite3',
                    connection: ':memory:',
                  },
                  auth: { externalAccess: entries },
                },
                permission: { enabled: true },
                inference: {
                  quotas: [{ owner: 'ml-chat', gpuType: H100, limit: 8 }],
                  clusters: [TRACKED_CLUSTER],
                  metrics: { enabled: false },
                },
              },
            }),
            authServiceFactory,
            httpAuthServiceFactory,
            // Backstage's own: a service principal is decided from its token's access restrictions alone
            permissionsServiceFactory,
            catalogServiceMock.factory({
              entities: [
                {
                  apiVersion: 'backstage.io/v1alpha1',
                  kind: 'Component',
                  metadata: { name: 'support-chat-llm', namespace: 'default' },
                  spec: {
                    type: 'service',
                    owner: CHAT,
                    lifecycle: 'production',
                  },
                },
              ],
            }),
          ],
        });
        return backend.server;
      }
      const withToken = (req: request.Test) =>
        req.set('Authorization', `Bearer ${TOKEN}`);
      const writes = [
        ['put', `/quotas/${encodeURIComponent(CHAT)}/${H100}`, { limit: 99 }],
        ['post', '/reservations', { owner: CHAT, gpuType: H100, gpus: 1 }],
        ['post', `/reservations/${NO_SUCH_RESERVATION}/release`, undefined],
        ['delete', `/quotas/${encodeURIComponent(CHAT)}/${H100}`, undefined],
      ] as const;

      it('reads, but may not reserve, release or change a quota', async () => {
        expect(externalAccess(true)[0].accessRestrictions).toBeDefined();
        const server = await startWith(externalAccess(true));
        for (const route of [
          '/health',
          '/entities/component/default/support-chat-llm/summary',
          '/workloads',
          '/clusters',
          `/clusters/${TRACKED_CLUSTER.name}/platform`,
          '/quotas',
          `/quotas/${encodeURIComponent(CHAT)}/${H100}/audit`,
          '/reservations',
          '/usage',
          '/platform',
        ]) {
          const res = await withToken(request(server).get(`${BASE}${route}`));
          expect({ route, status: res.status }).toEqual({ route, status: 200 });
        }
        for (const [method, route, body] of writes) {
          const res = await withToken(
            (request(server) as any)[method](`${BASE}${route}`),
          ).send(body);
          expect({ route, status: res.status }).toEqual({ route, status: 403 });
        }
      });

      it('even without its access restrictions may not reserve or change a quota: config grants it nothing', async () => {
        const server = await startWith(externalAccess(false));
        for (const [method, route, body] of writes.slice(0, 2)) {
          const res = await withToken(
            (request(server) as any)[method](`${BASE}${route}`),
          ).send(body);
          expect({ route, status: res.status }).toEqual({ route, status: 403 });
          expect(res.body.error.message).toMatch(
            /inference\.servicePrincipals/,
          );
        }
      });
    },
  );

  describe('secrets in logs', () => {
    const secret = (name: string) =>
      `${name}-${randomBytes(12).toString('hex')}`;
    const STATIC_TOKEN = secret('static-api-token');
    const SIM_SA_TOKEN = secret('sa-token-sim');
    const HOSTILE_SA_TOKEN = secret('sa-token-hostile');
    const GONE_SA_TOKEN = secret('sa-token-gone');
    const FORGED_TOKENS = [
      secret('forged'),
      `eyJhbGciOiJFUzI1NiIsImtpZCI6Ing.${Buffer.from(
        JSON.stringify({ sub: 'user:default/mallory', ent: [ADMIN] }),
      ).toString('base64url')}.${secret('sig')}`,
    ];
    const SECRETS = [
      STATIC_TOKEN,
      SIM_SA_TOKEN,
      HOSTILE_SA_TOKEN,
      GONE_SA_TOKEN,
      ...FORGED_TOKENS,
    ];

    const logLines: string[] = [];
    const consoleSpies: jest.SpyInstance[] = [];
    const hostileSawTokens: string[] = [];
    const answers: string[] = [];
    let sim: SimulatorHandle;
    let hostile: http.Server;
    let server: Parameters<typeof request>[0];
    const scheduler = mockServices.scheduler();

    /** A root logger that keeps every line with its fields (errors with stack and cause), as a log shipper would. */
    class CapturingLogger implements RootLoggerService {
      constructor(private readonly fields: object = {}) {}
      error(message: string, meta?: Error | object) {
        this.log('error', message, meta);
      }
      warn(message: string, meta?: Error | object) {
        this.log('warn', message, meta);
      }
      info(message: string, meta?: Error | object) {
        this.log('info', message, meta);
      }
      debug(message: string, meta?: Error | object) {
        this.log('debug', message, meta);
      }
      child(meta: object): LoggerService {
        return new CapturingLogger({ ...this.fields, ...meta });
      }
      private log(level: string, message: string, meta?: unknown) {
        logLines.push(
          `${level} ${inspect(this.fields)} ${message} ${inspect(meta, {
            depth: 10,
          })}`,
        );
      }
    }

    beforeAll(async () => {
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        consoleSpies.push(
          jest
            .spyOn(console, method)
            .mockImplementation((...args: unknown[]) => {
              logLines.push(
                `console.${method} ${inspect(args, { depth: 10 })}`,
              );
            }),
        );
      }

      // an API server that refuses the token it is sent, as after a rotation
      hostile = http.createServer((req, res) => {
        hostileSawTokens.push(String(req.headers.authorization));
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            message: 'Unauthorized',
            reason: 'Unauthorized',
            code: 401,
          }),
        );
      });
      await new Promise<void>(resolve =>
        hostile.listen(0, '127.0.0.1', resolve),
      );
      // a port nothing listens on any more
      const gone = http.createServer();
      await new Promise<void>(resolve => gone.listen(0, '127.0.0.1', resolve));
      const gonePort = (gone.address() as AddressInfo).port;
      await new Promise(resolve => gone.close(resolve));

      sim = await startSimulator({
        scenario: {
          name: 'secrets',
          clusters: [
            {
              name: 'gpu-sim',
              token: SIM_SA_TOKEN,
              nodePools: [
                {
                  name: 'h100-pool',
                  gpu: H100,
                  instanceType: 'p5.48xlarge',
                  nodes: 1,
                },
              ],
              namespaces: [{ name: 'ml-chat', team: 'ml-chat' }],
              workloads: [
                {
                  name: 'support-chat-llm',
                  namespace: 'ml-chat',
                  team: 'ml-chat',
                  model: 'meta-llama/Llama-3.1-8B-Instruct',
                  gpuProduct: H100,
                  gpus: 1,
                },
              ],
            },
          ],
        },
        controlPort: false,
        clock: { mode: 'manual' },
      });

      const backend = await startTestBackend({
        features: [
          inferencePlugin,
          mockServices.rootConfig.factory({
            data: {
              backend: {
                database: { client: 'better-sqlite3', connection: ':memory:' },
                auth: {
                  externalAccess: [
                    {
                      type: 'static',
                      options: { token: STATIC_TOKEN, subject: 'ci-bot' },
                    },
                  ],
                },
              },
              inference: {
                quotas: [{ owner: 'ml-chat', gpuType: H100, limit: 8 }],
                // the token writes too, so every route's answer passes through the log
                servicePrincipals: [
                  { subject: 'ci-bot', quotaAdmin: true, actForAnyTeam: true },
                ],
                metrics: { enabled: true, source: 'direct' },
                tracking: { probeIntervalMs: 100, probeTimeoutMs: 500 },
                clusters: [
                  {
                    name: 'gpu-sim',
                    url: sim.clusters[0].httpUrl,
                    serviceAccountToken: SIM_SA_TOKEN,
                  },
                  {
                    name: 'gpu-hostile',
                    url: `http://127.0.0.1:${
                      (hostile.address() as AddressInfo).port
                    }`,
                    serviceAccountToken: HOSTILE_SA_TOKEN,
                  },
                  {
                    name: 'gpu-gone',
                    url: `http://127.0.0.1:${gonePort}`,
                    serviceAccountToken: GONE_SA_TOKEN,
                  },
                ],
              },
            },
          }),
          createServiceFactory({
            service: coreServices.rootLogger,
            deps: {},
            factory: () => new CapturingLogger(),
          }),
          // the production auth services: tokens are checked for real, the static one from config
          authServiceFactory,
          httpAuthServiceFactory,
          // tasks run when the test triggers them
          createServiceFactory({
            service: coreServices.scheduler,
            deps: {},
            factory: () => scheduler,
          }),
          catalogServiceMock.factory({ entities: GROUP_ENTITIES }),
          mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        ],
      });
      server = backend.server;
    });

    afterAll(async () => {
      for (const spy of consoleSpies) spy.mockRestore();
      await sim?.stop();
      await new Promise(resolve => hostile?.close(resolve));
    });

    const clusters = async () => {
      const res = await request(server)
        .get(`${BASE}/clusters`)
        .set('Authorization', `Bearer ${STATIC_TOKEN}`);
      expect(res.status).toBe(200);
      return new Map<string, any>(res.body.items.map((c: any) => [c.name, c]));
    };

    it('names why a cluster fails by category and status only: no URL, address, path or stack in lastError', async () => {
      const states = await eventually(async () => {
        const current = await clusters();
        expect(current.get('gpu-hostile')?.lastError).toBeDefined();
        expect(current.get('gpu-gone')?.lastError).toBeDefined();
        return current;
      }, 20_000);
      expect(states.get('gpu-hostile')?.lastError).toBe('unauthorised (401)');
      expect(states.get('gpu-gone')?.lastError).toBe('unreachable');
      for (const [name, state] of states) {
        expect({ name, lastError: state.lastError }).not.toEqual({
          name,
          lastError: expect.stringMatching(
            /127\.0\.0\.1|https?:|\/|\bat\b|ECONN|fetch|:\d{2,5}/,
          ),
        });
      }
    });

    it('keeps bearer and service-account tokens out of the log and the answers', async () => {
      // the tokens flow: the simulated cluster syncs with its token, the others fail and are logged
      await eventually(async () => {
        const states = await clusters();
        expect(states.get('gpu-sim')?.state).toBe('synced');
        expect(states.get('gpu-hostile')?.lastError).toBeDefined();
        expect(states.get('gpu-gone')?.lastError).toBeDefined();
      }, 20_000);
      expect(hostileSawTokens).toContain(`Bearer ${HOSTILE_SA_TOKEN}`);

      // scrapes through the API server proxy, a failing API server, and the periodic tasks
      await scheduler.triggerTask('inference-usage-sampler');
      await sim.inject('gpu-sim', { type: 'failRequests', count: 5 });
      await sim.inject('gpu-sim', { type: 'dropWatches' });
      await scheduler.triggerTask('inference-usage-sampler');
      await scheduler.triggerTask('inference-ledger-janitor');
      await scheduler.triggerTask('inference-metrics-cache');

      // every route with the static token, then with forged tokens and bare
      for (const op of specOperations) {
        const res = await call(server, op, `Bearer ${STATIC_TOKEN}`);
        // signed in: answered (404 for the sample's unknown reservation), never refused or failed
        expect([200, 201, 404]).toContain(res.status);
        answers.push(res.text);
        for (const authorization of [
          ...FORGED_TOKENS.map(t => `Bearer ${t}`),
          undefined,
        ]) {
          const refused = await call(server, op, authorization);
          expect(refused.status).toBe(401);
          answers.push(refused.text);
        }
      }
      const invalid = await request(server)
        .post(`${BASE}/reservations`)
        .set('Authorization', `Bearer ${STATIC_TOKEN}`)
        .send({ owner: 'not-a-ref', gpuType: H100, gpus: 'many' });
      expect(invalid.status).toBe(400);
      const cookie = await request(server)
        .get(`${BASE}/workloads`)
        .set('Cookie', `backstage-auth=${FORGED_TOKENS[0]}`);
      expect(cookie.status).toBe(401);
      answers.push(cookie.text, JSON.stringify(await clusters()));

      // the log did record the failures, so the check below looks at real lines
      const log = logLines.join('\n');
      expect(log).toMatch(/gpu-hostile/);
      expect(log).toMatch(/gpu-gone/);
      for (const token of SECRETS) {
        expect({ token, inLog: log.includes(token) }).toEqual({
          token,
          inLog: false,
        });
        expect({
          token,
          inAnswers: answers.some(a => a.includes(token)),
        }).toEqual({ token, inAnswers: false });
      }
    });
  });
});

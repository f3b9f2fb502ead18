import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CLUSTER_PLATFORM_DEFAULT_SOURCES } from '@inference-platform/plugin-inference-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { inferencePlugin } from '../plugin';
import { userInfoFromGroups } from '../__testUtils__/userInfo';

const ADMIN = 'user:default/ana.ruiz';
const CHAT_USER = 'user:default/chen.wei';
const SEARCH_USER = 'user:default/eli.novak';
const NOBODY = 'user:default/nobody';
const CHAT = 'group:default/ml-chat';
const H100 = 'NVIDIA-H100-80GB-HBM3';
const GUEST = 'user:default/guest';
const TYPO = 'NVIDIA-H200-TYPO';

const groups: Record<string, string[]> = {
  [ADMIN]: ['group:default/platform-team'],
  [CHAT_USER]: [CHAT],
  [SEARCH_USER]: ['group:default/ml-search'],
  [NOBODY]: [],
};

// The demo's policy in miniature: quota updates for the platform team, nothing at all for "nobody".
const permissionsFactory = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () => ({
    async authorize(requests: any[], options: any) {
      const user = options.credentials.principal.userEntityRef;
      return requests.map(r => ({
        result:
          user === NOBODY ||
          (r.permission.name === 'inference.quota.update' &&
            user &&
            user !== ADMIN)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }));
    },
    async authorizeConditional() {
      throw new Error('not used');
    },
  }),
});

const as = (user: string) => mockCredentials.user.header(user);
// a token of another plugin or a static token (external access), whose subject config may grant rights
const asService = (subject: string) =>
  mockCredentials.service.header({
    onBehalfOf: mockCredentials.service(subject),
    targetPluginId: 'inference',
  });
const CI_BOT = 'external:ci-bot';
const QUOTA_BOT = 'external:quota-bot';
const PLAIN_BOT = 'external:demo-scripts';

describe('inference REST API', () => {
  // writes per minute and caller: high enough for the tests that write a lot, unless a test sets its own
  async function startBackend(
    rateLimit = { writesPerMinute: 1000 },
    moreInference: object = {},
  ) {
    const { server } = await startTestBackend({
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
                // written before lines were checked: a user and a GPU type that does not exist
                { owner: GUEST, gpuType: TYPO, limit: 4 },
              ],
              metrics: { enabled: false },
              servicePrincipals: [
                { subject: CI_BOT, actForAnyTeam: true },
                { subject: QUOTA_BOT, quotaAdmin: true },
              ],
              rateLimit,
              ...moreInference,
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [
            ...['ml-chat', 'ml-search', 'platform-team'].map(name => ({
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name, namespace: 'default' },
              spec: { type: 'team', children: [] },
            })),
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'User',
              metadata: { name: 'guest', namespace: 'default' },
              spec: {},
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Component',
              metadata: {
                name: 'support-chat-llm',
                namespace: 'default',
                annotations: {
                  'backstage.io/kubernetes-id': 'support-chat-llm',
                },
              },
              spec: {
                type: 'service',
                owner: 'group:default/ml-chat',
                lifecycle: 'production',
              },
            },
          ],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        userInfoFromGroups(groups),
        permissionsFactory,
      ],
    });
    return server;
  }

  // every row has three cells: jest passes `done` in place of a missing one
  const routes: Array<[string, string, object | undefined]> = [
    ['get', '/api/inference/health', undefined],
    [
      'get',
      '/api/inference/entities/component/default/support-chat-llm/summary',
      undefined,
    ],
    ['get', '/api/inference/workloads', undefined],
    ['get', '/api/inference/clusters', undefined],
    ['get', '/api/inference/clusters/gpu-us-east/platform', undefined],
    ['get', '/api/inference/quotas', undefined],
    [
      'put',
      `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`,
      { limit: 4 },
    ],
    [
      'get',
      `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}/audit`,
      undefined,
    ],
    [
      'delete',
      `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`,
      undefined,
    ],
    ['get', '/api/inference/reservations', undefined],
    [
      'get',
      '/api/inference/reservations/00000000-0000-4000-8000-000000000000',
      undefined,
    ],
    [
      'post',
      '/api/inference/reservations',
      { owner: CHAT, gpuType: H100, gpus: 1 },
    ],
    [
      'post',
      '/api/inference/reservations/00000000-0000-4000-8000-000000000000/release',
      undefined,
    ],
    ['get', '/api/inference/usage', undefined],
    ['get', '/api/inference/platform', undefined],
  ];

  it.each(routes)(
    '%s %s without credentials: 401',
    async (method, path, body) => {
      const server = await startBackend();
      const call = (request(server) as any)[method](path);
      const res = await (body ? call.send(body) : call);
      expect(res.status).toBe(401);
    },
  );

  it.each(routes.filter(([, path]) => !path.endsWith('/health')))(
    '%s %s for a user without permission: 403',
    async (method, path, body) => {
      const server = await startBackend();
      const call = (request(server) as any)
        [method](path)
        .set('Authorization', as(NOBODY));
      const res = await (body ? call.send(body) : call);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    },
  );

  it('lets only the platform team change a quota, and audits who did', async () => {
    const server = await startBackend();
    const path = `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`;
    const denied = await request(server)
      .put(path)
      .set('Authorization', as(CHAT_USER))
      .send({ limit: 64 });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe(
      'You need the inference.quota.update permission',
    );

    const changed = await request(server)
      .put(path)
      .set('Authorization', as(ADMIN))
      .send({ limit: 12, reason: 'Q4 launch' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      ownerRef: CHAT,
      gpuType: H100,
      limit: 12,
      updatedBy: ADMIN,
    });

    const audit = await request(server)
      .get(`${path}/audit`)
      .set('Authorization', as(CHAT_USER));
    expect(
      audit.body.items.map((a: any) => [
        a.previousLimit,
        a.newLimit,
        a.changedBy,
      ]),
    ).toEqual([
      [null, 8, 'app-config'],
      [8, 12, ADMIN],
    ]);
    const quotas = await request(server)
      .get(`/api/inference/quotas?owner=${encodeURIComponent(CHAT)}`)
      .set('Authorization', as(CHAT_USER));
    expect(quotas.body.items).toEqual([
      expect.objectContaining({
        owner: CHAT,
        gpuType: H100,
        limit: 12,
        used: 0,
        reserved: 0,
        headroom: 12,
      }),
    ]);
  });

  describe('quota lines name a catalog Group and a known GPU type', () => {
    const put = (server: any, owner: string, gpuType: string, limit = 4) =>
      request(server)
        .put(`/api/inference/quotas/${encodeURIComponent(owner)}/${gpuType}`)
        .set('Authorization', as(ADMIN))
        .send({ limit });
    const remove = (server: any, owner: string, gpuType: string, query = '') =>
      request(server)
        .delete(
          `/api/inference/quotas/${encodeURIComponent(
            owner,
          )}/${gpuType}${query}`,
        )
        .set('Authorization', as(ADMIN));

    it.each([
      [
        'a GPU type neither the catalog nor a pool knows',
        CHAT,
        TYPO,
        `gpuType ${TYPO} is not a GPU type of the GPU catalog or of a tracked pool`,
      ],
      [
        'a GPU type under another name than its label',
        CHAT,
        'h100-80gb-sxm',
        `gpuType h100-80gb-sxm is not a GPU type of the GPU catalog or of a tracked pool; did you mean ${H100}?`,
      ],
      [
        'a group the catalog does not have',
        'group:default/no-such-team',
        H100,
        'owner group:default/no-such-team is not a Group of the catalog',
      ],
      [
        'a user',
        GUEST,
        H100,
        `owner must be a Group of the catalog, not a user: ${GUEST}`,
      ],
    ])(
      'refuses %s with a 400 naming the field',
      async (_what, owner, gpuType, message) => {
        const server = await startBackend();
        const res = await put(server, owner, gpuType);
        expect(res.status).toBe(400);
        expect(res.body.error).toEqual({ name: 'InputError', message });
        const lines = await request(server)
          .get(`/api/inference/quotas?owner=${encodeURIComponent(owner)}`)
          .set('Authorization', as(ADMIN));
        expect(
          lines.body.items.filter((l: any) => l.gpuType === gpuType),
        ).toEqual([]);
      },
    );

    it('accepts a MIG profile of the catalog', async () => {
      const server = await startBackend();
      const res = await put(server, CHAT, 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb');
      expect(res.status).toBe(200);
    });

    it('keeps a line written before the checks visible, and lets the platform team remove it, audited', async () => {
      const server = await startBackend();
      const listed = await request(server)
        .get('/api/inference/quotas')
        .set('Authorization', as(CHAT_USER));
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({ owner: GUEST, gpuType: TYPO, limit: 4 }),
      );

      const refused = await request(server)
        .delete(`/api/inference/quotas/${encodeURIComponent(GUEST)}/${TYPO}`)
        .set('Authorization', as(CHAT_USER));
      expect(refused.status).toBe(403);

      const removed = await remove(server, GUEST, TYPO, '?reason=typo');
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual({
        ownerRef: GUEST,
        gpuType: TYPO,
        previousLimit: 4,
        removedBy: ADMIN,
        removedAt: expect.any(String),
      });
      const after = await request(server)
        .get('/api/inference/quotas')
        .set('Authorization', as(CHAT_USER));
      expect(after.body.items.filter((l: any) => l.owner === GUEST)).toEqual(
        [],
      );
      const audit = await request(server)
        .get(`/api/inference/quotas/${encodeURIComponent(GUEST)}/${TYPO}/audit`)
        .set('Authorization', as(CHAT_USER));
      expect(
        audit.body.items.map((a: any) => [
          a.previousLimit,
          a.newLimit,
          a.changedBy,
          a.reason,
        ]),
      ).toEqual([
        [null, 4, 'app-config', 'seeded from inference.quotas'],
        [4, null, ADMIN, 'typo'],
      ]);
      expect((await remove(server, GUEST, TYPO)).status).toBe(404);
    });

    it('refuses to remove a line while a reservation holds GPUs of it, unless force=true', async () => {
      const server = await startBackend();
      const reserved = await request(server)
        .post('/api/inference/reservations')
        .set('Authorization', as(CHAT_USER))
        .send({ owner: CHAT, gpuType: H100, gpus: 2 });
      expect(reserved.status).toBe(201);

      const held = await remove(server, CHAT, H100);
      expect(held.status).toBe(409);
      expect(held.body.error.message).toBe(
        `${CHAT} holds 2 x ${H100} on this quota (0 charged to running workloads, 2 by pending reservations): remove the line once they are gone, or with force=true (what runs keeps running without a quota; new reservations are refused)`,
      );
      const forced = await remove(server, CHAT, H100, '?force=true');
      expect(forced.status).toBe(200);
      const again = await request(server)
        .post('/api/inference/reservations')
        .set('Authorization', as(CHAT_USER))
        .send({ owner: CHAT, gpuType: H100, gpus: 1 });
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/has no GPU quota/);
    });
  });

  it.each([
    [{ limit: -1 }, /limit/],
    [{ limit: 'eight' }, /limit/],
    [{ limit: 1.5 }, /limit/],
    [{ limit: 4, extra: true }, /additional/i],
    [{}, /limit/],
  ])(
    'refuses quota body %p with a 400 naming the field',
    async (body, message) => {
      const server = await startBackend();
      const res = await request(server)
        .put(`/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`)
        .set('Authorization', as(ADMIN))
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
    },
  );

  it('reserves within quota, replays an idempotency key and refuses beyond the limit with the numbers', async () => {
    const server = await startBackend();
    const reserve = (body: object, user = CHAT_USER) =>
      request(server)
        .post('/api/inference/reservations')
        .set('Authorization', as(user))
        .send(body);

    const first = await reserve({
      owner: CHAT,
      gpuType: H100,
      gpus: 6,
      idempotencyKey: 'task-1',
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      owner: CHAT,
      gpus: 6,
      state: 'pending',
      createdBy: CHAT_USER,
    });
    const replay = await reserve({
      owner: CHAT,
      gpuType: H100,
      gpus: 6,
      idempotencyKey: 'task-1',
    });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);

    const over = await reserve({ owner: CHAT, gpuType: H100, gpus: 4 });
    expect(over.status).toBe(409);
    expect(over.body.error.message).toBe(
      `GPU quota of ${CHAT} for ${H100} would be exceeded: used 0 + reserved 6 + requested 4 = 10 > limit 8 (2 free)`,
    );

    const foreign = await reserve(
      { owner: CHAT, gpuType: H100, gpus: 1 },
      SEARCH_USER,
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(
      /not a member of group:default\/ml-chat/,
    );
  });

  it.each([
    [{ owner: CHAT, gpuType: H100, gpus: 0 }, /gpus/],
    [{ owner: 'ml-chat', gpuType: H100, gpus: 1 }, /owner/],
    [{ owner: CHAT, gpuType: 'bad type!', gpus: 1 }, /gpuType/],
    [{ owner: CHAT, gpuType: H100, gpus: 1, ttlSeconds: 10 }, /ttlSeconds/],
    [
      {
        owner: CHAT,
        gpuType: H100,
        gpus: 1,
        workload: { cluster: 'c', namespace: 'Bad_NS', name: 'x' },
      },
      /namespace/,
    ],
  ])('refuses reservation body %p with a 400', async (body, message) => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/inference/reservations')
      .set('Authorization', as(CHAT_USER))
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it("does not let one team release another team's reservation", async () => {
    const server = await startBackend();
    const created = await request(server)
      .post('/api/inference/reservations')
      .set('Authorization', as(CHAT_USER))
      .send({ owner: CHAT, gpuType: H100, gpus: 2 });
    const release = (user: string) =>
      request(server)
        .post(`/api/inference/reservations/${created.body.id}/release`)
        .set('Authorization', as(user));
    const foreign = await release(SEARCH_USER);
    expect(foreign.status).toBe(403);
    const own = await release(CHAT_USER);
    expect(own.status).toBe(200);
    expect(own.body.state).toBe('released');
    const missing = await request(server)
      .post(
        '/api/inference/reservations/00000000-0000-4000-8000-000000000000/release',
      )
      .set('Authorization', as(CHAT_USER));
    expect(missing.status).toBe(404);

    const byId = await request(server)
      .get(`/api/inference/reservations/${created.body.id}`)
      .set('Authorization', as(SEARCH_USER));
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual(own.body);
    const unknown = await request(server)
      .get('/api/inference/reservations/00000000-0000-4000-8000-000000000000')
      .set('Authorization', as(CHAT_USER));
    expect(unknown.status).toBe(404);
  });

  it('answers 404 for an entity the catalog does not know and 400 for a malformed ref', async () => {
    const server = await startBackend();
    const unknown = await request(server)
      .get('/api/inference/entities/component/default/no-such-service/summary')
      .set('Authorization', as(CHAT_USER));
    expect(unknown.status).toBe(404);
    const malformed = await request(server)
      .get('/api/inference/entities/component/Not_A_Namespace/x/summary')
      .set('Authorization', as(CHAT_USER));
    expect(malformed.status).toBe(400);
    const known = await request(server)
      .get('/api/inference/entities/component/default/support-chat-llm/summary')
      .set('Authorization', as(CHAT_USER));
    expect(known.status).toBe(200);
    expect(known.body).toMatchObject({
      entityRef: 'component:default/support-chat-llm',
      workloads: [],
      findings: [],
    });
  });

  describe('service principals get only what inference.servicePrincipals grants', () => {
    const quotaPath = `/api/inference/quotas/${encodeURIComponent(
      CHAT,
    )}/${H100}`;

    it('lets a service without a grant read, but not reserve, release or change quotas', async () => {
      const server = await startBackend();
      const reads = await request(server)
        .get('/api/inference/quotas')
        .set('Authorization', asService(PLAIN_BOT));
      expect(reads.status).toBe(200);

      const reserve = await request(server)
        .post('/api/inference/reservations')
        .set('Authorization', asService(PLAIN_BOT))
        .send({ owner: CHAT, gpuType: H100, gpus: 1 });
      expect(reserve.status).toBe(403);
      expect(reserve.body.error.message).toBe(
        `${PLAIN_BOT} is a service and may not reserve GPUs for ${CHAT}: grant it actForAnyTeam in inference.servicePrincipals`,
      );

      const created = await request(server)
        .post('/api/inference/reservations')
        .set('Authorization', as(CHAT_USER))
        .send({ owner: CHAT, gpuType: H100, gpus: 1 });
      expect(created.status).toBe(201);
      const release = await request(server)
        .post(`/api/inference/reservations/${created.body.id}/release`)
        .set('Authorization', asService(PLAIN_BOT));
      expect(release.status).toBe(403);

      for (const subject of [PLAIN_BOT, CI_BOT]) {
        const quota = await request(server)
          .put(quotaPath)
          .set('Authorization', asService(subject))
          .send({ limit: 64 });
        expect(quota.status).toBe(403);
        expect(quota.body.error.message).toBe(
          `${subject} is a service and holds inference.quota.update only when inference.servicePrincipals grants it quotaAdmin`,
        );
      }
      const quotas = await request(server)
        .get('/api/inference/quotas')
        .set('Authorization', as(CHAT_USER));
      expect(quotas.body.items[0]).toMatchObject({ limit: 8, reserved: 1 });
    });

    it('lets a service granted actForAnyTeam reserve and release for any team', async () => {
      const server = await startBackend();
      const reserve = await request(server)
        .post('/api/inference/reservations')
        .set('Authorization', asService(CI_BOT))
        .send({ owner: CHAT, gpuType: H100, gpus: 2 });
      expect(reserve.status).toBe(201);
      expect(reserve.body.createdBy).toBe(CI_BOT);
      const release = await request(server)
        .post(`/api/inference/reservations/${reserve.body.id}/release`)
        .set('Authorization', asService(CI_BOT));
      expect(release.status).toBe(200);
    });

    it('lets a service granted quotaAdmin change quotas, audited under its subject', async () => {
      const server = await startBackend();
      const quota = await request(server)
        .put(quotaPath)
        .set('Authorization', asService(QUOTA_BOT))
        .send({ limit: 16 });
      expect(quota.status).toBe(200);
      expect(quota.body).toMatchObject({ limit: 16, updatedBy: QUOTA_BOT });
    });
  });

  describe('platform settings of a cluster', () => {
    // two tracked clusters (unreachable: the settings come from config, not from the cluster)
    const startWithPlatform = () =>
      startBackend(undefined, {
        clusters: ['gpu-us-east', 'gpu-eu-west'].map(name => ({
          name,
          url: 'http://127.0.0.1:9',
        })),
        platform: {
          defaults: {
            downloadMiBps: 200,
            ingress: { domain: 'demo.internal' },
          },
          clusters: {
            'gpu-us-east': {
              modelCache: {
                mode: 'shared',
                storageClassName: 'efs-sc',
                accessMode: 'ReadWriteMany',
              },
            },
          },
        },
      });

    it("answers a cluster's settings, a summary in words and the source of each setting", async () => {
      const server = await startWithPlatform();
      const res = await request(server)
        .get('/api/inference/clusters/gpu-us-east/platform')
        .set('Authorization', as(CHAT_USER));
      expect(res.status).toBe(200);
      expect(res.body.cluster).toBe('gpu-us-east');
      expect(res.body.settings).toMatchObject({
        prometheusUrl: 'http://prometheus-operated.monitoring.svc:9090',
        downloadMiBps: 200,
        modelCache: { mode: 'shared', storageClassName: 'efs-sc' },
      });
      expect(res.body.summary).toContain(
        'model cache: one shared efs-sc volume (ReadWriteMany): downloaded once',
      );
      expect(res.body.sources).toMatchObject({
        'modelCache.mode':
          'inference.platform.clusters.gpu-us-east.modelCache.mode',
        downloadMiBps: 'inference.platform.defaults.downloadMiBps',
        'ingress.domain': 'inference.platform.defaults.ingress.domain',
        'ingress.namespace': CLUSTER_PLATFORM_DEFAULT_SOURCES.ingress,
        prometheusUrl: CLUSTER_PLATFORM_DEFAULT_SOURCES.prometheusUrl,
      });
    });

    it('gives a tracked cluster that inference.platform does not name the fleet defaults', async () => {
      const server = await startWithPlatform();
      const res = await request(server)
        .get('/api/inference/clusters/gpu-eu-west/platform')
        .set('Authorization', asService(PLAIN_BOT));
      expect(res.status).toBe(200);
      expect(res.body.settings.modelCache).toEqual({
        mode: 'per-replica',
        storageClassName: 'gp2',
        accessMode: 'ReadWriteOnce',
      });
      expect(res.body.sources['modelCache.mode']).toBe(
        CLUSTER_PLATFORM_DEFAULT_SOURCES.modelCache,
      );
    });

    it('answers 404 for a cluster the backend does not track, 400 for a malformed name', async () => {
      const server = await startWithPlatform();
      const unknown = await request(server)
        .get('/api/inference/clusters/gpu-ap-south/platform')
        .set('Authorization', as(CHAT_USER));
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({
        name: 'NotFoundError',
        message: 'No tracked cluster is named gpu-ap-south',
      });
      const malformed = await request(server)
        .get('/api/inference/clusters/-bad_name/platform')
        .set('Authorization', as(CHAT_USER));
      expect(malformed.status).toBe(400);
    });
  });

  describe('bounded reads', () => {
    it('pages reservations newest first with limit, nextCursor and totalCount, and answers at most 100 by default', async () => {
      const server = await startBackend();
      const admin = (req: request.Test) => req.set('Authorization', as(ADMIN));
      await admin(
        request(server).put(
          `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`,
        ),
      ).send({ limit: 1000 });
      const created: string[] = [];
      for (let i = 0; i < 105; i++) {
        const res = await admin(
          request(server).post('/api/inference/reservations'),
        ).send({ owner: CHAT, gpuType: H100, gpus: 1 });
        expect(res.status).toBe(201);
        created.push(res.body.id);
      }

      const unbounded = await admin(
        request(server).get('/api/inference/reservations'),
      );
      expect(unbounded.body.items).toHaveLength(100);
      expect(unbounded.body.totalCount).toBe(105);
      expect(unbounded.body.nextCursor).toEqual(expect.any(String));

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const res = await admin(
          request(server)
            .get('/api/inference/reservations')
            .query({ owner: CHAT, limit: '40', ...(cursor ? { cursor } : {}) }),
        );
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(40);
        expect(res.body.totalCount).toBe(105);
        seen.push(...res.body.items.map((r: any) => r.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toHaveLength(105);
      expect(new Set(seen)).toEqual(new Set(created));
      expect(seen[0]).toBe(created[104]);
    });

    it('pages the audit log of a quota oldest first', async () => {
      const server = await startBackend();
      const path = `/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`;
      for (const limit of [9, 10, 11]) {
        await request(server)
          .put(path)
          .set('Authorization', as(ADMIN))
          .send({ limit });
      }
      const first = await request(server)
        .get(`${path}/audit?limit=3`)
        .set('Authorization', as(CHAT_USER));
      expect(first.body.items.map((a: any) => a.newLimit)).toEqual([8, 9, 10]);
      expect(first.body.totalCount).toBe(4);
      const rest = await request(server)
        .get(`${path}/audit?limit=3&cursor=${first.body.nextCursor}`)
        .set('Authorization', as(CHAT_USER));
      expect(rest.body.items.map((a: any) => a.newLimit)).toEqual([11]);
      expect(rest.body.nextCursor).toBeUndefined();
    });

    it.each([
      ['/api/inference/reservations?limit=1001', /limit/],
      ['/api/inference/reservations?limit=0', /limit/],
      ['/api/inference/reservations?cursor=not-one-of-ours', /cursor/],
      [
        `/api/inference/quotas/${encodeURIComponent(
          CHAT,
        )}/${H100}/audit?cursor=eyJ0IjoxfQ`,
        /cursor/,
      ],
    ])('refuses %s with a 400 naming the parameter', async (url, message) => {
      const server = await startBackend();
      const res = await request(server)
        .get(url)
        .set('Authorization', as(ADMIN));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
    });

    const ENTITY = encodeURIComponent('component:default/support-chat-llm');
    const usage = async (query: string) => {
      const server = await startBackend();
      return request(server)
        .get(`/api/inference/usage?${query}`)
        .set('Authorization', as(CHAT_USER));
    };
    it.each([
      'granularity=hour',
      'granularity=hour&days=2',
      `granularity=hour&days=7&entityRef=${ENTITY}`,
      `granularity=hour&days=7&owner=${encodeURIComponent(CHAT)}`,
      'granularity=day&days=92',
      `granularity=day&days=365&owner=${encodeURIComponent(CHAT)}`,
      'days=30',
    ])('answers GET /usage?%s', async query => {
      expect((await usage(query)).status).toBe(200);
    });

    it.each([
      'granularity=hour&days=3',
      'granularity=hour&days=14',
      `granularity=hour&days=8&owner=${encodeURIComponent(CHAT)}`,
      'granularity=day&days=365',
    ])('refuses GET /usage?%s with a 400 naming days', async query => {
      const res = await usage(query);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(
        /^days must be at most \d+ with granularity=(hour|day)/,
      );
    });
  });

  it('limits writes per caller: a 429 with Retry-After past inference.rateLimit.writesPerMinute, others unaffected', async () => {
    const server = await startBackend({ writesPerMinute: 3 });
    const reserve = (user: string) =>
      request(server)
        .post('/api/inference/reservations')
        .set('Authorization', as(user))
        .send({ owner: CHAT, gpuType: H100, gpus: 1 });
    const granted = [];
    for (let i = 0; i < 3; i++) granted.push(await reserve(CHAT_USER));
    expect(granted.map(r => r.status)).toEqual([201, 201, 201]);

    const limited = await reserve(CHAT_USER);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(20);
    expect(limited.body.error).toMatchObject({
      name: 'TooManyRequestsError',
      message: `${CHAT_USER} made more than 3 writes in a minute; retry in ${limited.headers['retry-after']} s`,
    });
    const release = await request(server)
      .post(`/api/inference/reservations/${granted[0].body.id}/release`)
      .set('Authorization', as(CHAT_USER));
    expect(release.status).toBe(429);

    // reads are not limited, nor are other callers' writes
    const reads = await request(server)
      .get('/api/inference/reservations')
      .set('Authorization', as(CHAT_USER));
    expect(reads.status).toBe(200);
    expect(reads.body.totalCount).toBe(3);
    const quota = await request(server)
      .put(`/api/inference/quotas/${encodeURIComponent(CHAT)}/${H100}`)
      .set('Authorization', as(ADMIN))
      .send({ limit: 9 });
    expect(quota.status).toBe(200);
  });

  it('tells only admins which database and migration the store runs; others see status and reachability', async () => {
    const server = await startBackend();
    const health = (authorization: string) =>
      request(server)
        .get('/api/inference/health')
        .set('Authorization', authorization);
    for (const authorization of [
      as(CHAT_USER),
      as(NOBODY),
      asService(PLAIN_BOT),
      asService(CI_BOT),
    ]) {
      const res = await health(authorization);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', database: { reachable: true } });
    }
    for (const authorization of [as(ADMIN), asService(QUOTA_BOT)]) {
      const res = await health(authorization);
      expect(res.body).toEqual({
        status: 'ok',
        database: {
          client: 'better-sqlite3',
          reachable: true,
          latestMigration: expect.stringMatching(/^\d{14}_[a-z_]+\.js$/),
        },
      });
    }
  });
});

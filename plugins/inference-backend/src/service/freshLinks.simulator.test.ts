import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { InMemoryCatalogClient } from '@backstage/catalog-client/testUtils';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { EntityInferenceSummary } from '@inference-platform/plugin-inference-common';
import request from 'supertest';
import {
  eventually,
  oneServiceScenario,
} from '../__testUtils__/simulatedFleet';
import { inferencePlugin } from '../plugin';

jest.setTimeout(90_000);

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'ml-chat' },
});

/**
 * A service the template registers (inference:entity:register writes its catalog-info.yaml, the catalog serves it)
 * is linked to its running workload the moment its page asks, not at the next catalog-link refresh 30 s later; and
 * an entity without workloads says why instead of "Healthy: 0 workloads".
 */
describe('entities registered while the backend runs', () => {
  let sim: SimulatorHandle;
  let server: any;
  // the catalog as it is now: a test adds entities as the catalog module would
  const catalogEntities: Entity[] = [
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: 'ml-chat', namespace: 'default' },
      spec: { type: 'team', children: [] },
    },
    // known from the start, and nothing runs for it
    component('retired-bot'),
  ];
  const catalogFactory = createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => {
      const now = () =>
        new InMemoryCatalogClient({ entities: catalogEntities });
      return {
        getEntities: (...args: any[]) => (now().getEntities as any)(...args),
        getEntityByRef: (...args: any[]) =>
          (now().getEntityByRef as any)(...args),
        getEntitiesByRefs: (...args: any[]) =>
          (now().getEntitiesByRefs as any)(...args),
        queryEntities: (...args: any[]) =>
          (now().queryEntities as any)(...args),
      } as Partial<CatalogService> as CatalogService;
    },
  });

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: oneServiceScenario('fresh-links'),
      controlPort: false,
      clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
    });
    const backend = await startTestBackend({
      features: [
        inferencePlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            inference: {
              catalogRefreshSeconds: 30,
              metrics: { enabled: false },
              tenancy: {
                teams: [{ owner: 'ml-chat', namespaces: ['ml-chat'] }],
              },
              clusters: sim.clusters.map(c => ({
                name: c.name,
                url: c.httpUrl,
                serviceAccountToken: c.token,
              })),
            },
          },
        }),
        catalogFactory,
        // the real scheduler: the catalog links refresh on their 30 s cadence, as in production
        schedulerServiceFactory,
      ],
    });
    server = backend.server;
    // synced, and the first catalog-link refresh is done: faq-bot runs, linked to no entity
    await eventually(async () => {
      const res = await request(server)
        .get('/api/inference/workloads')
        .set('Authorization', mockCredentials.user.header());
      const [only, ...others] = res.body.items ?? [];
      if (
        only?.name !== 'faq-bot' ||
        only.owner !== 'group:default/ml-chat' ||
        only.entityRef ||
        others.length
      ) {
        throw new Error(`workloads: ${JSON.stringify(res.body.items)}`);
      }
    }, 30_000);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const summary = async (name: string): Promise<EntityInferenceSummary> => {
    const res = await request(server)
      .get(`/api/inference/entities/component/default/${name}/summary`)
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  };

  it('links a service registered now to its running workload within 2 s of the first look at its page', async () => {
    catalogEntities.push(component('faq-bot'));
    const registeredAt = Date.now();
    const linked = await eventually(
      async () => {
        const s = await summary('faq-bot');
        expect(s.workloads.map(w => w.name)).toEqual(['faq-bot']);
        return s;
      },
      2_000,
      200,
    );
    expect(Date.now() - registeredAt).toBeLessThan(2_000);
    expect(linked.owner).toBe('group:default/ml-chat');
    expect(linked.nothingRunning).toBeUndefined();
  });

  it('says a new service is still linking, not what to fix, while its workload is not seen yet', async () => {
    catalogEntities.push(component('new-bot'));
    const s = await summary('new-bot');
    expect(s.workloads).toEqual([]);
    expect(s.nothingRunning).toEqual({
      state: 'linking',
      message:
        'Linking component:default/new-bot: no workload labelled backstage.io/kubernetes-id=new-bot is running yet in gpu-sim; a new service shows here as soon as its workload is seen',
      clusters: ['gpu-sim'],
    });
  });

  it('says plainly that nothing runs for an entity known from the start, naming where it looked', async () => {
    const s = await summary('retired-bot');
    expect(s.workloads).toEqual([]);
    expect(s.findings).toEqual([]);
    expect(s.nothingRunning).toEqual({
      state: 'not-running',
      message:
        'Nothing is running: no workload labelled backstage.io/kubernetes-id=retired-bot in gpu-sim (synced)',
      clusters: ['gpu-sim'],
    });
  });
});

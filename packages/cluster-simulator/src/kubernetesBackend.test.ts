/*
 * Backstage's own Kubernetes backend (@backstage/plugin-kubernetes-backend)
 * configured with the simulator's clusters returns an example entity's
 * workloads: the same objects the simulator holds.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import kubernetesPlugin from '@backstage/plugin-kubernetes-backend';
import request from 'supertest';
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'support-chat-llm',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'support-chat-llm' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/ml-chat',
    lifecycle: 'production',
  },
};

// the Kubernetes plugin fans out over every cluster per request: on a busy machine that takes longer than 5 s
jest.setTimeout(60_000);

describe('@backstage/plugin-kubernetes-backend against the simulator', () => {
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    await sim.advance(120_000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  async function backend() {
    const clusters = sim.clusters.map(c => ({
      name: c.name,
      url: c.httpUrl,
      authProvider: 'serviceAccount',
      serviceAccountToken: c.token,
      skipTLSVerify: true,
    }));
    const { server } = await startTestBackend({
      features: [
        kubernetesPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              serviceLocatorMethod: { type: 'multiTenant' },
              clusterLocatorMethods: [{ type: 'config', clusters }],
            },
          },
        }),
      ],
    });
    return server;
  }

  it('answers the workloads query route for the entity ref', async () => {
    const res = await request(await backend())
      .post('/api/kubernetes/resources/workloads/query')
      .send({ entityRef: 'component:default/support-chat-llm' });
    expect(res.status).toBe(200);
    const [east] = res.body.items;
    expect(east.cluster.name).toBe('gpu-us-east');
    const deployments = east.resources.find(
      (r: { type: string }) => r.type === 'deployments',
    ).resources;
    expect(deployments[0].metadata.labels['backstage.io/kubernetes-id']).toBe(
      'support-chat-llm',
    );
  });

  it('returns the entity pods, deployment, service and pod metrics from the cluster that runs it', async () => {
    const server = await backend();
    const res = await request(server)
      .post('/api/kubernetes/services/support-chat-llm')
      .send({ entity });
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      (
        res.body.items as Array<{
          cluster: { name: string };
          resources: Array<{ type: string; resources: any[] }>;
          errors: unknown[];
        }>
      ).map(i => [i.cluster.name, i]),
    );
    // the plugin leaves out clusters where the entity has no objects
    expect(Object.keys(byName)).toEqual(['gpu-us-east']);
    const east = byName['gpu-us-east'];
    const of = (type: string) =>
      east.resources.find(r => r.type === type)?.resources ?? [];
    const expectedPods = Array.from(
      sim
        .cluster('gpu-us-east')
        .store.table(resourceById('core/pods'))
        .values('ml-chat'),
      s => JSON.parse(s.json),
    ).filter(
      p =>
        p.metadata.labels['backstage.io/kubernetes-id'] === 'support-chat-llm',
    );
    expect(
      of('pods')
        .map(p => p.metadata.name)
        .sort(),
    ).toEqual(expectedPods.map(p => p.metadata.name).sort());
    expect(of('pods').every(p => p.status.phase === 'Running')).toBe(true);
    expect(of('deployments').map(d => d.metadata.name)).toEqual([
      'support-chat-llm',
    ]);
    expect(of('services').map(d => d.metadata.name)).toEqual([
      'support-chat-llm',
    ]);
    expect(of('replicasets')).toHaveLength(1);
    expect(east.errors).toEqual([]);
    // pod metrics come from the simulated metrics.k8s.io
    expect(
      (
        east as unknown as {
          podMetrics: Array<{ pod: { metadata: { name: string } } }>;
        }
      ).podMetrics
        .map(m => m.pod.metadata.name)
        .sort(),
    ).toEqual(expectedPods.map(p => p.metadata.name).sort());
  });
});

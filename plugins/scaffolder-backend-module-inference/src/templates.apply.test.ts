import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import request from 'supertest';
import { startScaffolderBackend } from './__testUtils__/scaffolderBackend';
import {
  eventually,
  runTemplateTask,
  waitForTemplate,
} from './__testUtils__/tasks';
import { VLLM_FORM } from './__testUtils__/vllmForm';

jest.setTimeout(240_000);

const PIN = `sha256:${'a1'.repeat(32)}`;
const USER = 'user:default/chen.wei';
const auth = mockCredentials.user.header(USER);

/**
 * Real (not dry) scaffolder tasks of the vLLM template, started the way the app starts them: the template comes
 * from the catalog, the manifests are applied to a simulated cluster, the entity is registered in the real catalog.
 */
describe('vllm-model-service template (apply to the simulator)', () => {
  let sim: SimulatorHandle;
  let server: any;

  beforeAll(async () => {
    // the simulated clock runs 30x faster than real time, so a model loads in seconds
    sim = await startSimulator({
      scenario: 'demo',
      clock: { speed: 30 },
      controlPort: false,
    });
    server = await startScaffolderBackend({
      sim,
      realCatalog: true,
      extraConfig: {
        catalogRefreshSeconds: 1,
        // ml-chat-staging is granted to the team but does not exist in the cluster
        tenancy: {
          teams: [
            {
              owner: 'ml-chat',
              namespaces: ['ml-chat', 'ml-chat-staging'],
              clusters: ['gpu-us-east'],
            },
          ],
        },
        quotas: [
          { owner: 'ml-chat', gpuType: 'NVIDIA-H100-80GB-HBM3', limit: 24 },
          { owner: 'ml-chat', gpuType: 'NVIDIA-L4', limit: 6 },
        ],
        images: {
          pins: [
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.10.1.1',
              digest: PIN,
            },
          ],
        },
      },
    });
    await waitForTemplate(server, 'vllm-model-service', USER);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const values = { ...VLLM_FORM, gpuType: 'NVIDIA-L4' };

  /** Runs a task of the vLLM template as the user to its end; returns its status and log. */
  const runTask = (taskValues: Record<string, unknown>) =>
    runTemplateTask(
      server,
      USER,
      'template:default/vllm-model-service',
      taskValues,
    );

  const reservationsOf = async (entityRef: string) => {
    const res = await request(server)
      .get(
        `/api/inference/reservations?owner=${encodeURIComponent(
          'group:default/ml-chat',
        )}`,
      )
      .set('Authorization', auth);
    expect(`${res.status} ${JSON.stringify(res.body)}`).toMatch(/^200 /);
    return (res.body.items as any[]).filter(
      r => r.workload?.name === entityRef.split('/')[1],
    );
  };

  it('applies the service: the workload serves, the reservation is confirmed, the entity summary shows it', async () => {
    const { status, log } = await runTask(values);
    expect(`${status}\n${log}`).toMatch(/^completed/);
    expect(log).toMatch(/Rollout complete/);
    expect(log).toMatch(/Registered component:default\/faq-bot/);

    // the workload is tracked through the watches, with its pods ready on L4 nodes
    const workload = await eventually(
      'the workload with ready pods',
      async () => {
        const res = await request(server)
          .get('/api/inference/workloads?cluster=gpu-us-east')
          .set('Authorization', auth);
        const found = (res.body.items as any[]).find(
          w => w.namespace === 'ml-chat' && w.name === 'faq-bot',
        );
        return found?.replicas.ready >= 1 ? found : undefined;
      },
    );
    expect(workload.gpuType).toBe('NVIDIA-L4');
    expect(workload.imageDigestPinned).toBe(true);
    expect(workload.image).toBe(`docker.io/vllm/vllm-openai@${PIN}`);
    expect(workload.autoscaler.kind).toBe('ScaledObject');

    // the janitor confirms the reservation once the workload it names exists
    const [reservation] = await eventually(
      'the reservation confirmed',
      async () => {
        const items = await reservationsOf('component:default/faq-bot');
        return items.length && items.every(r => r.state === 'confirmed')
          ? items
          : undefined;
      },
    );
    // the reservation also held the GPUs of the replica a rollout surges (maxSurge 1), checked against the quota
    // before anything was applied; the running charge is the ceiling
    expect(reservation).toMatchObject({
      gpuType: 'NVIDIA-L4',
      gpus: workload.quotaCharge + workload.gpusPerReplica,
      workload: {
        cluster: 'gpu-us-east',
        namespace: 'ml-chat',
        name: 'faq-bot',
      },
    });

    // the registered entity is in the catalog and its summary carries the workload and the L4 quota line
    const summary = await eventually(
      'the entity summary with the workload',
      async () => {
        const res = await request(server)
          .get('/api/inference/entities/component/default/faq-bot/summary')
          .set('Authorization', auth);
        return res.status === 200 && res.body.workloads.length
          ? res.body
          : undefined;
      },
    );
    expect(summary.workloads[0]).toMatchObject({
      entityRef: 'component:default/faq-bot',
      owner: 'group:default/ml-chat',
      name: 'faq-bot',
    });
    expect(summary.quota).toEqual([
      expect.objectContaining({ gpuType: 'NVIDIA-L4', limit: 6 }),
    ]);
  });

  it('refuses a service beyond the quota without holding any GPUs', async () => {
    // faq-bot holds 2 of the 6 L4s above; 3 replicas of 2 GPUs and the one a rollout surges would need 8 more
    const { status, log } = await runTask({
      ...values,
      name: 'faq-bot-large',
      maxModelLen: 32768,
      concurrency: 4,
      maxReplicas: 3,
    });
    expect(status).toBe('failed');
    expect(log).toMatch(
      /GPU quota of group:default\/ml-chat for NVIDIA-L4 would be exceeded: used \d+ \+ reserved \d+ \+ requested 8 = \d+ > limit 6/,
    );
    expect(await reservationsOf('component:default/faq-bot-large')).toEqual([]);
  });

  it('gives the reservation back when the cluster refuses the manifests', async () => {
    // the team may use the namespace, but it does not exist in the cluster: the API server refuses the objects
    // after the GPUs are reserved
    const { status, log } = await runTask({
      ...values,
      name: 'faq-bot-nowhere',
      namespace: 'ml-chat-staging',
      maxReplicas: 1,
    });
    expect(status).toBe('failed');
    expect(log).toMatch(/gpu-us-east refused the manifests: .*ml-chat-staging/);
    expect(log).toMatch(/reservation \S+ released/);
    const items = await reservationsOf('component:default/faq-bot-nowhere');
    expect(items.map(r => r.state)).toEqual(['released']);
  });

  it('refuses a namespace the team was not granted before reserving anything', async () => {
    const { status, log } = await runTask({
      ...values,
      name: 'faq-bot-elsewhere',
      namespace: 'ml-search',
      maxReplicas: 1,
    });
    expect(status).toBe('failed');
    expect(log).toMatch(
      /group:default\/ml-chat may not deploy to namespace ml-search/,
    );
    expect(await reservationsOf('component:default/faq-bot-elsewhere')).toEqual(
      [],
    );
  });
});

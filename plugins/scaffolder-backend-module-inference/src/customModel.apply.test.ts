import { mockCredentials } from '@backstage/backend-test-utils';
import {
  resourceById,
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import {
  repoRoot,
  startScaffolderBackend,
} from './__testUtils__/scaffolderBackend';
import {
  eventually,
  runTemplateTask,
  waitForTemplate,
} from './__testUtils__/tasks';
import { VLLM_FORM } from './__testUtils__/vllmForm';

jest.setTimeout(240_000);

const PIN = `sha256:${'c3'.repeat(32)}`;
const USER = 'user:default/chen.wei';
const CONFIGS = path.join(
  repoRoot,
  'plugins/inference-common/src/planner/__fixtures__/hf-configs',
);

/**
 * A model outside the catalog, end to end through the real scaffolder: the vLLM template takes any Hugging Face id,
 * the planner sizes it from the config.json the platform's model source serves (here a local server in the hub's
 * URL layout), and the service is applied to a simulated cluster and serves.
 */
describe('vllm-model-service with a model outside the catalog', () => {
  let sim: SimulatorHandle;
  let server: any;
  let hub: http.Server;
  const hubRequests: string[] = [];

  beforeAll(async () => {
    hub = http.createServer((req, res) => {
      hubRequests.push(req.url!);
      const match = /^\/([^/]+)\/([^/]+)\/resolve\/main\/config\.json$/.exec(
        req.url!,
      );
      const file = match && path.join(CONFIGS, `${match[1]}__${match[2]}.json`);
      if (!file || !fs.existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>(resolve => hub.listen(0, '127.0.0.1', resolve));
    const { port } = hub.address() as AddressInfo;

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
        modelSource: { baseUrl: `http://127.0.0.1:${port}` },
        tenancy: {
          teams: [
            {
              owner: 'ml-chat',
              namespaces: ['ml-chat'],
              clusters: ['gpu-us-east'],
            },
          ],
        },
        quotas: [
          { owner: 'ml-chat', gpuType: 'NVIDIA-H100-80GB-HBM3', limit: 24 },
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
    hub?.close();
  });

  it('sizes Qwen3-8B from its fetched config.json and applies a service that serves', async () => {
    const { status, log } = await runTemplateTask(
      server,
      USER,
      'template:default/vllm-model-service',
      {
        ...VLLM_FORM,
        name: 'qwen3-chat',
        model: 'custom',
        customModel: 'Qwen/Qwen3-8B',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
      },
    );
    expect(`${status}\n${log}`).toMatch(/^completed/);
    expect(hubRequests).toContain('/Qwen/Qwen3-8B/resolve/main/config.json');
    // the planner says what it read: the config's 36 full-attention layers, in bf16
    expect(log).toMatch(
      /Model Qwen\/Qwen3-8B: qwen3, 36 layers \(36 full attention\), bf16 weights/,
    );
    expect(log).toMatch(/Rollout complete/);

    const workload = await eventually(
      'the workload with ready pods',
      async () => {
        const res = await request(server)
          .get('/api/inference/workloads?cluster=gpu-us-east')
          .set('Authorization', mockCredentials.user.header(USER));
        const found = (res.body.items as any[]).find(
          w => w.namespace === 'ml-chat' && w.name === 'qwen3-chat',
        );
        return found?.replicas.ready >= 1 ? found : undefined;
      },
    );
    expect(workload).toMatchObject({
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      gpusPerReplica: 1,
    });
    expect(workload.model).toBe('Qwen/Qwen3-8B');
    // the Deployment keeps the numbers the plan used, so the health card's advice sizes the same model
    const deployment = sim
      .cluster('gpu-us-east')
      .store.getObject(
        resourceById('apps/deployments'),
        'ml-chat',
        'qwen3-chat',
      );
    const recorded = JSON.parse(
      deployment?.metadata?.annotations?.[
        'inference-platform.io/model-architecture'
      ] ?? '{}',
    );
    expect(recorded).toMatchObject({
      numHiddenLayers: 36,
      numKeyValueHeads: 8,
      headDim: 128,
    });
  });

  it('refuses a model the source does not have, saying where it looked', async () => {
    const { status, log } = await runTemplateTask(
      server,
      USER,
      'template:default/vllm-model-service',
      {
        ...VLLM_FORM,
        name: 'ghost-chat',
        model: 'custom',
        customModel: 'acme/no-such-model',
      },
    );
    expect(status).toBe('failed');
    expect(log).toMatch(
      /Could not fetch the config.json of acme\/no-such-model from http:\/\/127\.0\.0\.1:\d+\/acme\/no-such-model\/resolve\/main\/config\.json: no such model or revision/,
    );
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import { EntityInferenceSummary } from '@inference-platform/plugin-inference-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import {
  eventually,
  exampleEntities,
  startDemoFleet,
} from '../__testUtils__/simulatedFleet';
import { inferencePlugin } from '../plugin';

jest.setTimeout(90_000);

/** The demo's own `inference` config block (quotas, SaaS prices), so the test checks what `npm start` runs. */
function demoInferenceConfig() {
  // eslint-disable-next-line no-restricted-syntax -- tests run from source
  const file = path.resolve(__dirname, '../../../../app-config.yaml');
  return yaml.parse(fs.readFileSync(file, 'utf8')).inference;
}

/**
 * The whole plugin against the demo scenario: every example service's summary shows the situation the scenario gave
 * it, through the REST API, with the demo's quotas and the direct-scrape metrics.
 */
describe('entity summaries of the demo', () => {
  let sim: SimulatorHandle;
  let server: any;
  let ticker: NodeJS.Timeout | undefined;
  const summary = async (
    name: string,
    kind = 'component',
  ): Promise<EntityInferenceSummary> => {
    const res = await request(server)
      .get(`/api/inference/entities/${kind}/default/${name}/summary`)
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/chen.wei'),
      );
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    // three minutes in, every model has loaded or failed; then simulated time follows wall time
    sim = await startDemoFleet();
    ticker = setInterval(() => void sim.advance(1000), 1000);
    const backend = await startTestBackend({
      features: [
        inferencePlugin,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: sim.clusters.map(c => ({
                    name: c.name,
                    url: c.url,
                    authProvider: 'serviceAccount',
                    serviceAccountToken: c.token,
                  })),
                },
              ],
            },
            inference: {
              ...demoInferenceConfig(),
              metrics: { source: 'direct', intervalSeconds: 2 },
            },
          },
        }),
        catalogServiceMock.factory({ entities: exampleEntities() }),
        // the real scheduler: the sampler and the metrics cache run on their cadence, as in production
        schedulerServiceFactory,
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    clearInterval(ticker);
    await sim?.stop();
  });

  it('shows the CUDA OOM crash loop of the code assistant, most severe first', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('code-assistant-llm');
        expect(body.findings[0]?.kind).toBe('cuda-oom');
        // the pods may be listed before the cluster's other resources: the summary says 'syncing' until they all are
        expect(body.clusters.map(c => [c.name, c.state])).toEqual([
          ['gpu-us-east', 'synced'],
        ]);
        return body;
      },
      30_000,
      500,
    );
    expect(s.workloads).toHaveLength(1);
    expect(s.findings[0].severity).toBe('critical');
    expect(s.owner).toBe('group:default/ml-chat');
  });

  it('shows the summariser pending on GPUs and its owner at the quota limit', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('doc-summariser');
        expect(body.findings.map(f => f.kind)).toContain('insufficient-gpu');
        return body;
      },
      30_000,
      500,
    );
    expect(s.quota).toEqual([
      expect.objectContaining({
        owner: 'group:default/ml-batch',
        gpuType: 'NVIDIA-A100-SXM4-80GB',
        limit: 16,
        used: 16,
        headroom: 0,
      }),
    ]);
  });

  it('shows the re-ranker near its platform quota, and blocked today by its namespace quota', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('search-reranker');
        expect(body.capacity?.loadUnit).toBe('requests/s');
        expect(body.workloads[0]?.replicas.desired).toBe(8);
        return body;
      },
      30_000,
      500,
    );
    expect(s.quota).toEqual([
      expect.objectContaining({
        gpuType: 'NVIDIA-A100-SXM4-80GB',
        limit: 9,
        used: 8,
        headroom: 1,
      }),
    ]);
    // its autoscaler wants 8 replicas; the namespace's ResourceQuota (4 GPUs) let 4 pods be created
    expect(s.capacity).toMatchObject({
      verdict: 'blocked',
      binding: 'namespace-quota',
      loadMultiplier: 10,
    });
    expect(s.capacity!.explanation).toMatch(/namespace ResourceQuota/);
  });

  it('shows the vision classifier nearly idle: most of its GPU spend is idle', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('vision-classifier');
        expect(body.cost.last7d.summary.gpuHours).toBeGreaterThan(0);
        return body;
      },
      30_000,
      500,
    );
    expect(s.cost.last7d.summary.idlePercent).toBeGreaterThan(80);
    expect(s.cost.last7d.summary.byGpuType[0]).toMatchObject({
      gpuType: 'Tesla-T4',
      usdPerGpuHour: 0.526,
      isDefaultPrice: true,
    });
  });

  it('shows the healthy chat model with its cost per million tokens next to the hosted API', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('support-chat-llm');
        expect(body.cost.last7d.summary.tokens.outputTokens).toBeGreaterThan(0);
        return body;
      },
      30_000,
      500,
    );
    expect(s.findings.filter(f => f.severity === 'critical')).toEqual([]);
    expect(s.workloads[0].metrics).toMatchObject({
      kvCacheUsage: expect.any(Number),
      requestsRunning: expect.any(Number),
      sampledAt: expect.any(String),
    });
    expect(s.cost.last7d.summary.costPerMillionTokensUsd).toBeGreaterThan(0);
    expect(s.cost.last7d.summary.saasComparison.map(c => c.name)).toEqual([
      'Hosted API, large model (placeholder price)',
      'Hosted API, small model (placeholder price)',
    ]);
  });

  it('sums a team on its Group page and a cluster on its Resource page', async () => {
    const team = await summary('ml-chat', 'group');
    expect(team.workloads.map(w => w.name).sort()).toEqual([
      'code-assistant-llm',
      'support-chat-llm',
    ]);
    expect(team.quota).toEqual([
      expect.objectContaining({
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        limit: 24,
        used: 18,
      }),
    ]);
    const cluster = await summary('gpu-batch', 'resource');
    expect(cluster.workloads.map(w => w.name)).toEqual(['doc-summariser']);
    expect(cluster.clusters.map(c => c.name)).toEqual(['gpu-batch']);
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import {
  EntityInferenceSummary,
  InferenceWorkload,
  PlatformOverview,
} from '@inference-platform/plugin-inference-common';
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

jest.setTimeout(120_000);

function demoInferenceConfig() {
  // eslint-disable-next-line no-restricted-syntax -- tests run from source
  const file = path.resolve(__dirname, '../../../../app-config.yaml');
  return yaml.parse(fs.readFileSync(file, 'utf8')).inference;
}

/**
 * The demo's entities, with one change: support-chat-llm's TTFT objective is 100 ms instead of 800 ms, so that a
 * service with no other finding breaches its SLO whatever the diurnal load is when the test runs.
 */
function entities(): Entity[] {
  return exampleEntities().map(e =>
    e.metadata.name === 'support-chat-llm'
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              'inference-platform.io/slo-ttft-p95-ms': '100',
            },
          },
        }
      : e,
  );
}

/**
 * The verdicts and findings of the demo against what its clusters say: a service that cannot run its replicas today
 * is not ready for 10x, the namespace ResourceQuota that refuses pods is named, SLO breaches are findings, and the
 * summaries of a cluster or a system name that entity's owner.
 */
describe('verdicts of the demo account for today', () => {
  let sim: SimulatorHandle;
  let server: any;
  let ticker: NodeJS.Timeout | undefined;
  const get = async (url: string) => {
    const res = await request(server)
      .get(`/api/inference${url}`)
      .set(
        'Authorization',
        mockCredentials.user.header('user:default/chen.wei'),
      );
    expect(res.status).toBe(200);
    return res.body;
  };
  const summary = (
    name: string,
    kind = 'component',
  ): Promise<EntityInferenceSummary> =>
    get(`/entities/${kind}/default/${name}/summary`);

  beforeAll(async () => {
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
        catalogServiceMock.factory({ entities: entities() }),
        schedulerServiceFactory,
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    clearInterval(ticker);
    await sim?.stop();
  });

  it('doc-summariser, 1/2 ready with its second pod Pending on GPUs, is blocked today: 8 GPUs short in a100-pool', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('doc-summariser');
        expect(body.capacity?.loadUnit).toBe('requests/s');
        expect(body.workloads[0]?.pods.map(p => p.phase).sort()).toEqual([
          'Pending',
          'Running',
        ]);
        return body;
      },
      60_000,
      500,
    );
    const verdict = s.capacity!;
    expect(verdict.verdict).toBe('blocked');
    expect(verdict.binding).toBe('capacity');
    expect(verdict.today).toMatchObject({
      desiredReplicas: 2,
      scheduledReplicas: 1,
      pendingReplicas: 1,
      capacityShortfallGpus: 8,
    });
    expect(verdict.additionalGpus).toBeGreaterThanOrEqual(8);
    expect(verdict.explanation).toMatch(
      /^Today 1 of 2 replicas cannot run: 1 Pending .*Insufficient nvidia\.com\/gpu/,
    );
    // the pool is at its Karpenter NodePool limit: the action names the pool, the GPUs and the new limit
    expect(verdict.actions).toContainEqual(
      expect.objectContaining({
        kind: 'add-gpus',
        cluster: 'gpu-batch',
        pool: 'a100-pool',
        gpus: 8,
        from: 8,
        to: 16,
      }),
    );
    // no autoscaler: nothing may tell it to raise a maxReplicas it does not have
    expect(verdict.explanation).not.toMatch(/maxReplicas from/);
    expect(verdict.actions.map(a => a.kind)).not.toContain(
      'raise-max-replicas',
    );
  });

  it("gpu-batch's Resource page: its owner is platform-team and its service's verdict line is not Ready", async () => {
    const cluster = await summary('gpu-batch', 'resource');
    expect(cluster.owner).toBe('group:default/platform-team');
    // the page's per-service verdict table reads each service's own summary
    const refs = [
      ...new Set(cluster.workloads.map(w => w.entityRef).filter(Boolean)),
    ];
    expect(refs).toEqual(['component:default/doc-summariser']);
    const service = await summary('doc-summariser');
    expect(service.capacity?.verdict).not.toBe('ready');
    expect(service.capacity?.today.capacityShortfallGpus).toBe(8);
  });

  it('the ai-platform System names its own owner', async () => {
    const system = await summary('ai-platform', 'system');
    expect(system.owner).toBe('group:default/platform-team');
    expect(system.workloads.length).toBeGreaterThan(1);
  });

  it("search-reranker at 4/8: the namespace ResourceQuota's FailedCreate is the finding, with quota, requested, used and limited", async () => {
    const s = await eventually(
      async () => {
        const body = await summary('search-reranker');
        expect(body.workloads[0]?.replicas).toMatchObject({
          desired: 8,
          ready: 4,
        });
        expect(body.findings.map(f => f.kind)).toContain(
          'resource-quota-exceeded',
        );
        return body;
      },
      60_000,
      500,
    );
    const finding = s.findings.find(f => f.kind === 'resource-quota-exceeded')!;
    expect(finding.summary).toMatch(/gpu-quota/);
    expect(finding.evidence[0]).toMatchObject({
      source: 'event',
      facts: {
        quota: 'gpu-quota',
        resource: 'requests.nvidia.com/gpu',
        requested: 1,
        used: 4,
        limited: 4,
      },
    });
    expect(finding.fix).toMatch(
      /Raise the ResourceQuota gpu-quota in ml-search: requests\.nvidia\.com\/gpu from 4 to 8/,
    );
    const replicas = s.findings.find(f => f.kind === 'replicas-below-desired')!;
    expect(replicas.fix).not.toMatch(/Check the pending and unready pods/);
    expect(replicas.fix).toMatch(/resource-quota-exceeded/);
  });

  it('search-reranker: the platform quota (9) and the namespace quota (4) disagree, and the lower one is named', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('search-reranker');
        expect(body.findings.map(f => f.kind)).toContain('quota-mismatch');
        return body;
      },
      60_000,
      500,
    );
    const finding = s.findings.find(f => f.kind === 'quota-mismatch')!;
    expect(finding.summary).toMatch(
      /platform quota of group:default\/ml-search allows 9 NVIDIA-A100-SXM4-80GB GPUs.*ResourceQuota gpu-quota in gpu-eu-west\/ml-search allows 4 requests\.nvidia\.com\/gpu.*the namespace quota binds, 5 GPUs below the platform quota/,
    );
    expect(finding.evidence.map(e => e.facts)).toEqual([
      expect.objectContaining({ limit: 9, owner: 'group:default/ml-search' }),
      expect.objectContaining({ quota: 'gpu-quota', hard: 4, used: 4 }),
    ]);
  });

  it('search-reranker is blocked today by the namespace quota, and the action raises it by the missing GPUs', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('search-reranker');
        expect(body.capacity?.verdict).toBe('blocked');
        return body;
      },
      60_000,
      500,
    );
    const verdict = s.capacity!;
    expect(verdict.binding).toBe('namespace-quota');
    expect(verdict.today).toMatchObject({
      desiredReplicas: 8,
      scheduledReplicas: 4,
      missingReplicas: 4,
      namespaceQuotaShortfallGpus: 4,
    });
    expect(verdict.actions[0]).toMatchObject({
      kind: 'raise-namespace-quota',
      cluster: 'gpu-eu-west',
      namespace: 'ml-search',
      quota: 'gpu-quota',
      from: 4,
      to: 8,
    });
  });

  it('the crash-looping code assistant gets no 10x verdict, but the reason why', async () => {
    const s = await eventually(
      async () => {
        const body = await summary('code-assistant-llm');
        expect(body.findings[0]?.kind).toBe('cuda-oom');
        return body;
      },
      60_000,
      500,
    );
    expect(s.capacity).toMatchObject({
      verdict: 'failing',
      failing: expect.stringMatching(/CUDA out of memory/),
    });
    expect(s.capacity!.explanation).toMatch(
      /^No 10x verdict: it is not serving \(CUDA out of memory/,
    );
    expect(s.capacity!.explanation).not.toMatch(/maxReplicas/);
  });

  it('a service without an autoscaler is told to add one, never to raise maxReplicas', async () => {
    // the nearly idle classifier needs one replica at 10x; at 100x it needs more than its fixed one
    const s: EntityInferenceSummary = await eventually(
      async () => {
        const body = await get(
          '/entities/component/default/vision-classifier/summary?loadMultiplier=100',
        );
        expect(body.capacity?.replicasNeeded).toBeGreaterThan(1);
        return body;
      },
      60_000,
      500,
    );
    expect(s.workloads[0].autoscaler).toBeUndefined();
    expect(s.capacity!.explanation).not.toMatch(/Raise maxReplicas/);
    expect(s.capacity!.actions).toContainEqual(
      expect.objectContaining({
        kind: 'add-autoscaler',
        to: s.capacity!.replicasNeeded,
      }),
    );
  });

  it('the no-autoscaler policy message counts the GPUs doc-summariser holds (8), not its 16 charged', async () => {
    const overview: PlatformOverview = await get('/platform');
    const message = overview.violations.find(
      v =>
        v.kind === 'no-autoscaler-ceiling' &&
        v.workloadId === 'gpu-batch/ml-batch/Deployment/doc-summariser',
    )?.message;
    expect(message).toMatch(/holds 8 GPUs/);
    expect(message).not.toMatch(/holds 16/);
  });

  it('a TTFT p95 above the SLO is a finding with value, target and window, and the governance page counts the service not healthy', async () => {
    const support = await eventually(
      async () => {
        const { items }: { items: InferenceWorkload[] } = await get(
          '/workloads',
        );
        const w = items.find(i => i.name === 'support-chat-llm')!;
        expect(w.findings.map(f => f.kind)).toContain('ttft-slo-breached');
        return w;
      },
      60_000,
      500,
    );
    const finding = support.findings.find(f => f.kind === 'ttft-slo-breached')!;
    expect(finding.evidence[0]).toMatchObject({
      source: 'metric',
      facts: expect.objectContaining({
        targetSeconds: 0.1,
        window: expect.any(String),
      }),
    });
    expect(finding.evidence[0].facts!.valueSeconds).toBeGreaterThan(0.1);
    const entity = await summary('support-chat-llm');
    expect(entity.findings.map(f => f.kind)).toContain('ttft-slo-breached');

    const overview: PlatformOverview = await get('/platform');
    const { items }: { items: InferenceWorkload[] } = await get('/workloads');
    const unhealthy = items.filter(w =>
      w.findings.some(f => f.severity !== 'info'),
    ).length;
    expect(overview.workloads.total).toBe(items.length);
    expect(overview.workloads.healthy).toBe(items.length - unhealthy);
    expect(
      items.filter(
        w =>
          w.name === 'support-chat-llm' &&
          w.findings.every(f => f.severity === 'info'),
      ),
    ).toEqual([]);
  });
});

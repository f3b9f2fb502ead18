import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { QuotaStanding } from '@inference-platform/plugin-inference-common';
import request from 'supertest';
import { eventually } from '../__testUtils__/simulatedFleet';
import { inferencePlugin } from '../plugin';

jest.setTimeout(60_000);

const A100 = 'NVIDIA-A100-SXM4-80GB';
const BATCH = 'group:default/ml-batch';
const SEARCH = 'group:default/ml-search';

/**
 * The demo's case: ml-batch may deploy only to gpu-batch, whose pool has 8 A100s, and holds an A100 quota of 16; the
 * fleet has 16 A100s in all. The quota promises GPUs the team can never get.
 */
describe('quota lines above the fleet’s capacity', () => {
  let sim: SimulatorHandle;
  let server: any;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'quota-capacity',
        clusters: [
          {
            name: 'gpu-batch',
            systemWorkloads: false,
            dcgmExporter: false,
            nodePools: [
              {
                name: 'a100-pool',
                gpu: A100,
                instanceType: 'p4de.24xlarge',
                nodes: 1,
              },
            ],
            namespaces: [{ name: 'ml-batch', team: 'ml-batch' }],
          },
          {
            name: 'gpu-eu-west',
            systemWorkloads: false,
            dcgmExporter: false,
            nodePools: [
              {
                name: 'a100-pool',
                gpu: A100,
                instanceType: 'p4de.24xlarge',
                nodes: 1,
              },
            ],
            namespaces: [{ name: 'ml-search', team: 'ml-search' }],
          },
        ],
      },
      controlPort: false,
      clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
    });
    // gpu-eu-west answers nothing until the first test lets it: its capacity stays unknown
    await sim.inject('gpu-eu-west', {
      type: 'failRequests',
      count: 1_000_000,
      status: 503,
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
              quotas: [
                { owner: 'ml-batch', gpuType: A100, limit: 16 },
                { owner: 'ml-search', gpuType: A100, limit: 9 },
              ],
              tenancy: {
                teams: [
                  {
                    owner: 'ml-batch',
                    namespaces: ['ml-batch'],
                    clusters: ['gpu-batch'],
                  },
                  {
                    owner: 'ml-search',
                    namespaces: ['ml-search'],
                    clusters: ['gpu-batch', 'gpu-eu-west'],
                  },
                ],
              },
              metrics: { enabled: false },
              clusters: sim.clusters.map(c => ({
                name: c.name,
                url: c.httpUrl,
                serviceAccountToken: c.token,
              })),
            },
          },
        }),
        catalogServiceMock.factory({ entities: [] }),
      ],
    });
    server = backend.server;
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const quotas = async (): Promise<QuotaStanding[]> => {
    const res = await request(server)
      .get('/api/inference/quotas')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body.items;
  };

  const clusterStates = async (): Promise<Record<string, string>> => {
    const res = await request(server)
      .get('/api/inference/clusters')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return Object.fromEntries(
      res.body.items.map((c: any) => [c.name, c.state]),
    );
  };

  it('flags nothing while a cluster has not been listed yet: its pools are unknown, not empty', async () => {
    try {
      await eventually(async () =>
        expect(await clusterStates()).toEqual({
          'gpu-batch': 'synced',
          'gpu-eu-west': 'unreachable',
        }),
      );
      // gpu-batch alone would put ml-batch's 16 above its 8 A100s, and ml-search's 9 above the 8 counted so far
      const lines = await quotas();
      expect(lines.map(q => [q.owner, q.exceedsCapacity])).toEqual([
        [BATCH, undefined],
        [SEARCH, undefined],
      ]);
    } finally {
      // the next test needs the whole fleet
      await sim.inject('gpu-eu-west', { type: 'clear' });
    }
  });

  it('flags the line whose limit the pools of its team’s clusters cannot hold, with the numbers, and not the one they can', async () => {
    // the first flag comes once every cluster has been listed, and is right; the failed lists are retried with
    // backoff (0.8 s doubling), so gpu-eu-west may take a few seconds to answer again
    const lines = await eventually(async () => {
      const items = await quotas();
      expect(items.find(q => q.owner === BATCH)?.exceedsCapacity).toBeDefined();
      return items;
    }, 45_000);
    expect(lines.map(q => [q.owner, q.gpuType, q.exceedsCapacity])).toEqual([
      [BATCH, A100, { capacity: 8, limit: 16, clusters: ['gpu-batch'] }],
      [SEARCH, A100, undefined],
    ]);
  });
});

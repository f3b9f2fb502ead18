import { mockServices } from '@backstage/backend-test-utils';
import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import Knex from 'knex';
import {
  connectionsOf,
  trackFleet,
  startDemoFleet,
} from '../__testUtils__/simulatedFleet';
import { DatabaseInferenceStore } from '../database/DatabaseInferenceStore';
import { WorkloadModel } from '../workloads/WorkloadModel';
import { DirectScrapeSource } from './DirectScrapeSource';
import { UsageSampler } from './UsageSampler';

jest.setTimeout(60_000);

describe('UsageSampler on the simulator', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;

  beforeAll(async () => {
    sim = await startDemoFleet();
    tracker = await trackFleet(sim);
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  it('records allocation, utilisation and tokens once per interval, and serving metrics', async () => {
    const knex = Knex({
      client: 'better-sqlite3',
      connection: ':memory:',
      useNullAsDefault: true,
    });
    const store = await DatabaseInferenceStore.create({
      database: { getClient: async () => knex },
    });
    let now = new Date(Date.UTC(2026, 11, 1, 10, 0, 30));
    const sampler = new UsageSampler({
      workloads: () => tracker.workloads(),
      store,
      source: new DirectScrapeSource({
        clusters: connectionsOf(sim),
        pods: c =>
          tracker.fleet
            .clusters()
            .find(t => t.name === c)!
            .cache('pods')
            .list(),
        logger: mockServices.logger.mock(),
        concurrency: 4,
        timeoutMs: 5000,
        now: () => now.getTime(),
      }),
      logger: mockServices.logger.mock(),
      intervalSeconds: 60,
      now: () => now,
    });

    const first = await sampler.run();
    expect(first.inserted).toBe(first.samples);
    // the same interval again (a second instance, a restart): nothing new
    expect((await sampler.run()).inserted).toBe(0);

    await sim.advance(60_000);
    now = new Date(now.getTime() + 60_000);
    const second = await sampler.run();
    expect(second.inserted).toBe(second.samples);
    expect(second.withMetrics).toBeGreaterThan(3);

    const samples = await store.usage.listSamples({
      entityRefs: ['component:default/support-chat-llm'],
      since: new Date(0),
    });
    expect(samples).toHaveLength(2);
    expect(samples[1]).toMatchObject({
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      intervalSeconds: 60,
    });
    expect(samples[1].gpusAllocated).toBeGreaterThanOrEqual(8);
    expect(samples[1].generationTokens).toBeGreaterThan(0);
    expect(samples[1].gpuUtilization).toBeGreaterThan(0);

    // the crash-looping code assistant holds its GPUs and serves nothing: all spend, no tokens
    const [oom] = await store.usage.listSamples({
      entityRefs: ['component:default/code-assistant-llm'],
      since: new Date(0),
    });
    expect(oom.gpusAllocated).toBe(2);
    expect(oom.generationTokens).toBe(0);

    const points = await store.usage.listMetrics(new Date(0));
    expect(
      points.some(
        p =>
          p.workloadName === 'support-chat-llm' && p.metrics.kvCacheUsage! > 0,
      ),
    ).toBe(true);
    await knex.destroy();
  });
});

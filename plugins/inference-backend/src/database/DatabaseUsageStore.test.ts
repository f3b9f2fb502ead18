import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseInferenceStore } from './DatabaseInferenceStore';
import { UsageSample } from './UsageStore';

jest.setTimeout(60_000);

const ENTITY = 'component:default/support-chat-llm';
const HOUR = 3600;

function sample(at: string, overrides: Partial<UsageSample> = {}): UsageSample {
  return {
    cluster: 'gpu-us-east',
    namespace: 'ml-chat',
    workloadKind: 'Deployment',
    workloadName: 'support-chat-llm',
    entityRef: ENTITY,
    ownerRef: 'group:default/ml-chat',
    gpuType: 'NVIDIA-H100-80GB-HBM3',
    intervalStart: new Date(at),
    intervalSeconds: HOUR,
    gpusAllocated: 8,
    gpuUtilization: 0.25,
    promptTokens: 1_000_000,
    generationTokens: 250_000,
    requests: 900,
    ...overrides,
  };
}

describe('DatabaseUsageStore', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseInferenceStore.create({
        database: { getClient: async () => knex },
      });
      return store.usage;
    }

    it('rolls samples up per workload and UTC day, with idle GPU-hours', async () => {
      const usage = await createStore();
      await usage.recordSamples([
        sample('2026-11-26T22:00:00Z'),
        sample('2026-11-26T23:00:00Z', { gpuUtilization: 0.75 }),
        sample('2026-11-27T00:00:00Z', { gpuUtilization: undefined }),
        sample('2026-11-27T00:00:00Z', {
          workloadName: 'code-assistant-llm',
          entityRef: 'component:default/code-assistant-llm',
          gpusAllocated: 2,
          gpuUtilization: 0,
        }),
      ]);
      const days = await usage.listDaily({
        entityRefs: [ENTITY],
        fromDay: '2026-11-26',
        toDay: '2026-11-27',
      });
      expect(
        days.map(d => [
          d.day,
          d.gpuHours,
          d.idleGpuHours,
          d.measuredGpuHours,
          d.promptTokens,
        ]),
      ).toEqual([
        // 8 GPUs × 1 h at 25 % and at 75 %: 16 GPU-hours, of which 6 + 2 idle
        ['2026-11-26', 16, 8, 16, 2_000_000],
        // no utilisation metric: counted as spend, not as idle or measured
        ['2026-11-27', 8, 0, 0, 1_000_000],
      ]);
      const team = await usage.listDaily({
        ownerRef: 'group:default/ml-chat',
        fromDay: '2026-11-27',
        toDay: '2026-11-27',
      });
      expect(
        team.map(d => [d.workloadName, d.gpuHours, d.idleGpuHours]),
      ).toEqual([
        ['code-assistant-llm', 2, 2],
        ['support-chat-llm', 8, 0],
      ]);
    });

    it('keeps the first sample of an interval when the sampler runs twice', async () => {
      const usage = await createStore();
      expect(await usage.recordSamples([sample('2026-11-27T10:00:00Z')])).toBe(
        1,
      );
      // a second instance, or the same one after a restart, samples the same interval again
      expect(
        await usage.recordSamples([
          sample('2026-11-27T10:00:00Z', { gpusAllocated: 99 }),
          sample('2026-11-27T11:00:00Z'),
        ]),
      ).toBe(1);
      const [day] = await usage.listDaily({
        entityRefs: [ENTITY],
        fromDay: '2026-11-27',
        toDay: '2026-11-27',
      });
      expect(day.gpuHours).toBe(16);
      const samples = await usage.listSamples({
        entityRefs: [ENTITY],
        since: new Date('2026-11-27T00:00:00Z'),
      });
      expect(
        samples.map(s => [s.intervalStart.toISOString(), s.gpusAllocated]),
      ).toEqual([
        ['2026-11-27T10:00:00.000Z', 8],
        ['2026-11-27T11:00:00.000Z', 8],
      ]);
    });

    it('keeps metric points per workload and time, once', async () => {
      const usage = await createStore();
      const key = {
        cluster: 'gpu-us-east',
        namespace: 'ml-chat',
        workloadKind: 'Deployment',
        workloadName: 'support-chat-llm',
      };
      await usage.recordMetrics([
        {
          ...key,
          sampledAt: new Date('2026-11-27T10:00:00Z'),
          metrics: { kvCacheUsage: 0.5, requestsWaiting: 2 },
        },
        {
          ...key,
          sampledAt: new Date('2026-11-27T10:01:00Z'),
          metrics: { kvCacheUsage: 0.9 },
        },
      ]);
      await usage.recordMetrics([
        {
          ...key,
          sampledAt: new Date('2026-11-27T10:01:00Z'),
          metrics: { kvCacheUsage: 0.1 },
        },
      ]);
      const points = await usage.listMetrics(new Date('2026-11-27T10:00:30Z'));
      expect(points).toEqual([
        {
          ...key,
          sampledAt: new Date('2026-11-27T10:01:00Z'),
          metrics: { kvCacheUsage: 0.9 },
        },
      ]);
      const deleted = await usage.applyRetention({
        now: new Date('2026-11-28T10:00:45Z'),
        sampleRetentionDays: 14,
        dailyRetentionDays: 400,
        metricsRetentionHours: 24,
      });
      expect(deleted.metrics).toBe(1);
    });

    it('deletes samples and days past their retention', async () => {
      const usage = await createStore();
      await usage.recordSamples([
        sample('2026-10-01T10:00:00Z'),
        sample('2026-11-20T10:00:00Z'),
        sample('2026-11-27T10:00:00Z'),
      ]);
      const deleted = await usage.applyRetention({
        now: new Date('2026-11-27T12:00:00Z'),
        sampleRetentionDays: 14,
        dailyRetentionDays: 30,
      });
      expect(deleted).toEqual({ samples: 1, days: 1, metrics: 0 });
      const days = await usage.listDaily({
        fromDay: '2026-01-01',
        toDay: '2026-12-31',
      });
      expect(days.map(d => d.day)).toEqual(['2026-11-20', '2026-11-27']);
    });
  });
});

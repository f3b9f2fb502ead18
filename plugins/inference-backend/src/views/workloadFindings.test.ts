import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import { UsageStore, WorkloadMetricsPoint } from '../database/UsageStore';
import { MetricsCache } from '../metrics/MetricsCache';
import { EntityIndex } from '../workloads/entityIndex';
import { withServiceFindings } from './workloadFindings';

const NOW = new Date('2026-12-05T10:10:00Z');

const workload = {
  id: 'gpu-a/ml-chat/Deployment/faq-bot',
  cluster: 'gpu-a',
  namespace: 'ml-chat',
  kind: 'Deployment',
  name: 'faq-bot',
  runtime: 'vllm',
  owner: 'group:default/ml-chat',
  gpuType: 'NVIDIA-L4',
  gpusPerReplica: 1,
  quotaCharge: 1,
  replicas: { desired: 2, ready: 2, available: 2 },
  pods: [],
  findings: [],
  imageDigestPinned: true,
} as unknown as InferenceWorkload;

function point(minute: number, waiting: number): WorkloadMetricsPoint {
  return {
    cluster: 'gpu-a',
    namespace: 'ml-chat',
    workloadKind: 'Deployment',
    workloadName: 'faq-bot',
    sampledAt: new Date(NOW.getTime() - (10 - minute) * 60_000),
    metrics: {
      kvCacheUsage: 0.96,
      requestsWaiting: waiting,
      requestsRunning: 20,
    },
  };
}

describe('the views follow the metrics, not the cluster objects', () => {
  it('shows a saturated KV cache after a metrics refresh, with no cluster change in between', async () => {
    let points: WorkloadMetricsPoint[] = [];
    const store = { listMetrics: async () => points } as unknown as UsageStore;
    const metrics = new MetricsCache(store);
    const refreshed = jest.fn();
    metrics.onChange(refreshed);
    const view = () =>
      withServiceFindings([workload], {
        entities: new EntityIndex(),
        metrics,
        servingOf: () => ({
          model: 'llama-3.1-8b',
          gpuType: 'NVIDIA-L4',
          maxModelLen: 8192,
        }),
        standings: [],
        fleet: [workload],
        slo: {
          errorRateThreshold: 0.05,
          errorRateSource: 'default',
          windowMinutes: 15,
        } as any,
        now: NOW,
      })[0];

    await metrics.refresh(NOW);
    expect(view().findings).toEqual([]);
    expect(view().metrics).toBeUndefined();

    points = Array.from({ length: 8 }, (_, i) => point(i + 2, i * 3));
    await metrics.refresh(NOW);
    expect(refreshed).toHaveBeenCalledTimes(2);
    const after = view();
    expect(after.findings.map(f => f.kind)).toEqual(['kv-cache-saturated']);
    // the advice sizes the replicas with the planner, from what the pods serve
    expect(after.findings[0].fix).toMatch(
      /Each replica holds \d+\.\d full-length sequences at max-model-len 8192/,
    );
    expect(after.metrics?.kvCacheUsage).toBe(0.96);
  });
});

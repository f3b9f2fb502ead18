import { diagnoseServingMetrics, diagnoseWorkload } from '../diagnosis';
import { policyViolations } from './policyViolations';
import { serviceHeadroom } from './serviceHeadroom';
import { healthOf } from './workloadHealth';

const T0 = Date.parse('2026-12-05T10:00:00Z');

/** Ten minutes of a saturated replica: KV cache 95 % full, the queue growing from 0 to 18. */
const saturated = Array.from({ length: 10 }, (_, i) => ({
  t: T0 + i * 60_000,
  kvCacheUsage: 0.95,
  requestsWaiting: i * 2,
  requestsRunning: 24,
}));

describe('diagnoseServingMetrics', () => {
  it('finds a saturated KV cache with a growing queue and says how many replicas would drain it', () => {
    const [finding] = diagnoseServingMetrics({
      samples: saturated,
      readyReplicas: 2,
    });
    expect(finding.kind).toBe('kv-cache-saturated');
    expect(finding.summary).toMatch(/grew from 0 to 18 with 24 running/);
    // 24 running + 18 waiting on 2 replicas: about 4 replicas
    expect(finding.fix).toMatch(/about 4 replicas instead of 2/);
  });

  it('is the rule diagnoseWorkload applies to the same figures as Prometheus series', () => {
    const series = (
      name: string,
      pick: (s: (typeof saturated)[0]) => number,
    ) => ({
      name,
      samples: saturated.map(s => ({ t: s.t, value: pick(s) })),
    });
    const fromSeries = diagnoseWorkload({
      pods: [],
      metrics: [
        series('vllm:kv_cache_usage_perc', s => s.kvCacheUsage),
        series('vllm:num_requests_waiting', s => s.requestsWaiting),
        series('vllm:num_requests_running', s => s.requestsRunning),
      ],
    }).filter(f => f.kind === 'kv-cache-saturated');
    expect(fromSeries).toEqual(
      diagnoseServingMetrics({ samples: saturated, readyReplicas: 0 }),
    );
  });

  it('says nothing while the queue does not grow or the cache has room', () => {
    const steady = saturated.map(s => ({ ...s, requestsWaiting: 3 }));
    expect(
      diagnoseServingMetrics({ samples: steady, readyReplicas: 1 }),
    ).toEqual([]);
    const roomy = saturated.map(s => ({ ...s, kvCacheUsage: 0.5 }));
    expect(
      diagnoseServingMetrics({ samples: roomy, readyReplicas: 1 }),
    ).toEqual([]);
  });
});

describe('views rules', () => {
  const workload = {
    id: 'gpu-a/ml-chat/Deployment/faq-bot',
    cluster: 'gpu-a',
    namespace: 'ml-chat',
    kind: 'Deployment',
    name: 'faq-bot',
    runtime: 'vllm',
    gpusPerReplica: 1,
    quotaCharge: 1,
    replicas: { desired: 1, ready: 1, available: 1 },
    pods: [],
    findings: [],
    imageDigestPinned: false,
    image: 'vllm/vllm-openai:latest',
  } as any;

  it('flags an unpinned, unowned GPU workload without an autoscaler', () => {
    const kinds = policyViolations([workload], []).map(v => v.kind);
    expect(kinds).toEqual([
      'tag-only-image',
      'unowned-workload',
      'no-autoscaler-ceiling',
    ]);
    expect(healthOf(workload)).toBe('healthy');
  });

  it('gives no verdict for a service without GPU workloads', () => {
    expect(
      serviceHeadroom({
        workloads: [{ ...workload, gpusPerReplica: 0 }],
        latest: () => undefined,
        standings: [],
        pools: [],
        loadMultiplier: 10,
      }),
    ).toBeUndefined();
  });
});

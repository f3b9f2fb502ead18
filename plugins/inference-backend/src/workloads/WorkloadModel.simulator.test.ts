import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import { InferenceWorkload } from '@inference-platform/plugin-inference-common';
import { trackFleet, startDemoFleet } from '../__testUtils__/simulatedFleet';
import { WorkloadModel } from './WorkloadModel';

jest.setTimeout(60_000);

describe('WorkloadModel on the demo scenario', () => {
  let sim: SimulatorHandle;
  let tracker: WorkloadModel;
  const workload = (name: string): InferenceWorkload => {
    const found = tracker.workloads().find(w => w.name === name);
    if (!found)
      throw new Error(
        `no workload ${name} in ${tracker.workloads().map(w => w.name)}`,
      );
    return found;
  };
  const kinds = (name: string) => workload(name).findings.map(f => f.kind);

  beforeAll(async () => {
    // 14:00 UTC, near the diurnal peaks; three minutes in, every model has loaded or failed
    sim = await startDemoFleet();
    tracker = await trackFleet(sim);
  });

  afterAll(async () => {
    tracker?.stop();
    await sim?.stop();
  });

  it('links the healthy chat model to its entity and owner, charged at its KEDA ceiling', () => {
    const chat = workload('support-chat-llm');
    expect(chat).toMatchObject({
      cluster: 'gpu-us-east',
      namespace: 'ml-chat',
      kind: 'Deployment',
      entityRef: 'component:default/support-chat-llm',
      owner: 'group:default/ml-chat',
      runtime: 'vllm',
      model: 'meta-llama/Llama-3.1-70B-Instruct',
      gpuType: 'NVIDIA-H100-80GB-HBM3',
      gpusPerReplica: 4,
      imageDigestPinned: true,
      autoscaler: { kind: 'ScaledObject', maxReplicas: 4 },
      quotaCharge: 16,
    });
    expect(chat.replicas.ready).toBeGreaterThanOrEqual(2);
    expect(chat.findings.filter(f => f.severity === 'critical')).toEqual([]);
  });

  it('recognises the CUDA OOM crash loop of code-assistant-llm with the fix in numbers', () => {
    const oom = workload('code-assistant-llm').findings.find(
      f => f.kind === 'cuda-oom',
    );
    expect(oom).toMatchObject({ severity: 'critical' });
    expect(oom!.evidence.map(e => e.text).join('\n')).toMatch(
      /CUDA out of memory. Tried to allocate 2.00 GiB/,
    );
    expect(oom!.fix).toMatch(/\d/);
  });

  it('recognises the other failures the scenario gave its workloads', () => {
    expect(kinds('doc-summariser')).toContain('insufficient-gpu');
    expect(kinds('fraud-scoring-llm')).toContain('kv-cache-too-small');
    expect(workload('vision-classifier')).toMatchObject({
      runtime: 'triton',
      gpuType: 'Tesla-T4',
    });
    expect(workload('rag-embeddings')).toMatchObject({
      runtime: 'tei',
      autoscaler: { kind: 'HorizontalPodAutoscaler', maxReplicas: 6 },
    });
  });

  it('sums live quota usage per owner and GPU type', () => {
    const h100 = tracker
      .workloads()
      .filter(
        w =>
          w.owner === 'group:default/ml-chat' &&
          w.gpuType === 'NVIDIA-H100-80GB-HBM3',
      )
      .reduce((sum, w) => sum + w.quotaCharge, 0);
    expect(
      tracker.liveUsage('group:default/ml-chat', 'NVIDIA-H100-80GB-HBM3'),
    ).toBe(h100);
    expect(h100).toBe(16 + 2);
  });

  it('reports GPU capacity per pool with Karpenter growth room', () => {
    const usEast = tracker.capacity().find(c => c.cluster === 'gpu-us-east')!;
    const h100 = usEast.pools.find(p => p.pool === 'h100-pool')!;
    expect(h100.gpuType).toBe('NVIDIA-H100-80GB-HBM3');
    expect(h100.allocatable).toBe(h100.nodes * 8);
    expect(h100.allocated + h100.free).toBe(h100.allocatable);
    expect(h100.growthRoom).toBe(24 - h100.allocatable);
    // the driver of the pool's nodes, from the GPU Feature Discovery labels: what image compatibility is checked against
    expect(h100.driverVersion).toBe('570.124.06');
  });
});

import { findGpu } from '../catalog/gpus';
import {
  DEFAULT_CLUSTER_PLATFORM,
  resolveClusterPlatform,
} from './clusterPlatform';
import { gpuNodeRequirements } from './nodePoolRequirements';
import { startupBudget } from './startupBudget';

describe('resolveClusterPlatform', () => {
  it('layers the fleet and cluster settings over the defaults, field by field', () => {
    const s = resolveClusterPlatform(
      { downloadMiBps: 400, ingress: { domain: 'ai.example.com' } },
      {
        prometheusUrl: 'http://kps-prometheus.obs:9090',
        modelCache: {
          mode: 'shared',
          storageClassName: 'efs-sc',
          accessMode: 'ReadWriteMany',
        },
      },
    );
    expect(s.prometheusUrl).toBe('http://kps-prometheus.obs:9090');
    expect(s.downloadMiBps).toBe(400);
    expect(s.ingress).toEqual({
      ...DEFAULT_CLUSTER_PLATFORM.ingress,
      domain: 'ai.example.com',
    });
    expect(s.modelCache.storageClassName).toBe('efs-sc');
  });

  it('defaults match kube-prometheus-stack and EKS storage', () => {
    const s = resolveClusterPlatform();
    expect(s.prometheusUrl).toBe(
      'http://prometheus-operated.monitoring.svc:9090',
    );
    expect(s.modelCache).toEqual({
      mode: 'per-replica',
      storageClassName: 'gp2',
      accessMode: 'ReadWriteOnce',
    });
  });

  it('refuses a shared cache on a single-node access mode, and rates that are not positive', () => {
    expect(() =>
      resolveClusterPlatform({ modelCache: { mode: 'shared' } }),
    ).toThrow(
      /needs a ReadWriteMany class; gp2 is configured as ReadWriteOnce/,
    );
    expect(() => resolveClusterPlatform({ downloadMiBps: 0 })).toThrow(
      /downloadMiBps must be a positive number/,
    );
  });
});

describe('startupBudget', () => {
  const settings = resolveClusterPlatform({
    downloadMiBps: 100,
    loadMiBps: 1000,
    engineInitSeconds: 60,
    nodeLaunchSeconds: 300,
  });

  it('counts the download of the whole model, not of one GPU shard (70B on 4 GPUs)', () => {
    // 131 GiB of bf16 weights over TP 4: 32.75 GiB per GPU
    const b = startupBudget({
      weightsGiBPerGpu: 32.75,
      tensorParallelSize: 4,
      settings,
    });
    expect(b.modelGiB).toBe(131);
    expect(b.downloadSeconds).toBe(Math.ceil((131 * 1024) / 100)); // 1342 s
    expect(b.loadSeconds).toBe(Math.ceil((131 * 1024) / 1000));
    expect(b.coldStartSeconds).toBe(1342 + 135 + 60);
    // the probe outlasts the cold start with a margin, never the per-GPU figure alone
    expect(
      b.startupProbe.failureThreshold * b.startupProbe.periodSeconds,
    ).toBeGreaterThanOrEqual(b.coldStartSeconds * 1.5);
    expect(b.applyTimeoutSeconds).toBe(Math.ceil((300 + 1537) * 1.5));
  });

  it('a shared cache wakes without a download; per-replica caches download on every new replica', () => {
    const shared = startupBudget({
      weightsGiBPerGpu: 15,
      tensorParallelSize: 1,
      settings: {
        ...settings,
        modelCache: {
          mode: 'shared',
          storageClassName: 'efs-sc',
          accessMode: 'ReadWriteMany',
        },
      },
    });
    expect(shared.wakeSeconds).toBe(shared.loadSeconds + 60);
    const perReplica = startupBudget({
      weightsGiBPerGpu: 15,
      tensorParallelSize: 1,
      settings,
    });
    expect(perReplica.wakeSeconds).toBe(perReplica.coldStartSeconds);
  });
});

describe('gpuNodeRequirements', () => {
  it('keeps the A100 80 GB pool off p4d (A100 40 GB), which the GPU name alone would match', () => {
    const a100x80 = findGpu('NVIDIA-A100-SXM4-80GB')!;
    const reqs = gpuNodeRequirements(a100x80);
    const gt = reqs.find(
      r =>
        r.key === 'karpenter.k8s.aws/instance-gpu-memory' &&
        r.operator === 'Gt',
    )!;
    // p4d reports 40960 MiB per GPU, p4de 81920 (AWS instance types)
    expect(Number(gt.values![0])).toBeGreaterThanOrEqual(40960);
    expect(Number(gt.values![0])).toBeLessThan(81920);
    expect(reqs).toContainEqual({
      key: 'karpenter.k8s.aws/instance-family',
      operator: 'In',
      values: ['p4de'],
    });
    expect(reqs).toContainEqual({
      key: 'karpenter.k8s.aws/instance-gpu-name',
      operator: 'In',
      values: ['a100'],
    });
  });

  it('and the A100 40 GB pool off p4de', () => {
    const reqs = gpuNodeRequirements(findGpu('NVIDIA-A100-SXM4-40GB')!);
    const lt = reqs.find(r => r.operator === 'Lt')!;
    expect(Number(lt.values![0])).toBeLessThanOrEqual(81920);
    expect(Number(lt.values![0])).toBeGreaterThan(40960);
  });
});

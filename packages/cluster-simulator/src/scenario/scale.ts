/*
 * The `scale` scenario generator: N clusters × M workloads × P pods, for
 * benchmarks. Pods run small models on MIG slices of H100 nodes (single MIG
 * strategy, 7 slices per GPU), so 10,000 pods need about 180 nodes per
 * cluster instead of 1,250, as a real dense inference fleet would.
 */
import { ScenarioInput } from './schema';

/** Size of the generated fleet. @public */
export interface ScaleOptions {
  clusters?: number;
  workloadsPerCluster?: number;
  podsPerCluster?: number;
  namespacesPerCluster?: number;
  /** fraction of workloads in a CUDA OOM crash loop (watch churn) */
  crashLoopFraction?: number;
  /** fraction of workloads with an HPA */
  autoscaledFraction?: number;
  /**
   * Name workloads `svc-<cluster>-<n>` so each deployment is its own service; by default every cluster runs the
   * same `svc-<n>` names, one service deployed to the whole fleet.
   */
  distinctNames?: boolean;
  seed?: number;
}

/** Generates the scale scenario. */
export function generateScaleScenario(options: ScaleOptions): ScenarioInput {
  const clusters = options.clusters ?? 20;
  const workloads = options.workloadsPerCluster ?? 500;
  const pods = options.podsPerCluster ?? 10_000;
  const namespaces =
    options.namespacesPerCluster ?? Math.max(1, Math.round(workloads / 20));
  const replicas = Math.max(1, Math.round(pods / workloads));
  const slicesPerNode = 8 * 7;
  const nodes = Math.ceil(((workloads * replicas) / slicesPerNode) * 1.05) + 1;
  const crashEvery =
    options.crashLoopFraction === 0
      ? 0
      : Math.round(1 / (options.crashLoopFraction ?? 0.02));
  const hpaEvery =
    options.autoscaledFraction === 0
      ? 0
      : Math.round(1 / (options.autoscaledFraction ?? 0.1));
  const models = [
    'meta-llama/Llama-3.2-1B-Instruct',
    'BAAI/bge-large-en-v1.5',
    'Qwen/Qwen2.5-7B-Instruct',
  ];
  return {
    name: 'scale',
    description: `${clusters} clusters x ${workloads} workloads x ${
      workloads * replicas
    } pods`,
    seed: options.seed ?? 7,
    timing: {
      imagePullSeconds: [1, 2],
      modelLoadScale: 0.05,
      nodeReadySeconds: 5,
      schedulerRetrySeconds: 60,
    },
    clusters: Array.from({ length: clusters }, (_, c) => ({
      name: `scale-${String(c).padStart(2, '0')}`,
      region: c % 2 ? 'eu-west-1' : 'us-east-1',
      systemPool: { instanceType: 'm6i.2xlarge', nodes: 3 },
      systemWorkloads: false,
      normalEvents: false,
      nodePools: [
        {
          name: 'h100-mig-pool',
          gpu: 'NVIDIA-H100-80GB-HBM3',
          instanceType: 'p5.48xlarge',
          driver: '570.124.06',
          nodes,
          mig: { strategy: 'single' as const, profile: '1g.10gb', perGpu: 7 },
        },
      ],
      namespaces: Array.from({ length: namespaces }, (_ns, n) => ({
        name: `team-${String(n).padStart(3, '0')}`,
        team: `team-${String(n).padStart(3, '0')}`,
      })),
      workloads: Array.from({ length: workloads }, (_wl, w) => {
        const model = models[w % models.length];
        const tei = model.startsWith('BAAI');
        return {
          name: options.distinctNames
            ? `svc-${String(c).padStart(2, '0')}-${String(w).padStart(4, '0')}`
            : `svc-${String(w).padStart(4, '0')}`,
          namespace: `team-${String(w % namespaces).padStart(3, '0')}`,
          team: `team-${String(w % namespaces).padStart(3, '0')}`,
          engine: (tei ? 'tei' : 'vllm') as 'tei' | 'vllm',
          model,
          gpus: 1,
          replicas,
          cpu: '500m',
          memory: '4Gi',
          gpuMemoryUtilization: 0.85,
          maxModelLen: 4096,
          modelLoadSeconds: 20,
          serviceMonitor: false,
          load: {
            profile: 'diurnal' as const,
            peakRps: replicas * 2,
            troughRps: replicas * 0.3,
          },
          failure: (crashEvery && w % crashEvery === crashEvery - 1
            ? 'cuda-oom-at-start'
            : 'none') as 'cuda-oom-at-start' | 'none',
          ...(hpaEvery && w % hpaEvery === 0
            ? {
                autoscaler: {
                  type: 'hpa' as const,
                  min: replicas,
                  max: replicas + 2,
                  metric: 'cpu',
                  target: 90,
                },
              }
            : {}),
        };
      }),
    })),
  };
}

// Answers of the inference backend shaped like the demo scenario's, for component tests and the dev app.
import {
  clusterPlatformSources,
  ClusterStatus,
  CostWindow,
  EntityInferenceSummary,
  HeadroomVerdict,
  InferenceWorkload,
  describeClusterPlatform,
  PlatformOverview,
  QuotaStanding,
  resolveClusterPlatform,
} from '@inference-platform/plugin-inference-common';
import { ClusterWithCapacity, InferenceApi } from '../api';
import { FINDINGS } from './findings';

export { FINDINGS };

export const NOW = '2026-11-27T12:00:00.000Z';

export const H100 = 'NVIDIA-H100-80GB-HBM3';

export function cluster(overrides: Partial<ClusterStatus> = {}): ClusterStatus {
  return {
    name: 'gpu-us-east',
    state: 'synced',
    since: NOW,
    lastSyncedAt: NOW,
    workloads: 4,
    gpuNodes: 3,
    ...overrides,
  };
}

export function workload(
  overrides: Partial<InferenceWorkload> = {},
): InferenceWorkload {
  const name = overrides.name ?? 'support-chat-llm';
  return {
    id: `gpu-us-east/ml-chat/Deployment/${name}`,
    cluster: 'gpu-us-east',
    namespace: 'ml-chat',
    kind: 'Deployment',
    name,
    entityRef: `component:default/${name}`,
    owner: 'group:default/ml-chat',
    runtime: 'vllm',
    model: 'meta-llama/Llama-3.1-70B-Instruct',
    imageDigestPinned: true,
    gpuType: H100,
    gpusPerReplica: 4,
    replicas: { desired: 2, ready: 2 },
    autoscaler: { kind: 'ScaledObject', name, minReplicas: 2, maxReplicas: 4 },
    quotaCharge: 16,
    pods: [
      {
        name: `${name}-7c9f-abcde`,
        namespace: 'ml-chat',
        phase: 'Running',
        ready: true,
        restarts: 0,
        gpus: 4,
        containers: [
          { name: 'vllm', ready: true, restartCount: 0, state: 'running' },
        ],
      },
    ],
    findings: [],
    updatedAt: NOW,
    metrics: {
      sampledAt: NOW,
      requestsPerSecond: 9.5,
      promptTokensPerSecond: 5837,
      generationTokensPerSecond: 1977,
      requestsRunning: 99,
      requestsWaiting: 7,
      kvCacheUsage: 0.42,
      kvCacheUsageMax: 0.5,
      ttftP95Seconds: 0.45,
      errorRate: 0,
      gpuUtilization: 0.78,
    },
    ...overrides,
  };
}

/** The demo's chat LLM that crash-loops with CUDA out of memory. */
export function oomWorkload(): InferenceWorkload {
  return workload({
    name: 'code-assistant-llm',
    gpusPerReplica: 1,
    autoscaler: undefined,
    quotaCharge: 2,
    replicas: { desired: 2, ready: 0 },
    pods: ['kp6qw', 'nj2kg'].map(suffix => ({
      name: `code-assistant-llm-78d4-${suffix}`,
      namespace: 'ml-chat',
      phase: 'Running' as const,
      ready: false,
      restarts: 2,
      gpus: 1,
      containers: [
        {
          name: 'vllm',
          ready: false,
          restartCount: 2,
          state: 'waiting' as const,
          reason: 'CrashLoopBackOff',
        },
      ],
    })),
    findings: [FINDINGS['cuda-oom'], FINDINGS['replicas-below-desired']],
    metrics: { sampledAt: NOW, gpuUtilization: 0 },
  });
}

export function costWindow(
  days: number,
  overrides: Partial<CostWindow['summary']> = {},
): CostWindow & { measuredShare: number } {
  return {
    days,
    from: '2026-10-29',
    to: '2026-11-27',
    measuredShare: 1,
    saasPrices: [
      {
        name: 'Hosted API, large model',
        inputUsdPerMillion: 3,
        outputUsdPerMillion: 15,
      },
    ],
    summary: {
      gpuHours: days * 192,
      costUsd: days * 1321,
      idleCostUsd: days * 1321 * 0.38,
      idlePercent: 38,
      tokens: { inputTokens: days * 4e8, outputTokens: days * 1.3e8 },
      costPerMillionTokensUsd: 2.49,
      saasComparison: [
        { name: 'Hosted API, large model', costUsd: days * 3150, ratio: 0.42 },
      ],
      byGpuType: [
        {
          gpuType: H100,
          gpuHours: days * 192,
          costUsd: days * 1321,
          idleCostUsd: days * 502,
          usdPerGpuHour: 6.88,
          isDefaultPrice: true,
        },
      ],
      unpricedGpuTypes: [],
      ...overrides,
    },
  };
}

export const READY_VERDICT: HeadroomVerdict = {
  verdict: 'ready',
  loadMultiplier: 10,
  targetLoad: 20,
  loadUnit: 'requests/s',
  replicasNeeded: 2,
  additionalReplicas: 0,
  gpusNeeded: 8,
  additionalGpus: 0,
  freeGpus: 6,
  growthRoomGpus: 8,
  capacityGpus: 14,
  additionalQuotaGpus: 0,
  quotaHeadroomGpus: 6,
  capacityShortfallGpus: 0,
  quotaShortfallGpus: 0,
  namespaceQuotaShortfallGpus: 0,
  maxReplicasTooLow: false,
  today: {
    desiredReplicas: 2,
    scheduledReplicas: 2,
    pendingReplicas: 0,
    missingReplicas: 0,
    capacityShortfallGpus: 0,
    namespaceQuotaShortfallGpus: 0,
  },
  actions: [],
  pools: [
    {
      cluster: 'gpu-us-east',
      pool: 'h100-pool',
      gpuType: H100,
      freeGpus: 6,
      growthRoomGpus: 8,
      allocatableGpus: 16,
      limitGpus: 24,
    },
  ],
  explanation:
    'At 10x load (20 requests/s) it needs 2 replicas (8 NVIDIA-H100-80GB-HBM3 GPUs), 0 more GPUs than it holds: ready (6 free + 8 pool growth; 0 need quota, 6 headroom).',
};

const QUOTA_BOUND_ACTIONS: HeadroomVerdict['actions'] = [
  {
    kind: 'raise-max-replicas',
    for: 'target',
    from: 4,
    to: 20,
    text: "Raise the autoscaler's maxReplicas from 4 to 20.",
  },
  {
    kind: 'add-gpus',
    for: 'target',
    gpus: 4,
    gpuType: H100,
    cluster: 'gpu-us-east',
    pool: 'h100-pool',
    from: 24,
    to: 28,
    text: 'Free or add 4 NVIDIA-H100-80GB-HBM3 GPUs in pool h100-pool (gpu-us-east): raise its NodePool limit (spec.limits nvidia.com/gpu) from 24 to 28.',
  },
  {
    kind: 'raise-platform-quota',
    for: 'target',
    gpus: 12,
    gpuType: H100,
    owner: 'group:default/ml-chat',
    from: 24,
    to: 36,
    text: 'Raise the platform quota of group:default/ml-chat on NVIDIA-H100-80GB-HBM3 from 24 to 36.',
  },
];

export const QUOTA_BOUND_VERDICT: HeadroomVerdict = {
  ...READY_VERDICT,
  verdict: 'quota-bound',
  binding: 'platform-quota',
  loadUnit: 'replicas',
  replicasNeeded: 20,
  additionalReplicas: 18,
  gpusNeeded: 20,
  additionalGpus: 18,
  additionalQuotaGpus: 18,
  capacityShortfallGpus: 4,
  quotaShortfallGpus: 12,
  maxReplicasTooLow: true,
  actions: QUOTA_BOUND_ACTIONS,
  explanation: `At 10x load (20 replicas) it needs 20 replicas (20 NVIDIA-H100-80GB-HBM3 GPUs), 18 more GPUs than it holds: quota-bound, 12 GPUs short: capacity 4 short (6 free + 8 pool growth); platform quota 12 short (18 need quota, 6 headroom). ${QUOTA_BOUND_ACTIONS.map(
    a => a.text,
  ).join(' ')}`,
};

const BLOCKED_ACTION: HeadroomVerdict['actions'][number] = {
  kind: 'add-gpus',
  for: 'today',
  gpus: 8,
  gpuType: 'NVIDIA-A100-SXM4-80GB',
  cluster: 'gpu-batch',
  pool: 'a100-pool',
  from: 8,
  to: 16,
  text: 'Free or add 8 NVIDIA-A100-SXM4-80GB GPUs in pool a100-pool (gpu-batch): raise its NodePool limit (spec.limits nvidia.com/gpu) from 8 to 16.',
};

/** The demo's doc-summariser: its second replica is Pending, its pool at its NodePool limit. */
export const BLOCKED_VERDICT: HeadroomVerdict = {
  ...READY_VERDICT,
  verdict: 'blocked',
  binding: 'capacity',
  targetLoad: 4.8,
  gpusNeeded: 16,
  additionalReplicas: 1,
  additionalGpus: 8,
  freeGpus: 0,
  growthRoomGpus: 0,
  capacityGpus: 0,
  quotaHeadroomGpus: 0,
  capacityShortfallGpus: 8,
  today: {
    desiredReplicas: 2,
    scheduledReplicas: 1,
    pendingReplicas: 1,
    missingReplicas: 0,
    capacityShortfallGpus: 8,
    namespaceQuotaShortfallGpus: 0,
  },
  actions: [BLOCKED_ACTION],
  explanation: `Today 1 of 2 replicas cannot run: 1 Pending (0/4 nodes are available: 3 node(s) didn't match Pod's node affinity/selector, 1 Insufficient nvidia.com/gpu.); 8 NVIDIA-A100-SXM4-80GB GPUs short (0 free + 0 pool growth in a100-pool (gpu-batch), NodePool limit 8 reached). At 10x load (4.8 requests/s) it needs 2 replicas (16 NVIDIA-A100-SXM4-80GB GPUs), 8 more GPUs than it holds: capacity 8 short (0 free + 0 pool growth). ${BLOCKED_ACTION.text}`,
};

/** The demo's code assistant, crash-looping on CUDA out of memory: no verdict at 10x. */
export const FAILING_VERDICT: HeadroomVerdict = {
  ...QUOTA_BOUND_VERDICT,
  verdict: 'failing',
  binding: undefined,
  failing: 'CUDA out of memory; 2 of 2 pods in CrashLoopBackOff',
  actions: [
    {
      kind: 'fix-failure',
      for: 'today',
      text: 'Fix why it is not serving first (CUDA out of memory; 2 of 2 pods in CrashLoopBackOff); a 10x verdict follows once its pods run.',
    },
  ],
  explanation:
    'No 10x verdict: it is not serving (CUDA out of memory; 2 of 2 pods in CrashLoopBackOff). Fix that first; its health findings say how.',
};

export const CHAT_QUOTA: QuotaStanding = {
  owner: 'group:default/ml-chat',
  gpuType: H100,
  limit: 24,
  used: 18,
  reserved: 2,
  headroom: 4,
  overLimit: false,
  workloads: [
    { id: 'gpu-us-east/ml-chat/Deployment/support-chat-llm', charge: 16 },
    { id: 'gpu-us-east/ml-chat/Deployment/code-assistant-llm', charge: 2 },
  ],
};

export function summary(
  overrides: Partial<EntityInferenceSummary> = {},
): EntityInferenceSummary {
  const workloads = overrides.workloads ?? [workload()];
  return {
    entityRef: 'component:default/support-chat-llm',
    owner: 'group:default/ml-chat',
    workloads,
    findings: workloads.flatMap(w => w.findings),
    cost: { last7d: costWindow(7), last30d: costWindow(30) },
    capacity: READY_VERDICT,
    quota: [CHAT_QUOTA],
    clusters: [cluster()],
    generatedAt: NOW,
    ...overrides,
  };
}

/** A summary of an entity that nothing links to. */
export function emptySummary(entityRef: string): EntityInferenceSummary {
  return summary({
    entityRef,
    workloads: [],
    findings: [],
    cost: {
      last7d: costWindow(7, {
        gpuHours: 0,
        costUsd: 0,
        idleCostUsd: 0,
        idlePercent: 0,
        byGpuType: [],
        saasComparison: [],
      }),
      last30d: costWindow(30, {
        gpuHours: 0,
        costUsd: 0,
        idleCostUsd: 0,
        idlePercent: 0,
        byGpuType: [],
        saasComparison: [],
      }),
    },
    capacity: undefined,
    quota: [],
    clusters: [],
  });
}

export const CLUSTERS: ClusterWithCapacity[] = [
  {
    ...cluster(),
    capacity: {
      cluster: 'gpu-us-east',
      updatedAt: NOW,
      pools: [
        {
          pool: 'h100-pool',
          gpuType: H100,
          nodes: 2,
          allocatable: 16,
          allocated: 10,
          free: 6,
          growthRoom: 8,
        },
        {
          pool: 'l4-pool',
          gpuType: 'NVIDIA-L4',
          nodes: 1,
          allocatable: 4,
          allocated: 4,
          free: 0,
          growthRoom: 4,
        },
      ],
    },
  },
  {
    ...cluster({
      name: 'gpu-eu-west',
      state: 'stale',
      lastError: 'watch timed out',
      lastSyncedAt: '2026-11-27T11:40:00.000Z',
    }),
    capacity: {
      cluster: 'gpu-eu-west',
      updatedAt: NOW,
      pools: [
        {
          pool: 'a100-pool',
          gpuType: 'NVIDIA-A100-SXM4-80GB',
          nodes: 1,
          allocatable: 8,
          allocated: 4,
          free: 4,
        },
      ],
    },
  },
];

export function platformOverview(): PlatformOverview {
  return {
    clusters: CLUSTERS.map(({ capacity: _, ...status }) => status),
    capacity: CLUSTERS.map(c => c.capacity!),
    quotas: [
      CHAT_QUOTA,
      {
        owner: 'group:default/ml-batch',
        gpuType: 'NVIDIA-A100-SXM4-80GB',
        limit: 16,
        used: 16,
        reserved: 0,
        headroom: 0,
        overLimit: false,
        workloads: [],
      },
    ],
    violations: [
      {
        kind: 'tag-only-image',
        workloadId: 'gpu-eu-west/ml-search/Deployment/search-reranker',
        owner: 'group:default/ml-search',
        message:
          'search-reranker runs vllm/vllm-openai:latest by tag: pin it by digest',
      },
      {
        kind: 'no-autoscaler-ceiling',
        workloadId: 'gpu-batch/ml-batch/Deployment/doc-summariser',
        owner: 'group:default/ml-batch',
        message:
          'doc-summariser has no autoscaler: it cannot follow load and holds 8 GPUs around the clock (16 charged for its 2 replicas)',
      },
    ],
    spend: {
      last7d: costWindow(7),
      last30d: costWindow(30, { idlePercent: 47.9 }),
    },
    idleByOwner: [
      {
        ref: 'group:default/ml-batch',
        costUsd: 9000,
        idleCostUsd: 7830,
        idlePercent: 87,
      },
    ],
    idleByService: [
      {
        ref: 'component:default/doc-summariser',
        costUsd: 9000,
        idleCostUsd: 7830,
        idlePercent: 87,
      },
    ],
    workloads: {
      total: 7,
      healthy: 3,
      warning: 1,
      critical: 3,
      gpusCharged: 50,
    },
    generatedAt: NOW,
  };
}

/** An API whose every method answers from the fixtures (the dev app's backend). */
export function fixtureInferenceApi(): InferenceApi {
  return {
    getHealth: async () => ({
      status: 'ok',
      database: { client: 'better-sqlite3', reachable: true },
    }),
    getEntitySummary: async () => summary(),
    getUsage: async () => ({
      granularity: 'day',
      points: [
        {
          t: '2026-11-26T00:00:00.000Z',
          bucketSeconds: 86400,
          allocatedGpus: 8,
          gpuHours: 192,
          costUsd: 1321,
          idleCostUsd: 380,
        },
        {
          t: '2026-11-27T00:00:00.000Z',
          bucketSeconds: 86400,
          allocatedGpus: 8,
          gpuHours: 192,
          costUsd: 1321,
          idleCostUsd: 502,
        },
      ],
    }),
    listClusters: async () => CLUSTERS,
    listWorkloads: async () => [workload(), oomWorkload()],
    listQuotas: async () => [CHAT_QUOTA],
    updateQuota: async request => ({
      ownerRef: request.owner,
      gpuType: request.gpuType,
      limit: request.limit,
      updatedBy: 'user:default/guest',
      updatedAt: NOW,
    }),
    removeQuota: async request => ({
      ownerRef: request.owner,
      gpuType: request.gpuType,
      previousLimit: 4,
      removedBy: 'user:default/guest',
      removedAt: NOW,
    }),
    getQuotaAudit: async () => [],
    getPlatformOverview: async () => platformOverview(),
    getClusterPlatform: async name => clusterPlatform(name),
  };
}

/** The demo's platform settings: a fleet-wide download rate, and a shared EFS cache on gpu-us-east. */
export function clusterPlatform(name: string) {
  const layers = [
    {
      at: 'inference.platform.defaults',
      overrides: { downloadMiBps: 200 },
    },
    ...(name === 'gpu-us-east'
      ? [
          {
            at: `inference.platform.clusters.${name}`,
            overrides: {
              modelCache: {
                mode: 'shared' as const,
                storageClassName: 'efs-sc',
                accessMode: 'ReadWriteMany' as const,
              },
            },
          },
        ]
      : []),
  ];
  const settings = resolveClusterPlatform(...layers.map(l => l.overrides));
  return {
    cluster: name,
    settings,
    summary: describeClusterPlatform(settings),
    sources: clusterPlatformSources(...layers),
  };
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { KubeConfig } from '@kubernetes/client-node';
import fc from 'fast-check';
import { createWorkloadModel } from '../workloads/createWorkloadModel';
import { TRACKED_RESOURCES } from '../tracking/resources';
import { screenObject, skippedOf } from '../tracking/screenObject';
import { ClusterObjects, deriveWorkloads } from '../workloads/deriveWorkloads';
import { EntityIndex } from '../workloads/entityIndex';

jest.setTimeout(120_000);

/*
 * Derivation, fuzzed: arbitrary valid-JSON objects shaped loosely like every tracked kind (a plausible object of the
 * kind with random subtrees replaced by any JSON value, or removed), mixed with well-formed GPU workloads. Whatever
 * the cluster holds, derivation never throws, every well-formed workload is still derived as it would be alone, and
 * every object the tracker cannot read is reported on its cluster's status (kind, namespace, name and why) and logged
 * once, not at every recomputation.
 */

const RUNS = Number(process.env.RELIABILITY_FUZZ_RUNS ?? 150);
const SEED = process.env.RELIABILITY_FUZZ_SEED
  ? Number(process.env.RELIABILITY_FUZZ_SEED)
  : undefined;
const CLUSTER = 'fuzz-cluster';
const WELL = 'fuzz-well-formed';
const GOOD_NODE = 'fuzz-good-node';
const GOOD_POOL = 'fuzz-good-pool';
const PRODUCT = 'NVIDIA-H100-80GB-HBM3';

type Json = Record<string, any>;
type Lists = Record<string, unknown[]>;

const RESOURCE_IDS = TRACKED_RESOURCES.map(r => r.id);
const emptyLists = (): Lists =>
  Object.fromEntries(RESOURCE_IDS.map(id => [id, []]));

// ---------------------------------------------------------------- well-formed

interface GoodWorkload {
  name: string;
  gpus: number;
  replicas: number;
  /** Quantities as the API server writes them (strings), or as a custom resource may keep them (numbers). */
  asNumber: boolean;
}

const goodWorkloads: fc.Arbitrary<GoodWorkload[]> = fc.uniqueArray(
  fc.record({
    name: fc.integer({ min: 0, max: 99 }).map(i => `good-${i}`),
    gpus: fc.integer({ min: 1, max: 8 }),
    replicas: fc.integer({ min: 0, max: 4 }),
    asNumber: fc.boolean(),
  }),
  { minLength: 1, maxLength: 4, selector: w => w.name },
);

function gpuContainer(gpus: number | string) {
  return {
    name: 'vllm',
    image: 'vllm/vllm-openai:v0.6.3',
    args: ['--model', 'Qwen/Qwen2.5-7B-Instruct'],
    resources: {
      limits: { 'nvidia.com/gpu': gpus },
      requests: { 'nvidia.com/gpu': gpus },
    },
  };
}

/** A GPU node, and per workload a Deployment, its ReplicaSet and running pods on that node. */
function wellFormedObjects(good: GoodWorkload[]): Lists {
  const lists = emptyLists();
  lists.nodes.push({
    metadata: {
      name: GOOD_NODE,
      labels: {
        'karpenter.sh/nodepool': GOOD_POOL,
        'nvidia.com/gpu.product': PRODUCT,
        'nvidia.com/gpu.count': '8',
      },
    },
    status: {
      allocatable: { 'nvidia.com/gpu': '8' },
      capacity: { 'nvidia.com/gpu': '8' },
    },
  });
  for (const w of good) {
    const quantity = w.asNumber ? w.gpus : String(w.gpus);
    lists.deployments.push({
      metadata: { name: w.name, namespace: WELL, uid: `uid-${w.name}` },
      spec: {
        replicas: w.replicas,
        selector: { matchLabels: { app: w.name } },
        template: {
          metadata: { labels: { app: w.name } },
          spec: { containers: [gpuContainer(quantity)] },
        },
      },
      status: { replicas: w.replicas, readyReplicas: w.replicas },
    });
    lists.replicasets.push({
      metadata: {
        name: `${w.name}-rs`,
        namespace: WELL,
        ownerReferences: [{ kind: 'Deployment', name: w.name }],
      },
      spec: { replicas: w.replicas },
    });
    for (let i = 0; i < w.replicas; i++) {
      lists.pods.push({
        metadata: {
          name: `${w.name}-rs-${i}`,
          namespace: WELL,
          ownerReferences: [{ kind: 'ReplicaSet', name: `${w.name}-rs` }],
        },
        spec: { nodeName: GOOD_NODE, containers: [gpuContainer(quantity)] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [
            {
              name: 'vllm',
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: '2026-01-01T00:00:00Z' } },
            },
          ],
        },
      });
    }
  }
  return lists;
}

/** The well-formed workloads must come out as they went in, whatever else the cluster holds. */
function expectWellFormedDerived(
  workloads: Array<Json>,
  good: GoodWorkload[],
): void {
  for (const w of good) {
    const found = workloads.find(
      x => x.id === `${CLUSTER}/${WELL}/Deployment/${w.name}`,
    );
    expect(found).toMatchObject({
      gpusPerReplica: w.gpus,
      replicas: { desired: w.replicas, ready: w.replicas },
      runtime: 'vllm',
      model: 'Qwen/Qwen2.5-7B-Instruct',
    });
    expect(found!.pods).toHaveLength(w.replicas);
    // from the nodes its pods run on; without pods (and no node selector) it is not known
    expect(found!.gpuType).toBe(w.replicas > 0 ? PRODUCT : undefined);
  }
}

// ---------------------------------------------------------------- loosely shaped

const podSpec = {
  nodeName: 'junk-node',
  nodeSelector: { 'nvidia.com/gpu.product': PRODUCT },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              {
                key: 'nvidia.com/gpu.product',
                operator: 'In',
                values: [PRODUCT],
              },
            ],
          },
        ],
      },
    },
  },
  containers: [
    {
      name: 'vllm',
      image: 'vllm/vllm-openai:v0.6.3',
      command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      args: ['--model', 'meta-llama/Llama-3.1-8B', '--max-model-len', '8192'],
      ports: [{ name: 'http', containerPort: 8000 }],
      resources: {
        limits: { 'nvidia.com/gpu': '1', memory: '64Gi' },
        requests: { 'nvidia.com/gpu': '1', cpu: '4' },
      },
    },
  ],
};

const template = {
  metadata: {
    labels: {
      app: 'junk',
      'backstage.io/kubernetes-id': 'junk',
      'inference-platform.io/owner': 'ml-chat',
    },
  },
  spec: podSpec,
};

const containerStatus = {
  name: 'vllm',
  ready: false,
  restartCount: 7,
  image: 'vllm/vllm-openai:v0.6.3',
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s' } },
  lastState: {
    terminated: {
      exitCode: 1,
      reason: 'Error',
      message:
        'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
    },
  },
};

/** A plausible object of each tracked kind, as an API server would send it. */
const BASES: Record<string, (name: string, ns: string) => Json> = {
  pods: (name, ns) => ({
    metadata: {
      name,
      namespace: ns,
      labels: template.metadata.labels,
      ownerReferences: [{ kind: 'ReplicaSet', name: 'junk-rs', uid: 'u' }],
    },
    spec: podSpec,
    status: {
      phase: 'Running',
      startTime: '2026-01-01T00:00:00Z',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
      ],
      containerStatuses: [containerStatus],
    },
  }),
  events: (name, ns) => ({
    metadata: { name, namespace: ns },
    type: 'Warning',
    reason: 'FailedScheduling',
    message: '0/3 nodes are available: 3 Insufficient nvidia.com/gpu.',
    count: 4,
    involvedObject: { kind: 'Pod', name: 'junk-pod', namespace: ns },
    source: { component: 'default-scheduler' },
    firstTimestamp: '2026-01-01T00:00:00Z',
    lastTimestamp: '2026-01-01T00:05:00Z',
    eventTime: null,
  }),
  nodes: name => ({
    metadata: {
      name,
      labels: {
        'nvidia.com/gpu.product': PRODUCT,
        'nvidia.com/gpu.count': '8',
        'nvidia.com/cuda.driver.major': '550',
        'karpenter.sh/nodepool': 'junk-pool',
      },
    },
    spec: { taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }] },
    status: {
      capacity: { 'nvidia.com/gpu': '8', cpu: '96' },
      allocatable: { 'nvidia.com/gpu': '8', 'nvidia.com/mig-1g.10gb': '7' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  }),
  resourcequotas: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: { hard: { 'requests.nvidia.com/gpu': '4' } },
    status: {
      hard: { 'requests.nvidia.com/gpu': '4' },
      used: { 'requests.nvidia.com/gpu': '4' },
    },
  }),
  deployments: (name, ns) => ({
    metadata: { name, namespace: ns, labels: template.metadata.labels },
    spec: { replicas: 2, selector: { matchLabels: { app: 'junk' } }, template },
    status: { replicas: 2, readyReplicas: 1, availableReplicas: 1 },
  }),
  statefulsets: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: { replicas: 1, template },
    status: { readyReplicas: 0 },
  }),
  replicasets: (name, ns) => ({
    metadata: {
      name,
      namespace: ns,
      ownerReferences: [{ kind: 'Deployment', name: 'junk-deploy', uid: 'u' }],
    },
    spec: { replicas: 2 },
    status: { replicas: 2, readyReplicas: 1 },
  }),
  horizontalpodautoscalers: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'junk-deploy',
      },
      minReplicas: 1,
      maxReplicas: 8,
    },
    status: { currentReplicas: 2, desiredReplicas: 2 },
  }),
  scaledobjects: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: { name: 'junk-deploy' },
      minReplicaCount: 0,
      maxReplicaCount: 10,
      triggers: [
        {
          type: 'prometheus',
          metadata: { query: 'sum(vllm:num_requests_waiting)', threshold: '5' },
        },
      ],
    },
  }),
  nodepools: name => ({
    metadata: { name },
    spec: {
      limits: { 'nvidia.com/gpu': 32, cpu: '1000' },
      template: {
        metadata: { labels: { 'nvidia.com/gpu.product': PRODUCT } },
        spec: {
          requirements: [
            {
              key: 'node.kubernetes.io/instance-type',
              operator: 'In',
              values: ['p5.48xlarge'],
            },
          ],
        },
      },
    },
    status: { resources: { 'nvidia.com/gpu': '8' } },
  }),
  inferenceservices: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: {
      predictor: {
        minReplicas: 1,
        maxReplicas: 4,
        model: {
          modelFormat: { name: 'huggingface' },
          args: ['--model_name=llama'],
          resources: { limits: { 'nvidia.com/gpu': '1' } },
        },
      },
    },
  }),
  leaderworkersets: (name, ns) => ({
    metadata: { name, namespace: ns },
    spec: {
      replicas: 1,
      leaderWorkerTemplate: {
        size: 2,
        leaderTemplate: template,
        workerTemplate: template,
      },
    },
    status: { readyReplicas: 0 },
  }),
};

/** Every path of an object (keys and list indices), the root excluded. */
function pathsOf(
  value: unknown,
  prefix: Array<string | number> = [],
): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => {
    const path = [...prefix, key];
    return [path, ...pathsOf(child, path)];
  });
}

function setPath(target: Json, path: Array<string | number>, value: unknown) {
  let at: any = target;
  for (const key of path.slice(0, -1)) {
    if (at === null || typeof at !== 'object') return;
    at = at[key];
  }
  if (at === null || typeof at !== 'object') return;
  const last = path[path.length - 1];
  // a copy: fast-check may hand out the same value twice, and later mutations must not make it cyclic
  if (value === undefined) delete at[last];
  else at[last] = structuredClone(value);
}

/** A mutation: which path (an index into the object's paths) and what goes there (`undefined` removes it). */
const mutation = fc.tuple(
  fc.nat(),
  fc.oneof(
    { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  ),
);

interface Junk {
  resource: string;
  raw: unknown;
}

/** An object loosely shaped like a tracked kind: its base with random subtrees replaced, or any JSON at all. */
const junk: fc.Arbitrary<Junk> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record({
        resource: fc.constantFrom(...RESOURCE_IDS),
        namespace: fc.constantFrom('junk-a', 'junk-b'),
        name: fc.integer({ min: 0, max: 20 }).map(i => `junk-${i}`),
        mutations: fc.array(mutation, { minLength: 0, maxLength: 4 }),
      })
      .map(({ resource, namespace, name, mutations }) => {
        const raw = JSON.parse(
          JSON.stringify(BASES[resource](name, namespace)),
        );
        for (const [index, value] of mutations) {
          const paths = pathsOf(raw);
          if (paths.length) setPath(raw, paths[index % paths.length], value);
        }
        return { resource, raw };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      resource: fc.constantFrom(...RESOURCE_IDS),
      raw: fc.jsonValue({ maxDepth: 3 }),
    }),
  },
);

const junkObjects = fc.array(junk, { maxLength: 24 });

// ---------------------------------------------------------------- helpers

function recordingLogger(lines: string[]): LoggerService {
  const logger: LoggerService = {
    error: message => void lines.push(`error ${message}`),
    warn: message => void lines.push(`warn ${message}`),
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

function offlineConnection() {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: CLUSTER, server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'u' }],
    currentContext: CLUSTER,
  });
  return { name: CLUSTER, url: 'https://127.0.0.1:1', kubeConfig };
}

const keyOf = (o: unknown) => {
  const meta = (o as Json)?.metadata;
  return `${meta?.namespace ?? ''}/${meta?.name ?? ''}`;
};

function clusterObjects(lists: Lists): ClusterObjects {
  return { cluster: CLUSTER, ...(lists as any) };
}

// ---------------------------------------------------------------- properties

describe('derivation fuzzed with loosely shaped objects of every tracked kind', () => {
  const entities = EntityIndex.fromEntities([]);
  const now = new Date('2026-01-01T01:00:00Z');

  it('deriveWorkloads never throws, derives the well-formed workloads and reports what it leaves out', () => {
    const stats = { reported: 0, junkDerived: 0 };
    fc.assert(
      fc.property(goodWorkloads, junkObjects, (good, junks) => {
        const lists = wellFormedObjects(good);
        for (const { resource, raw } of junks) lists[resource].push(raw);
        const reported: Json[] = [];
        const workloads = deriveWorkloads(clusterObjects(lists), entities, {
          now,
          onSkip: skipped => reported.push(skipped),
        });
        expectWellFormedDerived(workloads, good);
        if (reported.length) stats.reported += 1;
        if (workloads.some(w => w.namespace !== WELL)) stats.junkDerived += 1;
        for (const skipped of reported) {
          expect(skipped).toEqual({
            kind: expect.any(String),
            name: expect.any(String),
            reason: expect.stringMatching(/^could not be derived: \S/),
            namespace: skipped.namespace ?? undefined,
          });
          expect(['string', 'undefined']).toContain(typeof skipped.namespace);
          // well-formed objects are never the ones left out
          expect(skipped.namespace).not.toBe(WELL);
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    // the junk both broke derivation and, mutated less, was derived alongside the well-formed workloads
    expect(stats.reported).toBeGreaterThan(RUNS / 10);
    expect(stats.junkDerived).toBeGreaterThan(RUNS / 10);
  });

  it('the tracker derives the well-formed workloads, reports every object it cannot read, and logs each once', () => {
    const stats = { skipped: 0 };
    fc.assert(
      fc.property(goodWorkloads, junkObjects, (good, junks) => {
        const lines: string[] = [];
        const tracker = createWorkloadModel(
          [offlineConnection()],
          recordingLogger(lines),
          { recomputeDelayMs: 60_000 },
        );
        try {
          const [cluster] = tracker.fleet.clusters();
          const raws = wellFormedObjects(good);
          for (const { resource, raw } of junks) raws[resource].push(raw);
          // what each cache ends up holding: the last object of each namespace/name, as the API server keys them
          const expectedSkipped = new Map<string, Json>();
          for (const resource of TRACKED_RESOURCES) {
            const screened = raws[resource.id]
              .map(raw => screenObject(resource, raw))
              .filter(Boolean);
            cluster.cache(resource.id).replace(screened);
            const last = new Map(screened.map(s => [keyOf(s), s]));
            for (const entry of last.values()) {
              const skipped = skippedOf(entry);
              if (skipped)
                expectedSkipped.set(`${skipped.kind} ${keyOf(entry)}`, skipped);
            }
          }
          tracker.flush(now);

          expectWellFormedDerived(tracker.workloads(), good);
          const pool = tracker
            .capacity()[0]
            .pools.find(p => p.pool === GOOD_POOL);
          expect(pool).toMatchObject({
            gpuType: PRODUCT,
            allocatable: 8,
            allocated: Math.min(
              8,
              good.reduce((sum, w) => sum + w.gpus * w.replicas, 0),
            ),
          });

          const [status] = tracker.clusterStatuses();
          // no whole-cluster failure: every problem is one object's
          expect(lines.filter(l => l.startsWith('error'))).toEqual([]);
          expect(status.degradedReason ?? '').not.toMatch(
            /deriving workloads failed/,
          );
          const reported = status.skippedObjects ?? [];
          if (reported.length) stats.skipped += 1;
          for (const skipped of expectedSkipped.values()) {
            expect(reported).toContainEqual(skipped);
            expect(skipped.reason).toMatch(/\S/);
          }
          expect(reported.some(s => s.namespace === WELL)).toBe(false);
          // degraded with the count while anything is skipped, not at all otherwise
          expect(status.degradedReason ?? '').toMatch(
            reported.length > 0
              ? new RegExp(`^${reported.length} objects? skipped: `)
              : /^$/,
          );

          // logged once per object: a recomputation after an unrelated change says nothing new
          const warnings = lines.filter(l => l.startsWith('warn')).length;
          expect(warnings).toBe(reported.length);
          expect(status.derivationErrors).toBe(warnings);
          cluster.cache('nodes').upsert(raws.nodes[0] as Json);
          tracker.flush(now);
          expect(lines.filter(l => l.startsWith('warn'))).toHaveLength(
            warnings,
          );
        } finally {
          tracker.fleet.stop();
        }
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    expect(stats.skipped).toBeGreaterThan(RUNS / 10);
  });

  describe('regressions', () => {
    it('derives a Deployment whose GPU limit is the number 1 (was: TypeError quantity.trim is not a function for every cluster)', () => {
      const lists = wellFormedObjects([
        { name: 'number-quantity', gpus: 1, replicas: 1, asNumber: true },
      ]);
      const [workload] = deriveWorkloads(clusterObjects(lists), entities, {
        now,
      });
      expect(workload).toMatchObject({
        name: 'number-quantity',
        gpusPerReplica: 1,
      });
    });
  });
});

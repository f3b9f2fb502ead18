import {
  checkPodSecurity,
  ClusterPlatformSettings,
  podTemplatesOf,
  resolveClusterPlatform,
  startupBudget,
} from '@inference-platform/plugin-inference-common';
import path from 'node:path';
import yaml from 'yaml';
import {
  renderManifests,
  startRenderBackend,
} from './__testUtils__/renderManifests';

jest.setTimeout(180_000);

// HOSTILE_TEMPLATES_DIR points the test at another copy of templates/ (e.g. an older revision, to see it fail)
const templatesDir =
  process.env.HOSTILE_TEMPLATES_DIR ??
  // eslint-disable-next-line no-restricted-syntax -- tests run from source
  path.resolve(__dirname, '../../../templates');

type Values = Record<string, unknown>;

/**
 * One way to fill a template: the form's values and the earlier steps' outputs that reach its skeleton. Every string
 * is distinct and appears in no fixed text of the templates, so each can be traced into the rendered objects.
 */
interface Variant {
  title: string;
  template: string;
  parameters: Values;
  steps?: Record<string, Values>;
  /** Values that choose a branch of the skeleton (enums): they stay as they are. */
  branches: string[];
  /** Keys of the earlier steps' outputs that choose a branch of the skeleton: they stay as they are. */
  stepBranches?: string[];
  /** Values whose start chooses a branch (`pvc://...`): hostile text only goes after it. */
  suffixOnly?: string[];
  /**
   * Free values the skeleton does not render verbatim (unused, or only parts of them): parameter keys, and paths
   * into the earlier steps' outputs as `steps.<step>.<key>...` (a path covers everything under it).
   */
  unrendered?: string[];
  /** Strings the skeleton cuts out of a value (the group of an owner ref...), from the values given. */
  derived?: (parameters: Values) => Record<string, string>;
  /** `apiVersion kind [namespace/]name` of each document, per rendered file. */
  objects: Record<string, string[]>;
}

function modelService(name: string, more: Record<string, string[]>) {
  return {
    'catalog-info.yaml': [`backstage.io/v1alpha1 Component ${name}`],
    'kubernetes/deployment.yaml': [`apps/v1 Deployment ${name}`],
    'kubernetes/networkpolicy.yaml': [
      `networking.k8s.io/v1 NetworkPolicy ${name}`,
    ],
    'kubernetes/pdb.yaml': [`policy/v1 PodDisruptionBudget ${name}`],
    'kubernetes/service.yaml': [`v1 Service ${name}`],
    'kubernetes/servicemonitor.yaml': [
      `monitoring.coreos.com/v1 ServiceMonitor ${name}`,
    ],
    ...more,
  };
}

const groupOf = (p: Values) => ({
  group: String(p.owner).split('/').pop()!,
});

/**
 * The output of `inference:cluster:settings` for a cluster whose platform settings (app-config `inference.platform`)
 * use names found in no fixed text of the templates, and, with a plan, the start-up budget it sizes.
 */
function clusterSettingsStep(
  modelCache: ClusterPlatformSettings['modelCache'],
  plan?: { weightsGiB: number; tensorParallelSize: number },
) {
  const settings = resolveClusterPlatform({
    prometheusUrl: 'http://metrics-gateway.telemetry.svc:9091',
    monitoringNamespace: 'scrape-stack',
    ingress: {
      namespace: 'edge-routers',
      className: 'edge-lb',
      domain: 'models.corp.test',
    },
    httpAddOn: {
      namespace: 'wake-proxy',
      interceptorService: 'request-holder',
      interceptorPort: 8181,
    },
    apiServerCidrs: ['10.77.0.0/16'],
    modelCache,
  });
  return {
    settings,
    ...(plan && {
      startup: startupBudget({
        weightsGiBPerGpu: plan.weightsGiB,
        tensorParallelSize: plan.tensorParallelSize,
        settings,
      }),
    }),
  } as unknown as Values;
}

const SHARED_CACHE = {
  mode: 'shared',
  storageClassName: 'files-for-all',
  accessMode: 'ReadWriteMany',
} as const;
const CACHE_PER_REPLICA = {
  mode: 'per-replica',
  storageClassName: 'disk-per-pod',
  accessMode: 'ReadWriteOnce',
} as const;

/** Settings no service template renders: the ingress controller's namespace, and the Pod Security level. */
const SETTINGS_NEVER_RENDERED = [
  'steps.settings.settings.ingress.namespace',
  'steps.settings.settings.podSecurity',
];
/** Settings of scale to zero alone: the Ingress and the KEDA HTTP add-on. */
const SCALE_TO_ZERO_SETTINGS = [
  'steps.settings.settings.ingress',
  'steps.settings.settings.httpAddOn',
];

const VLLM: Omit<Variant, 'title'> = {
  template: 'vllm-model-service',
  parameters: {
    name: 'faq-bot',
    description: 'Answers FAQ',
    owner: 'group:default/ml-chat',
    system: 'ai-platform',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    cluster: 'gpu-us-east',
    namespace: 'chat-prod',
    minReplicas: 1,
    maxReplicas: 2,
    autoscaling: 'keda-queue',
    queueTarget: 5,
    scaleToZero: false,
    ttftTargetMs: 800,
    delivery: 'apply',
  },
  steps: {
    plan: {
      gpuType: 'NVIDIA-L4',
      gpusPerReplica: 1,
      tensorParallelSize: 1,
      replicas: 1,
      vllmArgs: ['--max-model-len=8192', '--gpu-memory-utilization=0.9'],
      memoryGiB: { weightsGiB: 15 },
      maxConcurrencyPerReplica: 24,
      plan: '{"planner":"benign-plan"}',
    },
    settings: clusterSettingsStep(CACHE_PER_REPLICA, {
      weightsGiB: 15,
      tensorParallelSize: 1,
    }),
    image: {
      image: `docker.io/vllm/vllm-openai@sha256:${'1'.repeat(64)}`,
    },
  },
  branches: ['autoscaling', 'delivery'],
  stepBranches: ['mode'],
  unrendered: [...SETTINGS_NEVER_RENDERED, ...SCALE_TO_ZERO_SETTINGS],
  derived: groupOf,
  objects: modelService('faq-bot', {
    'kubernetes/autoscaler.yaml': ['keda.sh/v1alpha1 ScaledObject faq-bot'],
    'kubernetes/ingress.yaml': [],
    'kubernetes/pvc.yaml': [],
    'platform/prometheus-adapter-rule.yaml': [],
  }),
};

const TRITON: Omit<Variant, 'title'> = {
  template: 'triton-inference-service',
  parameters: {
    name: 'image-tagger',
    description: 'Tags images',
    owner: 'group:default/ml-vision',
    system: 'vision-system',
    modelName: 'resnet50',
    modelRepository: 'pvc://model-store/resnet-repo',
    cluster: 'gpu-eu-west',
    namespace: 'vision-prod',
    gpuType: 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
    minReplicas: 1,
    maxReplicas: 3,
    scaleOn: 'queue-time',
    queueTargetMs: 50,
    delivery: 'apply',
  },
  steps: {
    settings: clusterSettingsStep(SHARED_CACHE),
    image: {
      image: `nvcr.io/nvidia/tritonserver@sha256:${'3'.repeat(64)}`,
    },
  },
  branches: ['scaleOn', 'delivery'],
  suffixOnly: ['modelRepository'],
  // Triton reads its models from the repository: no model cache
  unrendered: [
    'modelRepository',
    'steps.settings.settings.modelCache',
    ...SETTINGS_NEVER_RENDERED,
    ...SCALE_TO_ZERO_SETTINGS,
  ],
  // the product selects the nodes, the MIG profile names the GPU resource, the path after the claim locates the models
  derived: p => ({
    ...groupOf(p),
    product: String(p.gpuType).split('-MIG-')[0],
    migProfile: String(p.gpuType).split('-MIG-')[1] ?? '',
    repositoryPath: String(p.modelRepository)
      .slice(6)
      .split('/')
      .slice(1)
      .join('/'),
  }),
  objects: modelService('image-tagger', {
    'kubernetes/scaledobject.yaml': [
      'keda.sh/v1alpha1 ScaledObject image-tagger',
    ],
    'kubernetes/serviceaccount.yaml': [],
  }),
};

const TEI: Omit<Variant, 'title'> = {
  template: 'text-embeddings-service',
  parameters: {
    name: 'doc-embedder',
    description: 'Embeds documents',
    owner: 'group:default/ml-search',
    system: 'search-system',
    model: 'BAAI/bge-large-en-v1.5',
    maxBatchTokens: 16384,
    cluster: 'gpu-us-east',
    namespace: 'search-prod',
    gpuType: 'NVIDIA-L4',
    minReplicas: 1,
    maxReplicas: 2,
    requestsPerReplica: 40,
    delivery: 'apply',
  },
  steps: {
    settings: clusterSettingsStep(SHARED_CACHE),
    image: {
      image: `ghcr.io/huggingface/text-embeddings-inference@sha256:${'5'.repeat(
        64,
      )}`,
    },
  },
  branches: ['delivery'],
  stepBranches: ['mode'],
  unrendered: [...SETTINGS_NEVER_RENDERED, ...SCALE_TO_ZERO_SETTINGS],
  derived: groupOf,
  objects: modelService('doc-embedder', {
    'kubernetes/scaledobject.yaml': [
      'keda.sh/v1alpha1 ScaledObject doc-embedder',
    ],
    'kubernetes/pvc.yaml': [
      'v1 PersistentVolumeClaim doc-embedder-model-cache',
    ],
  }),
};

const VARIANTS: Variant[] = [
  { title: 'vLLM, KEDA on queue depth, one GPU', ...VLLM },
  {
    title: 'vLLM, custom model, KEDA on KV-cache usage, scale to zero, 2 GPUs',
    ...VLLM,
    parameters: {
      ...VLLM.parameters,
      model: 'custom',
      customModel: 'acme/faq-model',
      autoscaling: 'keda-kv-cache',
      scaleToZero: true,
    },
    steps: {
      ...VLLM.steps,
      plan: { ...VLLM.steps!.plan, gpusPerReplica: 2, tensorParallelSize: 2 },
      settings: clusterSettingsStep(SHARED_CACHE, {
        weightsGiB: 15,
        tensorParallelSize: 2,
      }),
    },
    branches: [...VLLM.branches, 'model'],
    // the KEDA HTTP add-on scales on the requests its interceptor holds: no Prometheus query
    unrendered: [
      ...SETTINGS_NEVER_RENDERED,
      'steps.settings.settings.prometheusUrl',
    ],
    objects: {
      ...VLLM.objects,
      'kubernetes/autoscaler.yaml': [
        'http.keda.sh/v1alpha1 HTTPScaledObject faq-bot',
      ],
      'kubernetes/ingress.yaml': [
        'v1 Service faq-bot-interceptor',
        'networking.k8s.io/v1 Ingress faq-bot',
      ],
      'kubernetes/pvc.yaml': ['v1 PersistentVolumeClaim faq-bot-model-cache'],
    },
  },
  {
    title: 'vLLM, HPA fallback, two replicas at least, published to git',
    ...VLLM,
    parameters: {
      ...VLLM.parameters,
      autoscaling: 'hpa',
      minReplicas: 2,
      delivery: 'git',
    },
    steps: {
      ...VLLM.steps,
      settings: clusterSettingsStep(
        {
          mode: 'node-local',
          storageClassName: 'unused-class',
          accessMode: 'ReadWriteOnce',
        },
        { weightsGiB: 15, tensorParallelSize: 1 },
      ),
    },
    // the HPA reads the custom metrics API (prometheus-adapter), and the cache is the node's disk
    unrendered: [
      ...VLLM.unrendered!,
      'steps.settings.settings.prometheusUrl',
      'steps.settings.settings.modelCache',
    ],
    objects: {
      ...VLLM.objects,
      'kubernetes/autoscaler.yaml': [
        'autoscaling/v2 HorizontalPodAutoscaler faq-bot',
      ],
      'platform/prometheus-adapter-rule.yaml': ['(no object) rules'],
    },
  },
  {
    title: 'Triton, PVC model repository on a MIG slice, queue time',
    ...TRITON,
  },
  {
    title: 'Triton, object storage on a whole GPU, pending requests',
    ...TRITON,
    parameters: {
      ...TRITON.parameters,
      modelRepository: 's3://models/resnet-repo',
      s3RoleArn: 'arn:aws:iam::123456789012:role/model-reader',
      gpuType: 'Tesla-T4',
      scaleOn: 'pending-requests',
    },
    unrendered: TRITON.unrendered!.filter(u => u !== 'modelRepository'),
    derived: groupOf,
    objects: {
      ...TRITON.objects,
      'kubernetes/serviceaccount.yaml': ['v1 ServiceAccount image-tagger'],
    },
  },
  { title: 'text-embeddings-inference', ...TEI },
  {
    title: 'GPU node pool and team quota',
    template: 'gpu-node-pool',
    parameters: {
      name: 'inference-pool',
      gpuType: 'NVIDIA-L4',
      gpuCounts: ['gpus-1', 'gpus-4'],
      capacityTypes: ['on-demand', 'spot'],
      gpuLimit: 16,
      nodeClass: 'gpu-nodes',
      consolidateAfter: '30m',
      expireAfter: '720h',
      team: 'group:default/ml-batch',
      teamNamespace: 'batch-prod',
      teamGpus: 8,
      cluster: 'gpu-batch',
      delivery: 'apply',
    },
    // the shape inference:cluster:settings gives a GPU type, with names found in no fixed text of the template
    steps: {
      settings: {
        nodeRequirements: [
          {
            key: 'example.test/gpu-memory-floor',
            operator: 'Gt',
            values: ['gpu-mib-floor'],
          },
          {
            key: 'example.test/gpu-memory-ceiling',
            operator: 'Lt',
            values: ['gpu-mib-ceiling'],
          },
        ],
        migQuota: [{ resource: 'example.test/slice-2g', perGpu: 3 }],
      },
    },
    branches: ['delivery'],
    unrendered: ['team', 'cluster'],
    objects: {
      'kubernetes/nodepool.yaml': ['karpenter.sh/v1 NodePool inference-pool'],
      'kubernetes/resourcequota.yaml': [
        'v1 ResourceQuota batch-prod/team-gpu-quota',
      ],
    },
  },
];

/** What a value may carry to break out of its YAML scalar (or of a PromQL string inside one), at its start and end. */
const PAYLOADS: Array<[string, string]> = [
  [
    'a second document (a privileged Pod in kube-system)',
    '\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pwn\n  namespace: kube-system\nspec:\n  hostPID: true\n  containers: [{name: x, image: x, securityContext: {privileged: true}}]\n',
  ],
  ['a key on the next line', '\n    injected: true'],
  ['a mapping after ": "', ': {injected: true}'],
  ['an opening brace', '{'],
  ['a closing brace and a new flow entry', '}], injected: [{'],
  ['a scaffolder expression', '${{ 7*7 }}'],
  ['a nunjucks expression and tag', '{{ x }}{% raw %}'],
  ['a comment', ' # the rest is a comment'],
  ['quotes and backslashes', `' " \\" \\`],
  ['Unicode line separators', '\u2028injected: true\u2029\u0085'],
  ['a PromQL selector break-out', '"} or vector(1000) or up{job="'],
  ['a tag, an anchor and an alias', '!!binary &a *a'],
  ['YAML indicators', '- ? | > % @ ` [ ]'],
  ['a very long string', 'x'.repeat(5000)],
];

/**
 * Puts `payload` before and after every string of `value` (arrays and objects included), except the keys in `keep`;
 * only after the strings of the keys in `suffixOnly`.
 */
function withPayload(
  value: unknown,
  payload: string,
  keep: string[] = [],
  suffixOnly: string[] = [],
) {
  const walk = (v: unknown, prefix: string): unknown => {
    if (typeof v === 'string') return prefix + v + payload;
    if (Array.isArray(v)) return v.map(x => walk(x, prefix));
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [
          k,
          keep.includes(k) ? x : walk(x, suffixOnly.includes(k) ? '' : prefix),
        ]),
      );
    return v;
  };
  return walk(value, payload) as Values;
}

/** Every key of the objects in `value`, at any depth. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  return [];
}

/** Every string of `value` with its path (`a.b.0`), in order. */
function leaves(value: unknown, at: string): Array<[string, string]> {
  if (typeof value === 'string') return [[at, value]];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      leaves(v, at ? `${at}.${k}` : k),
    );
  return [];
}

/** Every string of `value` in order, to pair the strings of two values of the same shape. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object')
    return Object.values(value).flatMap(strings);
  return [];
}

/** Replaces, in every key and string of `value`, each first string of `pairs` with its second (longest first). */
function substitute(value: unknown, pairs: Array<[string, string]>): unknown {
  const sorted = pairs
    .filter(([from]) => from.length > 0)
    .sort((a, b) => b[0].length - a[0].length);
  const to = new Map(sorted);
  const pattern = new RegExp(
    sorted
      .map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  const swap = (s: string) => s.replace(pattern, found => to.get(found)!);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return swap(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v).map(([k, x]) => [swap(k), walk(x)]),
      );
    return v;
  };
  return walk(value);
}

/** The YAML documents of every rendered file (parse errors fail the test, with the file named). */
function documentsOf(files: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(files)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([file, text]) => {
        const documents = yaml.parseAllDocuments(text);
        const errors = documents.flatMap(d => d.errors.map(e => e.message));
        if (errors.length > 0) {
          throw new Error(`${file} is not valid YAML: ${errors[0]}`);
        }
        return [file, documents.map(d => d.toJS())];
      }),
  );
}

function objectsOf(documents: Record<string, any[]>) {
  const describe = (d: any) =>
    d?.kind
      ? [
          d.apiVersion,
          d.kind,
          [d.metadata?.namespace, d.metadata?.name].filter(Boolean).join('/'),
        ].join(' ')
      : `(no object) ${Object.keys(d ?? {}).join(' ')}`;
  return Object.fromEntries(
    Object.entries(documents).map(([file, docs]) => [file, docs.map(describe)]),
  );
}

/** The keys and value types of a value, without the values. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, shapeOf(v)]),
    );
  return typeof value;
}

/**
 * Every template, in each branch of its skeleton, rendered by the real scaffolder with hostile text in every free
 * value (the form's and the earlier steps'): the rendered objects are exactly those of the benign values, with the
 * hostile text as data where the benign value was. Then: every pod passes Pod Security "restricted".
 */
describe('templates render hostile values as data', () => {
  let server: any;
  const benign = new Map<string, Record<string, any[]>>();

  const render = (variant: Variant, parameters: Values, steps?: Values) =>
    renderManifests(server, {
      templateDir: path.join(templatesDir, variant.template),
      parameters,
      stepOutputs: steps as Record<string, Values> | undefined,
    });

  beforeAll(async () => {
    server = await startRenderBackend();
    for (const variant of VARIANTS) {
      benign.set(
        variant.title,
        documentsOf(await render(variant, variant.parameters, variant.steps)),
      );
    }
  });

  describe.each(VARIANTS.map(v => [v.title, v] as const))(
    '%s',
    (_title, variant) => {
      it('renders the intended objects from benign values, with every free value in them', () => {
        const documents = benign.get(variant.title)!;
        expect(objectsOf(documents)).toEqual(variant.objects);
        // so that each hostile value below is seen where it lands (a value may land in a key: a MIG resource name)
        const rendered = [...strings(documents), ...keysOf(documents)];
        const kept = [...variant.branches, ...(variant.stepBranches ?? [])];
        const unrendered = variant.unrendered ?? [];
        const free = [
          ...leaves(variant.parameters, ''),
          ...leaves(variant.steps, 'steps'),
        ].filter(
          ([at]) =>
            !at.split('.').some(key => kept.includes(key)) &&
            !unrendered.some(u => at === u || at.startsWith(`${u}.`)),
        );
        expect(free.length).toBeGreaterThan(0);
        // the paths of the free values found nowhere in the objects
        expect(
          free
            .filter(([, value]) => !rendered.some(s => s.includes(value)))
            .map(([at]) => at),
        ).toEqual([]);
      });

      it.each(PAYLOADS)(
        'keeps %s in every free value as data',
        async (_what, payload) => {
          const parameters = withPayload(
            variant.parameters,
            payload,
            variant.branches,
            variant.suffixOnly,
          );
          const steps =
            variant.steps &&
            withPayload(variant.steps, payload, variant.stepBranches);
          const pairs: Array<[string, string]> = [];
          const from = [
            ...strings(variant.parameters),
            ...strings(variant.steps),
          ];
          const to = [...strings(parameters), ...strings(steps)];
          from.forEach((s, i) => pairs.push([s, to[i]]));
          const fromDerived = variant.derived?.(variant.parameters) ?? {};
          const toDerived = variant.derived?.(parameters) ?? {};
          for (const key of Object.keys(fromDerived)) {
            pairs.push([fromDerived[key], toDerived[key]]);
          }
          // inside PromQL a value is a string literal, escaped
          for (const [a, b] of [...pairs]) {
            pairs.push([JSON.stringify(a), JSON.stringify(b)]);
          }

          const rendered = documentsOf(
            await render(variant, parameters, steps),
          );
          const expected = substitute(benign.get(variant.title)!, pairs);
          // no document or object more or less, none renamed but by the hostile name itself
          expect(objectsOf(rendered)).toEqual(
            objectsOf(expected as Record<string, any[]>),
          );
          // and each object exactly as intended, the hostile text only where the benign value was
          expect(rendered).toEqual(expected);
        },
      );

      it('keeps numbers numbers when they come as hostile strings', async () => {
        const numbersAsText = (value: unknown): unknown => {
          // after the digits, so that the number can still be read
          if (typeof value === 'number') return `${value}${PAYLOADS[0][1]}`;
          if (Array.isArray(value)) return value.map(numbersAsText);
          if (value && typeof value === 'object')
            return Object.fromEntries(
              Object.entries(value).map(([k, v]) => [k, numbersAsText(v)]),
            );
          return value;
        };
        const rendered = documentsOf(
          await render(
            variant,
            numbersAsText(variant.parameters) as Values,
            numbersAsText(variant.steps) as Values | undefined,
          ),
        );
        expect(shapeOf(rendered)).toEqual(shapeOf(benign.get(variant.title)));
      });
    },
  );

  describe.each(
    VARIANTS.filter(v => v.template !== 'gpu-node-pool').map(
      v => [v.title, v] as const,
    ),
  )('%s', (_title, variant) => {
    it('renders pods that pass Pod Security "restricted", on a read-only root filesystem', () => {
      const documents = Object.values(benign.get(variant.title)!).flat();
      const pods = documents.flatMap(object =>
        podTemplatesOf(object).map(pod => ({ object, pod })),
      );
      expect(pods.length).toBeGreaterThan(0);
      for (const { object, pod } of pods) {
        expect(checkPodSecurity(pod.spec, 'restricted', pod.path)).toEqual([]);
        const volumes = new Set(pod.spec.volumes!.map(v => v.name));
        for (const container of pod.spec.containers) {
          expect(container.securityContext!.readOnlyRootFilesystem).toBe(true);
          // where the server writes: volumes the pod declares
          for (const mount of container.volumeMounts!) {
            expect(volumes).toContain(mount.name);
          }
          // a server without capabilities cannot bind a privileged port
          for (const port of container.ports!) {
            expect(port.containerPort).toBeGreaterThanOrEqual(1024);
          }
        }
        // the apply step and the workload views find the owner by this label
        const { group } = groupOf(variant.parameters);
        expect(pod.labels['inference-platform.io/owner']).toBe(group);
        expect(object.metadata.labels['inference-platform.io/owner']).toBe(
          group,
        );
      }
    });
  });
});

import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import yaml from 'yaml';
import {
  dryRun,
  startScaffolderBackend,
} from './__testUtils__/scaffolderBackend';
import { eventually } from './__testUtils__/tasks';
import { VLLM_FORM } from './__testUtils__/vllmForm';

jest.setTimeout(180_000);

const PIN = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;

/**
 * The vLLM template through the real scaffolder's dry-run API, with this module and the inference backend on the
 * simulated demo clusters: every input combination renders manifests that validate, with the plan's numbers in them.
 */
describe('vllm-model-service template (dry run)', () => {
  let sim: SimulatorHandle;
  let server: any;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 10, 26, 14, 0, 0) },
      controlPort: false,
    });
    await sim.advance(180_000);
    server = await startScaffolderBackend({
      sim,
      extraConfig: {
        // enough quota for the matrix; the refusal case below needs ml-chat's H100 line as in the demo (24)
        quotas: [
          { owner: 'ml-chat', gpuType: 'NVIDIA-H100-80GB-HBM3', limit: 24 },
          { owner: 'ml-chat', gpuType: 'NVIDIA-L4', limit: 8 },
          { owner: 'ml-search', gpuType: 'NVIDIA-A100-SXM4-80GB', limit: 32 },
          { owner: 'ml-search', gpuType: 'Tesla-T4', limit: 2 },
          { owner: 'ml-search', gpuType: 'NVIDIA-L4', limit: 8 },
          {
            owner: 'ml-vision',
            gpuType: 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
            limit: 7,
          },
          { owner: 'ml-vision', gpuType: 'Tesla-T4', limit: 4 },
        ],
        images: {
          resolveLive: false,
          pins: [
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.10.1.1',
              digest: PIN(1),
            },
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.11.0',
              digest: PIN(2),
            },
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.22.0',
              digest: PIN(7),
            },
            {
              repository: 'nvcr.io/nvidia/tritonserver',
              tag: '25.01-py3',
              digest: PIN(3),
            },
            {
              repository: 'nvcr.io/nvidia/tritonserver',
              tag: '24.08-py3',
              digest: PIN(4),
            },
            {
              repository: 'ghcr.io/huggingface/text-embeddings-inference',
              tag: '89-1.9',
              digest: PIN(5),
            },
            {
              repository: 'ghcr.io/huggingface/text-embeddings-inference',
              tag: 'turing-1.9',
              digest: PIN(6),
            },
          ],
        },
      },
    });
    // the plan reads the inference backend's view of the clusters: wait until it has listed all of them
    await eventually('every cluster synced', async () => {
      const res = await request(server)
        .get('/api/inference/clusters')
        .set('Authorization', mockCredentials.user.header());
      return res.status === 200 &&
        res.body.items.length === sim.clusters.length &&
        res.body.items.every((c: { state: string }) => c.state === 'synced')
        ? true
        : undefined;
    });
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const base = VLLM_FORM;

  const docs = (files: Record<string, string>, file: string) =>
    yaml
      .parseAllDocuments(files[file])
      .map(d => d.toJS())
      .filter(Boolean);

  const cases: Array<
    [
      string,
      Record<string, unknown>,
      {
        tp: number;
        gpuType: RegExp;
        autoscaler: string;
        minReplicas: number;
        trigger: RegExp;
      },
    ]
  > = [
    [
      'Llama 3.1 8B, cheapest GPU, KEDA on queue depth',
      {},
      {
        tp: 1,
        gpuType: /\S/,
        autoscaler: 'ScaledObject',
        minReplicas: 1,
        trigger: /sum\(vllm:num_requests_waiting\{namespace="ml-chat"/,
      },
    ],
    [
      'Llama 3.1 8B on L4 at 32k context (TP 2)',
      { gpuType: 'NVIDIA-L4', maxModelLen: 32768, concurrency: 4 },
      {
        tp: 2,
        gpuType: /^NVIDIA-L4$/,
        autoscaler: 'ScaledObject',
        minReplicas: 1,
        trigger: /sum\(vllm:num_requests_waiting\{namespace="ml-chat"/,
      },
    ],
    [
      'Llama 3.1 70B (FP8) on H100, scale to zero through the KEDA HTTP add-on',
      {
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        precision: 'fp8',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        concurrency: 16,
        autoscaling: 'keda-kv-cache',
        scaleToZero: true,
        maxReplicas: 1,
      },
      {
        tp: 2,
        gpuType: /^NVIDIA-H100/,
        // scale to zero goes through the KEDA HTTP add-on, whose interceptor holds the first request
        autoscaler: 'HTTPScaledObject',
        minReplicas: 0,
        trigger: /^no KEDA trigger$/,
      },
    ],
    [
      'Qwen2.5 72B on A100 in eu-west, HPA fallback, published to git',
      {
        model: 'Qwen/Qwen2.5-72B-Instruct',
        cluster: 'gpu-eu-west',
        namespace: 'ml-search',
        owner: 'group:default/ml-search',
        maxModelLen: 32768,
        concurrency: 40,
        autoscaling: 'hpa',
        delivery: 'git',
        repoUrl: 'github.com?owner=acme&repo=reranker',
        vllmVersion: '0.11.0',
        maxReplicas: 1,
      },
      {
        tp: 8,
        gpuType: /^NVIDIA-A100/,
        autoscaler: 'HorizontalPodAutoscaler',
        minReplicas: 1,
        trigger: /^no KEDA trigger$/,
      },
    ],
  ];

  it.each(cases)('%s', async (_title, overrides, expected) => {
    const user =
      overrides.owner === 'group:default/ml-search'
        ? 'user:default/eli.novak'
        : 'user:default/chen.wei';
    const run = await dryRun(
      server,
      'vllm-model-service',
      { ...base, ...overrides },
      user,
    );
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(200);

    const [deployment] = docs(run.files, 'kubernetes/deployment.yaml');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toMatch(
      /^docker\.io\/vllm\/vllm-openai@sha256:[a-f0-9]{64}$/,
    );
    const tp = Number(
      container.args[container.args.indexOf('--tensor-parallel-size') + 1],
    );
    expect(tp).toBe(expected.tp);
    expect(container.resources.limits['nvidia.com/gpu']).toBe(String(tp));
    expect(container.resources.requests['nvidia.com/gpu']).toBe(String(tp));
    expect(
      deployment.spec.template.spec.nodeSelector['nvidia.com/gpu.product'],
    ).toMatch(expected.gpuType);
    expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(container.startupProbe.failureThreshold).toBeGreaterThan(6);
    expect(
      deployment.spec.template.spec.volumes.some((v: any) => v.name === 'dshm'),
    ).toBe(tp > 1);

    const [autoscaler] = docs(run.files, 'kubernetes/autoscaler.yaml');
    expect(autoscaler.kind).toBe(expected.autoscaler);
    expect(
      autoscaler.spec.minReplicaCount ??
        autoscaler.spec.minReplicas ??
        autoscaler.spec.replicas?.min,
    ).toBe(expected.minReplicas);
    // the autoscaler owns the replica count
    expect(deployment.spec.replicas).toBeUndefined();
    expect(
      autoscaler.spec.triggers?.[0]?.metadata.query ?? 'no KEDA trigger',
    ).toMatch(expected.trigger);
    expect(docs(run.files, 'kubernetes/pdb.yaml')[0].kind).toBe(
      'PodDisruptionBudget',
    );
    expect(docs(run.files, 'kubernetes/servicemonitor.yaml')[0].kind).toBe(
      'ServiceMonitor',
    );
    // the model cache as the cluster's platform settings say: one EFS volume in gpu-us-east, an EBS gp2 volume per
    // replica elsewhere (app-config.yaml inference.platform)
    const cache = deployment.spec.template.spec.volumes.find(
      (v: any) => v.name === 'model-cache',
    );
    const shared = (overrides.cluster ?? base.cluster) === 'gpu-us-east';
    const classOf = (spec: any) => ({
      accessModes: spec?.accessModes,
      storageClassName: spec?.storageClassName,
    });
    const efs = { accessModes: ['ReadWriteMany'], storageClassName: 'efs-sc' };
    const gp2 = { accessModes: ['ReadWriteOnce'], storageClassName: 'gp2' };
    expect(
      docs(run.files, 'kubernetes/pvc.yaml').map((c: any) => classOf(c.spec)),
    ).toEqual(shared ? [efs] : []);
    expect(
      shared
        ? cache.persistentVolumeClaim?.claimName
        : classOf(cache.ephemeral?.volumeClaimTemplate.spec),
    ).toEqual(shared ? `${base.name}-model-cache` : gp2);

    const [entity] = docs(run.files, 'catalog-info.yaml');
    expect(entity.metadata.annotations['backstage.io/kubernetes-id']).toBe(
      base.name,
    );
    expect(
      JSON.parse(entity.metadata.annotations['inference-platform.io/plan'])
        .tensorParallelSize,
    ).toBe(tp);
    expect(entity.spec.owner).toBe(overrides.owner ?? base.owner);

    // the manifests passed schema and policy validation, and the delivery steps that support dry runs ran
    expect(run.log.join('\n')).toMatch(
      /manifest\(s\) in \d+ file\(s\) pass the platform policy/,
    );
    // only the apply delivery validates the objects against the cluster's API server
    expect(/validated Deployment \S+ on gpu-/.test(run.log.join('\n'))).toBe(
      (overrides.delivery ?? 'apply') === 'apply',
    );
  });

  it.each([
    [
      'a model that fits nowhere in the cluster',
      {
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        cluster: 'gpu-eu-west',
        namespace: 'ml-search',
        gpuType: 'Tesla-T4',
        owner: 'group:default/ml-search',
      },
      /GPU type Tesla-T4|fits no GPU type of the target clusters/,
    ],
    [
      'more GPUs than the team has quota for',
      {
        model: 'meta-llama/Llama-3.1-70B-Instruct',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        concurrency: 16,
        maxReplicas: 4,
      },
      // 4 GPUs × (4 replicas at the ceiling + 1 the rollout surges)
      /GPU quota of group:default\/ml-chat for NVIDIA-H100-80GB-HBM3 would be exceeded: used 18 \+ reserved 0 \+ requested 20 = 38 > limit 24 \(6 free\)/,
    ],
    [
      'an image whose CUDA the driver of the pool cannot run',
      { vllmVersion: '0.22.0', gpuType: 'NVIDIA-H100-80GB-HBM3' },
      /vllm-openai:v0\.22\.0 \(CUDA 13\.0\) cannot run on driver 570\.124\.06: /,
    ],
    [
      'an image version without a pinned digest',
      { vllmVersion: '0.8.5' },
      /No verified digest for docker\.io\/vllm\/vllm-openai:v0\.8\.5/,
    ],
  ] as Array<[string, Record<string, unknown>, RegExp]>)(
    'refuses %s with a clear error',
    async (_title, overrides, message) => {
      const user =
        overrides.owner === 'group:default/ml-search'
          ? 'user:default/eli.novak'
          : 'user:default/chen.wei';
      const run = await dryRun(
        server,
        'vllm-model-service',
        { ...base, ...overrides },
        user,
      );
      expect(run.error ?? run.log.join('\n')).toMatch(message);
    },
  );

  it.each([
    [{ name: 'FAQ_Bot' }, /name/],
    [{ namespace: 'ML Chat' }, /namespace/],
    [{ maxModelLen: 10 }, /maxModelLen/],
  ])(
    'refuses the bad input %p before running anything',
    async (overrides, field) => {
      const run = await dryRun(server, 'vllm-model-service', {
        ...base,
        ...overrides,
      });
      expect(run.status).toBe(400);
      expect(run.error).toMatch(field);
    },
  );

  describe('triton-inference-service', () => {
    const triton = {
      name: 'image-tagger',
      owner: 'group:default/ml-vision',
      system: 'ai-platform',
      modelName: 'resnet50',
      modelRepository: 'pvc://model-store/vision',
      tritonVersion: '25.01',
      gpuType: 'NVIDIA-A100-SXM4-80GB-MIG-1g.10gb',
      minReplicas: 1,
      maxReplicas: 3,
      scaleOn: 'queue-time',
      queueTargetMs: 50,
      cluster: 'gpu-eu-west',
      namespace: 'ml-vision',
      delivery: 'apply',
    };

    it('serves from a PVC model repository on a MIG slice, scaled on queue time', async () => {
      const run = await dryRun(
        server,
        'triton-inference-service',
        triton,
        'user:default/gus.larsen',
      );
      expect(run.error).toBeUndefined();
      const [deployment] = docs(run.files, 'kubernetes/deployment.yaml');
      const pod = deployment.spec.template.spec;
      expect(pod.nodeSelector['nvidia.com/gpu.product']).toBe(
        'NVIDIA-A100-SXM4-80GB',
      );
      expect(pod.containers[0].resources.limits['nvidia.com/mig-1g.10gb']).toBe(
        '1',
      );
      expect(pod.containers[0].image).toMatch(
        /^nvcr\.io\/nvidia\/tritonserver@sha256:/,
      );
      expect(pod.containers[0].args).toContain(
        '--model-repository=/models/vision',
      );
      expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(
        'model-store',
      );
      const [scaledObject] = docs(run.files, 'kubernetes/scaledobject.yaml');
      expect(scaledObject.spec.triggers[0].metadata.query).toMatch(
        /rate\(nv_inference_queue_duration_us/,
      );
      expect(scaledObject.spec.triggers[0].metadata.threshold).toBe('50000');
    });

    it('serves from object storage on a whole T4, scaled on pending requests', async () => {
      const run = await dryRun(
        server,
        'triton-inference-service',
        {
          ...triton,
          modelRepository: 's3://models/vision',
          s3RoleArn: 'arn:aws:iam::123456789012:role/vision-models-reader',
          // with the rollout surge, 3 T4s: the team's free quota
          maxReplicas: 2,
          gpuType: 'Tesla-T4',
          scaleOn: 'pending-requests',
          tritonVersion: '24.08',
        },
        'user:default/gus.larsen',
      );
      expect(run.error).toBeUndefined();
      const [deployment] = docs(run.files, 'kubernetes/deployment.yaml');
      expect(
        deployment.spec.template.spec.containers[0].resources.limits[
          'nvidia.com/gpu'
        ],
      ).toBe('1');
      expect(deployment.spec.template.spec.containers[0].args).toContain(
        '--model-repository=s3://models/vision',
      );
      // the bucket is read with the role of the service's own service account (IRSA)
      const [account] = docs(run.files, 'kubernetes/serviceaccount.yaml');
      expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toBe(
        'arn:aws:iam::123456789012:role/vision-models-reader',
      );
      expect(deployment.spec.template.spec.serviceAccountName).toBe(
        account.metadata.name,
      );
      expect(
        docs(run.files, 'kubernetes/scaledobject.yaml')[0].spec.triggers[0]
          .metadata.query,
      ).toMatch(/nv_inference_pending_request_count/);
    });
  });

  describe('text-embeddings-service', () => {
    it.each([
      ['NVIDIA-L4', 'gpu-us-east', '89-1.9'],
      ['Tesla-T4', 'gpu-eu-west', 'turing-1.9'],
    ])('runs the TEI build for %s', async (gpuType, cluster, tag) => {
      const run = await dryRun(
        server,
        'text-embeddings-service',
        {
          name: 'doc-embedder',
          owner: 'group:default/ml-search',
          system: 'ai-platform',
          model: 'BAAI/bge-large-en-v1.5',
          maxBatchTokens: 16384,
          gpuType,
          minReplicas: 1,
          // with the rollout surge, 2 GPUs: the team's whole T4 quota
          maxReplicas: 1,
          requestsPerReplica: 40,
          cluster,
          namespace: 'ml-search',
          delivery: 'apply',
        },
        'user:default/eli.novak',
      );
      expect(run.error).toBeUndefined();
      const [deployment] = docs(run.files, 'kubernetes/deployment.yaml');
      expect(deployment.spec.template.spec.containers[0].image).toMatch(
        /^ghcr\.io\/huggingface\/text-embeddings-inference@sha256:/,
      );
      expect(run.log.join('\n')).toMatch(
        new RegExp(`text-embeddings-inference:${tag}`),
      );
      expect(
        docs(run.files, 'kubernetes/scaledobject.yaml')[0].spec.triggers[0]
          .metadata.query,
      ).toMatch(/te_request_count/);
    });
  });

  describe('gpu-node-pool', () => {
    it('renders a tainted, GPU-limited NodePool that only drops empty nodes, and the team ResourceQuota', async () => {
      const run = await dryRun(
        server,
        'gpu-node-pool',
        {
          name: 'l4-inference',
          gpuType: 'NVIDIA-L4',
          gpuCounts: ['1', '4'],
          capacityTypes: ['on-demand'],
          gpuLimit: 16,
          nodeClass: 'gpu',
          consolidateAfter: '30m',
          expireAfter: '720h',
          team: 'group:default/ml-batch',
          teamNamespace: 'ml-batch',
          teamGpus: 8,
          cluster: 'gpu-batch',
          delivery: 'apply',
        },
        'user:default/ana.ruiz',
      );
      expect(run.error).toBeUndefined();
      const [nodePool] = docs(run.files, 'kubernetes/nodepool.yaml');
      expect(nodePool.spec.template.spec.taints).toEqual([
        { key: 'nvidia.com/gpu', effect: 'NoSchedule' },
      ]);
      expect(nodePool.spec.limits['nvidia.com/gpu']).toBe(16);
      // the GPU's Karpenter name, memory window and family, from the GPU catalog rather than a free form field
      expect(nodePool.spec.template.spec.requirements).toEqual(
        expect.arrayContaining([
          {
            key: 'karpenter.k8s.aws/instance-gpu-name',
            operator: 'In',
            values: ['l4'],
          },
          {
            key: 'karpenter.k8s.aws/instance-family',
            operator: 'In',
            values: ['g6'],
          },
        ]),
      );
      expect(nodePool.spec.disruption.consolidationPolicy).toBe('WhenEmpty');
      expect(
        nodePool.spec.template.metadata.labels['nvidia.com/gpu.product'],
      ).toBe('NVIDIA-L4');
      expect(
        docs(run.files, 'kubernetes/resourcequota.yaml')[0].spec.hard[
          'requests.nvidia.com/gpu'
        ],
      ).toBe('8');
      expect(run.log.join('\n')).toMatch(
        /validated NodePool l4-inference on gpu-batch/,
      );
    });
  });
});

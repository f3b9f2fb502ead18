import {
  ApplyScope,
  gpuCeilings,
  Manifest,
  placeManifests,
  reservationRefusal,
} from './applyScope';

const scope: ApplyScope = {
  ownerRef: 'group:default/ml-search',
  cluster: 'gpu-us-east',
  namespace: 'ml-search',
  placement: {
    ownerRef: 'group:default/ml-search',
    namespaces: ['ml-search'],
    clusters: ['gpu-us-east'],
  },
  platformApply: false,
  podSecurity: 'restricted',
};

const securePod = {
  securityContext: {
    runAsNonRoot: true,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
  containers: [
    {
      name: 'vllm',
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
      resources: { limits: { 'nvidia.com/gpu': '2' } },
    },
  ],
};

const deployment = (extra: Partial<Manifest> = {}): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'faq-bot' },
  spec: { replicas: 1, template: { metadata: {}, spec: securePod } },
  ...extra,
});

describe('placeManifests', () => {
  it('places a team service in its namespace and stamps the owner label', () => {
    const { placed, refusals } = placeManifests(
      [
        deployment(),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'faq-bot' } },
      ],
      scope,
    );
    expect(refusals).toEqual([]);
    expect(placed.map(p => p.metadata)).toEqual([
      expect.objectContaining({
        namespace: 'ml-search',
        labels: { 'inference-platform.io/owner': 'ml-search' },
      }),
      expect.objectContaining({ namespace: 'ml-search' }),
    ]);
  });

  // finding 1: the default namespace came from the form, and a manifest's own namespace won
  it.each([
    ['the target namespace', { ...scope, namespace: 'ml-chat' }, deployment()],
    [
      "a manifest's own namespace",
      scope,
      deployment({ metadata: { name: 'faq-bot', namespace: 'ml-chat' } }),
    ],
  ])('refuses another team namespace given as %s', (_how, s, manifest) => {
    const { refusals } = placeManifests([manifest], s);
    expect(refusals[0].message).toMatch(/may not deploy to namespace ml-chat/);
  });

  it('refuses a cluster the team was not granted', () => {
    const { refusals } = placeManifests([deployment()], {
      ...scope,
      cluster: 'gpu-batch',
    });
    expect(refusals[0].message).toMatch(/may not deploy to cluster gpu-batch/);
  });

  // finding 2: arbitrary kinds reached the cluster
  it.each([
    [
      'a bare Pod',
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pwn' },
        spec: securePod,
      },
    ],
    [
      'a CronJob',
      { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' } },
    ],
    [
      'a ReplicaSet',
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' } },
    ],
    [
      'a ClusterRoleBinding',
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'x' },
      },
    ],
    [
      'a Deployment of another API group',
      { apiVersion: 'evil.io/v1', kind: 'Deployment', metadata: { name: 'x' } },
    ],
  ])('refuses %s', (_what, manifest) => {
    const { refusals } = placeManifests([manifest as Manifest], scope);
    expect(refusals[0].message).toMatch(
      /is not a kind the templates may apply/,
    );
  });

  it.each([
    [
      'NodePool',
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'p' },
      },
    ],
    [
      'ResourceQuota',
      { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'gpu' } },
    ],
  ])('keeps a %s for the platform team', (_kind, manifest) => {
    expect(placeManifests([manifest], scope).refusals[0].message).toMatch(
      /inference.platform.apply/,
    );
    expect(
      placeManifests([manifest], { ...scope, platformApply: true }).refusals,
    ).toEqual([]);
  });

  it('refuses kube-system even to the platform team', () => {
    const { refusals } = placeManifests(
      [
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'q', namespace: 'kube-system' },
        },
      ],
      { ...scope, platformApply: true },
    );
    expect(refusals[0].message).toMatch(/reserved for the cluster/);
  });

  it('refuses objects labelled for another owner', () => {
    const { refusals } = placeManifests(
      [
        deployment({
          metadata: {
            name: 'faq-bot',
            labels: { 'inference-platform.io/owner': 'ml-chat' },
          },
        }),
      ],
      scope,
    );
    expect(refusals[0].message).toMatch(/label is "ml-chat"/);
  });

  it('refuses a pod spec below restricted, naming the field', () => {
    const insecure = deployment();
    (insecure.spec as any).template.spec = {
      ...securePod,
      hostPID: true,
    };
    const { refusals } = placeManifests([insecure], scope);
    expect(refusals).toEqual([
      expect.objectContaining({
        path: 'spec.template.spec.hostPID',
        message: expect.stringMatching(/Pod Security "restricted"/),
      }),
    ]);
  });
});

describe('gpuCeilings', () => {
  it('counts GPUs at the autoscaler ceiling plus the rolling update surge (default 25%, rounded up)', () => {
    const scaled: Manifest = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'faq-bot' },
      spec: { scaleTargetRef: { name: 'faq-bot' }, maxReplicaCount: 4 },
    };
    expect(gpuCeilings([deployment(), scaled])).toEqual([
      { gpuType: 'NVIDIA-L4', gpus: 10, workload: 'Deployment/faq-bot' },
    ]);
  });

  it('charges the surge as the strategy sets it: a count, a percentage, none when Recreate', () => {
    const withStrategy = (strategy: object) =>
      deployment({
        spec: {
          replicas: 4,
          strategy,
          template: { metadata: {}, spec: securePod },
        },
      });
    const gpus = (strategy: object) =>
      gpuCeilings([withStrategy(strategy)])[0].gpus;
    expect(gpus({ rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } })).toBe(
      10,
    );
    expect(gpus({ rollingUpdate: { maxSurge: '50%' } })).toBe(12);
    expect(gpus({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } })).toBe(8);
    expect(gpus({ type: 'Recreate' })).toBe(8);
  });

  it('takes KEDA default ceiling of 100 replicas when none is set', () => {
    const scaled: Manifest = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'faq-bot' },
      spec: { scaleTargetRef: { name: 'faq-bot' } },
    };
    expect(gpuCeilings([deployment(), scaled])[0].gpus).toBe(250);
  });

  it('counts the replicas of a Deployment without an autoscaler, and its surge', () => {
    expect(gpuCeilings([deployment()])[0].gpus).toBe(4);
  });
});

describe('reservationRefusal', () => {
  const ceilings = [
    { gpuType: 'NVIDIA-L4', gpus: 4, workload: 'Deployment/faq-bot' },
  ];
  const target = {
    ownerRef: 'group:default/ml-search',
    cluster: 'gpu-us-east',
    namespace: 'ml-search',
  };
  const reservation = {
    id: 'r1',
    owner: 'group:default/ml-search',
    gpuType: 'NVIDIA-L4',
    gpus: 4,
    state: 'pending',
    workload: {
      cluster: 'gpu-us-east',
      namespace: 'ml-search',
      name: 'faq-bot',
    },
  };

  it('accepts a live reservation of the owner that covers the ceiling', () => {
    expect(reservationRefusal(ceilings, reservation, target)).toBeUndefined();
  });

  it('needs nothing for manifests without GPUs', () => {
    expect(reservationRefusal([], undefined, target)).toBeUndefined();
  });

  it.each([
    ['no reservation', undefined, /present no live reservation/],
    [
      "another team's",
      { ...reservation, owner: 'group:default/ml-chat' },
      /belongs to group:default\/ml-chat/,
    ],
    ['an expired one', { ...reservation, state: 'expired' }, /is expired/],
    [
      'one of another GPU type',
      { ...reservation, gpuType: 'NVIDIA-H100-80GB-HBM3' },
      /is for NVIDIA-H100/,
    ],
    [
      'one too small',
      { ...reservation, gpus: 2 },
      /holds 2 GPU\(s\), but the manifests can scale to 4/,
    ],
    [
      'one for another workload',
      {
        ...reservation,
        workload: { ...reservation.workload, namespace: 'ml-chat' },
      },
      /not for these manifests/,
    ],
  ])('refuses %s', (_what, presented, message) => {
    expect(reservationRefusal(ceilings, presented as any, target)).toMatch(
      message,
    );
  });
});

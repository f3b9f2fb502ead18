import { Entity } from '@backstage/catalog-model';
import { ClusterObjects, deriveWorkloads } from './deriveWorkloads';
import { EntityIndex } from './entityIndex';

const component = (
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'faq-bot', ...annotations },
  },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const TENANCY = [
  {
    ownerRef: 'group:default/ml-chat',
    namespaces: ['ml-chat'],
    clusters: ['gpu-us-east'],
  },
  { ownerRef: 'group:default/ml-search', namespaces: ['ml-search'] },
];

/** A one-GPU Deployment `faq-bot` in ml-chat, labelled as the template labels it. */
function clusterWithFaqBot(labels: Record<string, string>): ClusterObjects {
  const podLabels = { app: 'faq-bot', ...labels };
  return {
    cluster: 'gpu-us-east',
    pods: [],
    events: [],
    nodes: [],
    replicasets: [],
    statefulsets: [],
    horizontalpodautoscalers: [],
    scaledobjects: [],
    inferenceservices: [],
    leaderworkersets: [],
    deployments: [
      {
        metadata: { name: 'faq-bot', namespace: 'ml-chat', labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'faq-bot' } },
          template: {
            metadata: { labels: podLabels },
            spec: {
              nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
              containers: [
                {
                  name: 'vllm',
                  resources: { limits: { 'nvidia.com/gpu': '1' } },
                },
              ],
            },
          },
        },
        status: {},
      },
    ],
  };
}

describe('EntityIndex claims', () => {
  // finding 7: an entity anyone imports with kubernetes-id of another team's workload and no namespace matched it
  it('lets an entity claim workloads only where its owner may deploy', () => {
    const index = EntityIndex.fromEntities(
      [component('squatter', 'group:default/ml-search')],
      TENANCY,
    );
    expect(index.match('faq-bot', 'gpu-us-east', 'ml-chat')).toBeUndefined();
    expect(index.match('faq-bot', 'gpu-us-east', 'ml-search')?.entityRef).toBe(
      'component:default/squatter',
    );
  });

  it('takes namespaces a Group grants by annotation', () => {
    const group: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'ml-vision',
        namespace: 'default',
        annotations: { 'inference-platform.io/namespaces': 'vision-prod' },
      },
      spec: { type: 'team', children: [] },
    };
    const index = EntityIndex.fromEntities(
      [component('classifier', 'group:default/ml-vision'), group],
      TENANCY,
    );
    expect(index.match('faq-bot', 'gpu-eu-west', 'vision-prod')).toBeDefined();
    expect(index.match('faq-bot', 'gpu-eu-west', 'ml-chat')).toBeUndefined();
  });

  it("lets only the labelled owner's entity claim a workload the template created", () => {
    const index = EntityIndex.fromEntities([
      component('squatter', 'group:default/ml-search'),
      component('faq-bot', 'group:default/ml-chat'),
    ]);
    expect(
      index.match('faq-bot', 'gpu-us-east', 'ml-chat', 'ml-chat')?.entityRef,
    ).toBe('component:default/faq-bot');
  });
});

describe('workload owner', () => {
  // finding 7: a catalog entity made another team pay for a workload
  it('comes from the owner label the template set, not from an entity that claims it', () => {
    const index = EntityIndex.fromEntities([
      component('squatter', 'group:default/ml-search', {
        'backstage.io/kubernetes-namespace': 'ml-chat',
      }),
    ]);
    const [workload] = deriveWorkloads(
      clusterWithFaqBot({
        'backstage.io/kubernetes-id': 'faq-bot',
        'inference-platform.io/owner': 'ml-chat',
      }),
      index,
      { now: new Date('2026-12-04T00:00:00Z') },
    );
    expect(workload.owner).toBe('group:default/ml-chat');
    expect(workload.entityRef).toBeUndefined();
  });

  it("is the entity's owner for a workload without the label", () => {
    const index = EntityIndex.fromEntities([
      component('faq-bot', 'group:default/ml-chat'),
    ]);
    const [workload] = deriveWorkloads(
      clusterWithFaqBot({ 'backstage.io/kubernetes-id': 'faq-bot' }),
      index,
      { now: new Date('2026-12-04T00:00:00Z') },
    );
    expect(workload.owner).toBe('group:default/ml-chat');
  });
});

describe('what the verdicts read besides the workload', () => {
  it('keeps the owner of a cluster Resource and of a System', () => {
    const index = EntityIndex.fromEntities([
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Resource',
        metadata: {
          name: 'gpu-batch',
          namespace: 'default',
          annotations: { 'inference-platform.io/clusters': 'gpu-batch' },
        },
        spec: { type: 'kubernetes-cluster', owner: 'platform-team' },
      },
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'ai-platform', namespace: 'default' },
        spec: { owner: 'group:default/platform-team' },
      },
    ]);
    expect(index.clusterResource('resource:default/gpu-batch')?.ownerRef).toBe(
      'group:default/platform-team',
    );
    expect(index.system('system:default/ai-platform')?.ownerRef).toBe(
      'group:default/platform-team',
    );
  });

  it("reads the namespace's ResourceQuota on the workload's GPU resource", () => {
    const [workload] = deriveWorkloads(
      {
        ...clusterWithFaqBot({ 'backstage.io/kubernetes-id': 'faq-bot' }),
        resourcequotas: [
          {
            metadata: { name: 'gpu-quota', namespace: 'ml-chat' },
            spec: { hard: { 'requests.nvidia.com/gpu': '4' } },
            status: {
              hard: { 'requests.nvidia.com/gpu': '4' },
              used: { 'requests.nvidia.com/gpu': '3' },
            },
          },
          {
            metadata: { name: 'cpu-quota', namespace: 'ml-chat' },
            spec: { hard: { 'requests.cpu': '64' } },
          },
          {
            metadata: { name: 'gpu-quota', namespace: 'ml-search' },
            spec: { hard: { 'requests.nvidia.com/gpu': '8' } },
          },
        ],
      },
      EntityIndex.fromEntities([]),
      { now: new Date('2026-12-04T00:00:00Z') },
    );
    expect(workload.namespaceQuotas).toEqual([
      {
        cluster: 'gpu-us-east',
        namespace: 'ml-chat',
        name: 'gpu-quota',
        resource: 'requests.nvidia.com/gpu',
        hard: 4,
        used: 3,
      },
    ]);
  });
});

/*
 * A pod whose first scheduling attempt fails on a claim still being provisioned (efs-sc binds immediately, a few
 * seconds after the claim is created) and whose later attempts fail on a full GPU node must still bring a node from
 * Karpenter. The scaffolder's apply creates the claim and the Deployment together, so this is how every new service
 * with a shared model cache starts; the simulator once told Karpenter only about a pod's first failure, and the
 * service then stayed Pending whenever the L4 pool happened to be full.
 */
import { resourceById } from '../api/resources';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;
const PVCS = resourceById('core/persistentvolumeclaims');
const PODS = resourceById('core/pods');
const NODES = resourceById('core/nodes');

const cacheClaim: Obj = {
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'model-cache' },
  spec: {
    accessModes: ['ReadWriteMany'],
    storageClassName: 'efs-sc',
    resources: { requests: { storage: '30Gi' } },
  },
};

const l4Pod: Obj = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'new-service' },
  spec: {
    nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
    tolerations: [
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
    ],
    containers: [
      {
        name: 'app',
        image: 'python:3.12-slim',
        resources: {
          requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' },
          limits: { 'nvidia.com/gpu': '1' },
        },
        volumeMounts: [{ name: 'cache', mountPath: '/models' }],
      },
    ],
    volumes: [
      { name: 'cache', persistentVolumeClaim: { claimName: 'model-cache' } },
    ],
  },
};

describe('Karpenter and a pod first held by its volume claim', () => {
  let sim: SimulatorHandle;
  const cluster = () => sim.cluster('eks');
  const l4Nodes = () =>
    Array.from(cluster().store.table(NODES).values(), s =>
      JSON.parse(s.json),
    ).filter(n => n.metadata.labels['karpenter.sh/nodepool'] === 'l4-pool');
  const eventsOf = (name: string): Obj[] =>
    Array.from(
      cluster().store.table(resourceById('core/events')).values('ml'),
      s => JSON.parse(s.json),
    ).filter(e => e.involvedObject.name === name);

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'karpenter-pending-volume',
        seed: 11,
        timing: { imagePullSeconds: [2, 4], modelLoadScale: 0.1 },
        clusters: [
          {
            name: 'eks',
            region: 'us-east-1',
            storage: { efs: true },
            systemPool: { instanceType: 'm6i.xlarge', nodes: 1 },
            nodePools: [
              {
                name: 'l4-pool',
                gpu: 'NVIDIA-L4',
                instanceType: 'g6.12xlarge',
                nodes: 1,
                karpenter: {
                  limitGpus: 8,
                  provisionSeconds: 45,
                  consolidateAfterSeconds: 600,
                },
              },
            ],
            namespaces: [{ name: 'ml', team: 'ml' }],
            // fills the one L4 node (4 GPUs)
            workloads: [
              {
                name: 'filler',
                namespace: 'ml',
                team: 'ml',
                engine: 'tei',
                model: 'BAAI/bge-large-en-v1.5',
                gpuProduct: 'NVIDIA-L4',
                gpus: 1,
                replicas: 4,
                cpu: '2',
                memory: '8Gi',
              },
            ],
          },
        ],
      } as never,
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    await sim.advance(5 * 60_000);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it('launches an L4 node once the claim is bound and the full node is the only reason left', async () => {
    const [fullNode] = l4Nodes();
    expect(l4Nodes().map(n => n.metadata.name)).toHaveLength(1);
    cluster().api.create(PVCS, 'ml', cacheClaim as never);
    cluster().api.create(PODS, 'ml', l4Pod as never);
    await sim.advance(1000);
    // the claim is not bound yet: the scheduler's first answer is the volume, which a node cannot fix
    expect(
      eventsOf('new-service').map(e => e.message as string),
    ).toContainEqual(expect.stringMatching(/unbound immediate/));

    await sim.advance(5 * 60_000);
    expect(
      eventsOf('new-service').map(e => e.message as string),
    ).toContainEqual(expect.stringMatching(/Insufficient nvidia.com\/gpu/));
    expect(l4Nodes().map(n => n.metadata.name)).toHaveLength(2);
    const pod = cluster().store.getObject(PODS, 'ml', 'new-service') as Obj;
    const newNode = l4Nodes().find(
      n => n.metadata.name !== fullNode.metadata.name,
    );
    expect(pod.spec.nodeName).toBe(newNode.metadata.name);
  });
});

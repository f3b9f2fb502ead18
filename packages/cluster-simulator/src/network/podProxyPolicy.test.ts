/*
 * NetworkPolicy on the simulator's traffic paths: the API server's pod proxy
 * (the platform's default metrics source) comes from the API server's
 * address, not from a pod of the namespace, so a policy admitting only
 * same-namespace pods and `monitoring` refuses it, as on EKS.
 */
import { resourceById } from '../api/resources';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;
const NETWORK_POLICIES = resourceById('networking.k8s.io/networkpolicies');
const PODS = resourceById('core/pods');

const sameNamespaceAndMonitoring: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'chat', namespace: 'ml' },
  spec: {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'chat' } },
    policyTypes: ['Ingress'],
    ingress: [
      {
        from: [
          { podSelector: {} },
          {
            namespaceSelector: {
              matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
            },
          },
        ],
      },
    ],
  },
};

const apiServerBlock = (cidr: string): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'chat-api-server', namespace: 'ml' },
  spec: {
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'chat' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr } }], ports: [{ port: 8000 }] }],
  },
});

describe('NetworkPolicy on pods/proxy and scrapes', () => {
  let sim: SimulatorHandle;
  let podName: string;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'netpol',
        seed: 3,
        timing: { imagePullSeconds: [2, 4], modelLoadScale: 0.1 },
        clusters: [
          {
            name: 'eks',
            apiServerCidr: '192.168.0.0/16',
            systemPool: { instanceType: 'm6i.xlarge', nodes: 1 },
            nodePools: [
              {
                name: 'h100',
                gpu: 'NVIDIA-H100-80GB-HBM3',
                instanceType: 'p5.48xlarge',
                nodes: 1,
              },
            ],
            namespaces: [{ name: 'ml', team: 'ml' }],
            workloads: [
              {
                name: 'chat',
                namespace: 'ml',
                team: 'ml',
                model: 'meta-llama/Llama-3.1-8B-Instruct',
                gpuProduct: 'NVIDIA-H100-80GB-HBM3',
                maxModelLen: 8192,
              },
            ],
          },
        ],
      } as never,
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
    });
    await sim.advance(10 * 60_000);
    podName = Array.from(
      sim.cluster('eks').store.table(PODS).values('ml'),
      s => s.name,
    ).find(n => n.startsWith('chat-'))!;
  });

  afterAll(async () => {
    await sim.stop();
  });

  const proxy = async () => {
    const c = sim.clusters[0];
    const res = await fetch(
      `${c.url}/api/v1/namespaces/ml/pods/${podName}:8000/proxy/metrics`,
      { headers: { Authorization: `Bearer ${c.token}` } },
    );
    return { status: res.status, body: await res.text() };
  };
  const scrape = () => fetch(`${sim.controlUrl}/metrics/eks/ml/${podName}`);

  it('serves pods/proxy while no policy isolates the pod', async () => {
    expect((await proxy()).status).toBe(200);
  });

  it('times out the API server dial when the policy admits only same-namespace pods and monitoring, while Prometheus still scrapes', async () => {
    sim
      .cluster('eks')
      .api.create(NETWORK_POLICIES, 'ml', sameNamespaceAndMonitoring as never);
    const { status, body } = await proxy();
    expect(status).toBe(503);
    expect(JSON.parse(body)).toMatchObject({
      kind: 'Status',
      reason: 'ServiceUnavailable',
      message: expect.stringMatching(
        /^error trying to reach service: dial tcp [\d.]+:8000: i\/o timeout$/,
      ),
    });
    expect((await scrape()).status).toBe(200);
  });

  it('admits the API server again with an ipBlock for the apiServerCidr', async () => {
    sim
      .cluster('eks')
      .api.create(
        NETWORK_POLICIES,
        'ml',
        apiServerBlock('192.168.0.0/16') as never,
      );
    expect((await proxy()).status).toBe(200);
  });

  it('leaves Prometheus without an answer when no rule admits monitoring', async () => {
    sim.cluster('eks').store.remove(NETWORK_POLICIES, 'ml', 'chat');
    await expect(scrape()).rejects.toThrow();
  });
});

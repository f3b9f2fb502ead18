/*
 * With `prometheusUrl`, KEDA's prometheus scaler asks that Prometheus's
 * /api/v1/query instead of the cluster's simulated one.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { resourceById } from '../api/resources';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;
const NS = 'ml-chat';

describe('KEDA against a real Prometheus URL', () => {
  let sim: SimulatorHandle;
  let server: http.Server;
  const asked: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      asked.push(url.searchParams.get('query') ?? '');
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          status: 'success',
          data: {
            resultType: 'vector',
            result: [{ metric: {}, value: [Date.now() / 1000, '42'] }],
          },
        }),
      );
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    sim = await startSimulator({
      scenario: {
        name: 'remote-prometheus',
        seed: 3,
        clusters: [
          {
            name: 'gpu-lab',
            dcgmExporter: false,
            systemWorkloads: false,
            nodePools: [
              {
                name: 'l4',
                gpu: 'NVIDIA-L4',
                instanceType: 'g6.12xlarge',
                nodes: 2,
              },
            ],
            workloads: [
              {
                name: 'chat',
                namespace: NS,
                team: 'ml-chat',
                engine: 'vllm',
                model: 'meta-llama/Llama-3.1-8B-Instruct',
                gpuProduct: 'NVIDIA-L4',
                gpus: 1,
                replicas: 1,
                modelLoadSeconds: 20,
              },
            ],
          },
        ],
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
      prometheusUrl: `http://127.0.0.1:${
        (server.address() as AddressInfo).port
      }`,
    });
    await sim.advance(60_000);
  });

  afterAll(async () => {
    await sim.stop();
    server.close();
  });

  it('scales on the value the configured Prometheus answers', async () => {
    const query = `sum(vllm:num_requests_waiting{namespace="${NS}",service="chat"})`;
    sim
      .cluster('gpu-lab')
      .api.create(resourceById('keda.sh/scaledobjects'), NS, {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'chat', namespace: NS },
        spec: {
          scaleTargetRef: { name: 'chat' },
          minReplicaCount: 1,
          maxReplicaCount: 6,
          triggers: [
            {
              type: 'prometheus',
              metadata: {
                serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
                query,
                threshold: '10',
              },
            },
          ],
        },
      } as never);
    for (let i = 0; i < 8; i++) {
      await sim.advance(15_000);
      // the answers arrive over real HTTP between simulated steps
      await new Promise(r => setTimeout(r, 50));
    }
    expect(asked).toContain(query);
    const dep = sim
      .cluster('gpu-lab')
      .store.getObject(resourceById('apps/deployments'), NS, 'chat') as Obj;
    // 42 / 10 per replica → 5
    expect(dep.spec.replicas).toBe(5);
  });
});

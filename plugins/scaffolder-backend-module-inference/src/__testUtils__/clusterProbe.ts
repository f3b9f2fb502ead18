import { SimulatorHandle } from '@inference-platform/cluster-simulator';
import http from 'node:http';

/**
 * Reads a simulated cluster the way kubectl does, over its Kubernetes API with the admin token, so tests see what a
 * platform engineer would see (and nothing of the simulator's internals).
 */
export function clusterProbe(sim: SimulatorHandle, clusterName: string) {
  const cluster = sim.clusters.find(c => c.name === clusterName);
  if (!cluster) throw new Error(`no simulated cluster ${clusterName}`);
  const get = async (path: string): Promise<any> => {
    const res = await fetch(`${cluster.url}${path}`, {
      headers: { authorization: `Bearer ${cluster.token}` },
    });
    if (!res.ok)
      throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    get,
    /** spec.replicas of a Deployment (what the autoscalers decided) and its ready replicas */
    async replicas(namespace: string, name: string) {
      const d = await get(
        `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`,
      );
      return {
        desired: d.spec.replicas as number,
        ready: (d.status?.readyReplicas ?? 0) as number,
      };
    },
    async pods(namespace: string, selector: string) {
      return (
        await get(
          `/api/v1/namespaces/${namespace}/pods?labelSelector=${encodeURIComponent(
            selector,
          )}`,
        )
      ).items as any[];
    },
    async events(namespace: string) {
      return (await get(`/api/v1/namespaces/${namespace}/events`))
        .items as any[];
    },
    async claims(namespace: string) {
      return (
        await get(`/api/v1/namespaces/${namespace}/persistentvolumeclaims`)
      ).items as any[];
    },
    async nodes() {
      return (await get('/api/v1/nodes')).items as any[];
    },
  };
}

/** Sends an HTTP request with a Host header (fetch cannot set one): what an ingress forwards to the interceptor. */
export function requestWithHost(
  url: string,
  host: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const payload = JSON.stringify(body);
    const req = http.request(
      {
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: {
          host,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      res => {
        let text = '';
        res.on('data', chunk => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

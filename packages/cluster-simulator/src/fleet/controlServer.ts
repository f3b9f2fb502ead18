/*
 * The fleet's control port: the admin API (fault injection, load changes,
 * fleet summary, kubeconfig and app-config downloads) and the plain scrape
 * endpoints a real Prometheus can read (`/metrics/<cluster>/<ns>/<pod>`,
 * discovered through `/sd`, a Prometheus HTTP service-discovery document).
 */
import http from 'http';
import { FaultInjection } from '../faults/faults';
import { handleRegistryRequest } from './registryMirror';
import { handleInterceptorRequest } from './interceptorEndpoint';
import { podMetricsText } from '../sim/podEndpoints';
import { prometheusMayScrape } from '../network/podTraffic';
import { SimCluster } from '../sim/simCluster';
import { RequestCounts } from '../server/servedCluster';

/** What the control server needs from the fleet. @public */
export interface ControlTarget {
  clusters: Map<string, SimCluster>;
  inject(cluster: string, fault: FaultInjection): Promise<void>;
  setLoad(
    cluster: string,
    namespace: string,
    workload: string,
    multiplier: number,
  ): void;
  createServiceAccountToken(
    cluster: string,
    namespace: string,
    name: string,
    options?: { expirationSeconds?: number; audiences?: string[] },
  ): string;
  summary(): unknown;
  kubeconfigYaml(): string;
  appConfigYaml(): string;
  adminToken?: string;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json',
): void {
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

function readJson(req: http.IncomingMessage): Promise<any> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', c => {
      data += c;
    });
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {});
      } catch (e) {
        reject(e);
      }
    });
    req.on('error', reject);
  });
}

/** Builds the request handler of the control port. */
export function controlHandler(
  target: ControlTarget,
  publicAddress: () => string,
): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://control.local');
    const parts = url.pathname
      .split('/')
      .filter(Boolean)
      .map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const handle = async () => {
      if (handleRegistryRequest(method, parts, res)) return undefined;
      if (await handleInterceptorRequest(target.clusters, req, res, url))
        return undefined;
      if (parts[0] === 'metrics' && method === 'GET') {
        const [, clusterName, namespace, pod] = parts;
        const cluster = target.clusters.get(clusterName ?? '');
        const life = cluster?.podLife(namespace ?? '', pod ?? '');
        // the scrape stands for kube-prometheus-stack's Prometheus in `monitoring`:
        // a NetworkPolicy that drops it leaves the target unreachable (no answer)
        if (cluster && life && !prometheusMayScrape(cluster, life)) {
          req.socket.destroy();
          return undefined;
        }
        const text =
          cluster && life ? podMetricsText(cluster, life) : undefined;
        if (text === undefined)
          return send(res, 404, 'not serving\n', 'text/plain');
        return send(res, 200, text, 'text/plain; version=0.0.4; charset=utf-8');
      }
      if (parts[0] === 'sd' && method === 'GET') {
        // Prometheus HTTP SD: ServiceMonitor targets carry the labels
        // prometheus-operator's relabelling gives them (as the cluster's
        // simulated Prometheus sees them, metrics/promql/serviceMonitorTargets.ts),
        // plus `cluster`; pods no ServiceMonitor covers (DCGM exporters, ...)
        // keep a job named after their engine
        const groups: unknown[] = [];
        for (const [name, cluster] of target.clusters) {
          const covered = new Set<string>();
          for (const t of cluster.prometheus.targets()) {
            covered.add(`${t.namespace}/${t.pod}`);
            groups.push({
              targets: [publicAddress()],
              labels: {
                ...t.labels,
                __metrics_path__: `/metrics/${name}/${t.namespace}/${t.pod}`,
                cluster: name,
              },
            });
          }
          for (const life of cluster.kubelets.pods.values()) {
            if (life.state.phase !== 'ready' || life.plan.engine === 'generic')
              continue;
            if (covered.has(`${life.namespace}/${life.name}`)) continue;
            groups.push({
              targets: [publicAddress()],
              labels: {
                __metrics_path__: `/metrics/${name}/${life.namespace}/${life.name}`,
                cluster: name,
                namespace: life.namespace,
                pod: life.name,
                job:
                  life.plan.engine === 'dcgm'
                    ? 'dcgm-exporter'
                    : life.plan.engine,
              },
            });
          }
        }
        return send(res, 200, JSON.stringify(groups));
      }
      if (parts[0] === 'healthz') return send(res, 200, 'ok', 'text/plain');
      if (
        target.adminToken &&
        req.headers.authorization !== `Bearer ${target.adminToken}`
      ) {
        return send(
          res,
          401,
          JSON.stringify({ error: 'admin token required' }),
        );
      }
      if (parts[0] === 'kubeconfig')
        return send(res, 200, target.kubeconfigYaml(), 'application/yaml');
      if (parts[0] === 'app-config')
        return send(res, 200, target.appConfigYaml(), 'application/yaml');
      if (parts[0] === 'stats' && method === 'GET') {
        const requests: Record<string, RequestCounts> = {};
        for (const [name, cluster] of target.clusters)
          requests[name] = { ...cluster.requestCounts };
        return send(res, 200, JSON.stringify({ requests }));
      }
      if (parts[0] === 'clusters' && parts.length === 1 && method === 'GET')
        return send(res, 200, JSON.stringify(target.summary(), null, 2));
      if (
        parts[0] === 'clusters' &&
        parts[2] === 'faults' &&
        method === 'POST'
      ) {
        await target.inject(parts[1], (await readJson(req)) as FaultInjection);
        return send(res, 200, JSON.stringify({ ok: true }));
      }
      if (parts[0] === 'faults' && method === 'POST') {
        const body = await readJson(req);
        await target.inject(body.cluster ?? '*', body as FaultInjection);
        return send(res, 200, JSON.stringify({ ok: true }));
      }
      if (
        parts[0] === 'clusters' &&
        parts[2] === 'serviceaccounts' &&
        parts[5] === 'token' &&
        parts.length === 6 &&
        method === 'POST'
      ) {
        const body = await readJson(req);
        const token = target.createServiceAccountToken(
          parts[1],
          parts[3],
          parts[4],
          {
            expirationSeconds:
              body.expirationSeconds === undefined
                ? undefined
                : Number(body.expirationSeconds),
            audiences: body.audiences,
          },
        );
        return send(
          res,
          200,
          JSON.stringify({
            token,
            user: `system:serviceaccount:${parts[3]}:${parts[4]}`,
          }),
        );
      }
      if (parts[0] === 'clusters' && parts[2] === 'load' && method === 'POST') {
        const body = await readJson(req);
        target.setLoad(
          parts[1],
          body.namespace,
          body.workload,
          Number(body.multiplier ?? 1),
        );
        return send(res, 200, JSON.stringify({ ok: true }));
      }
      return send(
        res,
        404,
        JSON.stringify({
          error: 'not found',
          routes: [
            'GET /clusters',
            'GET /stats',
            'POST /clusters/<name>/faults',
            'POST /faults',
            'POST /clusters/<name>/load',
            'POST /clusters/<name>/serviceaccounts/<namespace>/<name>/token',
            'GET /kubeconfig',
            'GET /app-config',
            'GET /sd',
            'GET /metrics/<cluster>/<ns>/<pod>',
            'ANY /clusters/<name>/interceptor/<path> (Host header routes, as the KEDA HTTP add-on interceptor)',
          ],
        }),
      );
    };
    handle().catch(e =>
      send(res, 400, JSON.stringify({ error: (e as Error).message })),
    );
  };
}

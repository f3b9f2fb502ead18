/*
 * The KEDA HTTP add-on interceptor of each simulated cluster, reachable on the
 * control port as `ANY /clusters/<cluster>/interceptor/<path...>`: it stands
 * for the Service `keda-add-ons-http-interceptor-proxy.keda:8080` that an
 * Ingress (through an ExternalName Service) sends traffic to. The request's
 * Host header routes it, as on a real cluster
 * (`curl -H 'Host: chat.example.com' .../clusters/gpu-lab/interceptor/v1/completions`).
 */
import http from 'http';
import { SimCluster } from '../sim/simCluster';

function readText(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', c => {
      data += c;
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

/** Serves an interceptor request when the path is one; false otherwise. */
export async function handleInterceptorRequest(
  clusters: Map<string, SimCluster>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<boolean> {
  const m = /^\/clusters\/([^/]+)\/interceptor(\/.*)?$/.exec(url.pathname);
  if (!m) return false;
  const cluster = clusters.get(decodeURIComponent(m[1]));
  if (!cluster) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `no cluster ${m[1]}` }));
    return true;
  }
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers))
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  const answer = await cluster.interceptor.handle({
    method: req.method ?? 'GET',
    host: headers.host ?? '',
    path: m[2] || '/',
    query: url.searchParams,
    headers,
    body: await readText(req),
  });
  res.writeHead(answer.status, {
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body),
  });
  res.end(answer.body);
  return true;
}

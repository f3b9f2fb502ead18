/*
 * The endpoints of a Service and how traffic sent to the Service reaches a
 * pod: what the endpoints controller, kube-proxy and the API server's
 * `services/proxy` agree on.
 *
 * - Endpoints (kubernetes pkg/controller/endpoint/endpoints_controller.go,
 *   syncService; pkg/api/v1/endpoints ShouldPodBeInEndpoints): pods matching
 *   the Service's `spec.selector` in its namespace, with a pod IP, neither
 *   terminal nor terminating; a pod whose Ready condition is True is a ready
 *   address, any other one a not-ready address. EndpointSlices carry the same
 *   split as `conditions.ready`.
 * - kube-proxy only forwards ClusterIP traffic to ready endpoints; with none,
 *   the connection is rejected.
 * - `services/proxy` (kubernetes pkg/registry/core/service/storage/storage.go,
 *   ResourceLocation): a numeric port must be a declared Service port, else
 *   503 `no service port %d found for service %q`; with no ready address,
 *   503 `no endpoints available for service %q`; otherwise a random ready
 *   address and the endpoint port of that Service port.
 */
import { compileMapSelector } from '../api/labelSelector';
import { resourceById } from '../api/resources';
import { ProxyResponse } from '../server/servedCluster';
import { parseStored } from '../store/storedObject';
import type { SimCluster } from './simCluster';

const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** True when a pod's Ready condition is True (podutil.IsPodReady). */
export function isPodReady(pod: Obj): boolean {
  return ((pod.status?.conditions ?? []) as Obj[]).some(
    c => c.type === 'Ready' && c.status === 'True',
  );
}

/** Whether a pod is listed in its Services' endpoints at all (ShouldPodBeInEndpoints). */
function inEndpoints(pod: Obj): boolean {
  if (!pod.status?.podIP) return false;
  if (pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** Pods behind a Service, split into ready and not-ready addresses. */
export function serviceEndpoints(
  cluster: Pick<SimCluster, 'store'>,
  service: Obj,
): { ready: Obj[]; notReady: Obj[] } {
  const ready: Obj[] = [];
  const notReady: Obj[] = [];
  if (service.spec?.type === 'ExternalName') return { ready, notReady };
  const selector = compileMapSelector(service.spec?.selector);
  for (const s of cluster.store
    .table(PODS)
    .values(service.metadata.namespace)) {
    if (!selector.matches(s.labels)) continue;
    const pod = parseStored(s) as Obj;
    if (!inEndpoints(pod)) continue;
    (isPodReady(pod) ? ready : notReady).push(pod);
  }
  return { ready, notReady };
}

/** The Service port a request names: a number (`port`) or a port name. */
export function findServicePort(
  service: Obj,
  port: string | number | undefined,
): Obj | undefined {
  const ports = (service.spec?.ports ?? []) as Obj[];
  if (port === undefined || port === '') return ports[0];
  if (/^\d+$/.test(String(port)))
    return ports.find(p => Number(p.port) === Number(port));
  return ports.find(p => p.name === port);
}

/** The container port of a pod a Service port's targetPort names (number or container port name). */
export function targetPortOn(servicePort: Obj, pod: Obj): string {
  const target = servicePort.targetPort ?? servicePort.port;
  if (/^\d+$/.test(String(target))) return String(target);
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[])
      if (p.name === target) return String(p.containerPort);
  }
  return String(target);
}

/** A request forwarded to a pod: method and body besides the path. */
export interface ForwardedRequest {
  method: string;
  body: string;
}

/** Answers `GET|POST /api/v1/namespaces/<ns>/services/<name>[:<port>]/proxy/<path>`. */
export function proxyToService(
  cluster: SimCluster,
  service: Obj,
  port: string | undefined,
  path: string,
  query: URLSearchParams,
  request?: ForwardedRequest,
): ProxyResponse {
  const name = service.metadata.name;
  const svcPort = findServicePort(service, port);
  if (!svcPort) {
    return cluster.proxyError(
      503,
      /^\d+$/.test(String(port))
        ? `no service port ${port} found for service "${name}"`
        : `no endpoints available for service "${name}"`,
    );
  }
  const { ready } = serviceEndpoints(cluster, service);
  if (ready.length === 0)
    return cluster.proxyError(
      503,
      `no endpoints available for service "${name}"`,
    );
  const pod = cluster.rng.pick(ready);
  return cluster.proxyToPod(
    pod,
    targetPortOn(svcPort, pod),
    path,
    query,
    request,
  );
}

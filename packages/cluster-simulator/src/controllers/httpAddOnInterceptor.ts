/*
 * The KEDA HTTP add-on interceptor (Service
 * `keda-add-ons-http-interceptor-proxy.keda:8080`), as of add-on v0.12:
 *
 * 1. Routing (interceptor/middleware/routing.go): the request's Host and path
 *    select an HTTPScaledObject (see httpAddOnRouting.ts); none → the static
 *    handler answers 404 with the status text `Not Found`
 *    (interceptor/handler/static.go).
 * 2. Counting (interceptor/middleware/counting.go): the request is counted
 *    in flight from here until its response is written; this is what the
 *    external scaler reports, so a held request activates the workload.
 * 3. Waiting (interceptor/proxy_handlers.go newForwardingHandler,
 *    forward_wait_func.go): the request is held until the target Service
 *    has a ready endpoint (EndpointSlice endpoint with ready unset or true,
 *    fix of #1344 in v0.12), at most `spec.timeouts.conditionWait` when set
 *    (v0.11+), else KEDA_CONDITION_WAIT_TIMEOUT (default 20s,
 *    interceptor/config/timeouts.go); `coldStartTimeoutFailoverRef.timeoutSeconds`
 *    overrides it when a failover is set. On timeout without failover: 502
 *    `error on backend (context marked done while waiting for workload reach
 *    > 0 replicas: context deadline exceeded)`; with one, the request goes to
 *    the failover Service.
 * 4. Forwarding (interceptor/handler/upstream.go): a reverse proxy to
 *    `http://<service>.<namespace>:<port>` (the Service's ClusterIP, so
 *    kube-proxy picks a ready endpoint), keeping the Host header. The
 *    transport waits `spec.timeouts.responseHeader` (v0.11+) or
 *    KEDA_RESPONSE_HEADER_TIMEOUT (default 500ms) for response headers; a
 *    dial that keeps failing is retried for KEDA_HTTP_DIAL_RETRY_TIMEOUT
 *    (15s). Any upstream error is answered by the static handler: 502 with
 *    the status text `Bad Gateway`. Connections come from an interceptor pod
 *    in namespace `keda`, so the target pods' NetworkPolicies must admit it
 *    (network/podTraffic.ts); dropped packets make the dial time out.
 *
 * Waiting subscribes to pod changes and arms timers on the simulated clock,
 * so held requests progress while a test advances a manual clock.
 */
import { resourceById } from '../api/resources';
import { TrafficSource } from '../network/networkPolicy';
import { podAdmits, podSource } from '../network/podTraffic';
import { ProxyResponse } from '../server/servedCluster';
import { TimerHandle } from '../sim/clock';
import {
  findServicePort,
  serviceEndpoints,
  targetPortOn,
} from '../sim/serviceEndpoints';
import type { SimCluster } from '../sim/simCluster';
import { QueueCount, RequestCounter, parseGoDuration } from './httpAddOnQueue';
import { routeRequest } from './httpAddOnRouting';

const HTTPSOS = resourceById('http.keda.sh/httpscaledobjects');
const SERVICES = resourceById('core/services');
const PODS = resourceById('core/pods');
type Obj = Record<string, any>;

/** KEDA_CONDITION_WAIT_TIMEOUT default (interceptor/config/timeouts.go). */
export const DEFAULT_CONDITION_WAIT_MS = 20_000;
/** KEDA_RESPONSE_HEADER_TIMEOUT default (interceptor/config/timeouts.go). */
export const DEFAULT_RESPONSE_HEADER_MS = 500;
/** KEDA_HTTP_DIAL_RETRY_TIMEOUT default (interceptor/config/timeouts.go, v0.12). */
export const DIAL_RETRY_MS = 15_000;
/** Labels of the interceptor pods (kedacore/charts http-add-on interceptor templates). */
export const INTERCEPTOR_POD_LABELS: Record<string, string> = {
  'app.kubernetes.io/component': 'interceptor',
  'app.kubernetes.io/name': 'http-add-on',
};

const WAIT_TIMEOUT_BODY =
  'error on backend (context marked done while waiting for workload reach > 0 replicas: context deadline exceeded)';
const GO_TEXT = 'text/plain; charset=utf-8';

/** An HTTP request received by the interceptor. */
export interface InterceptedRequest {
  method: string;
  host: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
}

/** The interceptor's answer. */
export interface InterceptorAnswer {
  status: number;
  contentType: string;
  body: string;
}

function staticAnswer(status: number, text: string): InterceptorAnswer {
  return { status, contentType: GO_TEXT, body: text };
}

/** The interceptor of one simulated cluster. */
export class HttpInterceptor {
  readonly counter = new RequestCounter();
  /** called when a request arrives for an HTTPScaledObject (the scaler's push stream to KEDA) */
  onArrival: (httpso: Obj) => void = () => {};

  constructor(private readonly cluster: SimCluster) {}

  /** The counts the external scaler reports for an HTTPScaledObject. */
  count(httpso: Obj): QueueCount {
    const rate = httpso.spec?.scalingMetric?.requestRate as Obj | undefined;
    return this.counter.count(
      keyOf(httpso),
      this.cluster.now(),
      parseGoDuration(rate?.window, 60_000),
      parseGoDuration(rate?.granularity, 1000),
    );
  }

  /** Serves one request: route, count, hold until ready, forward. */
  async handle(req: InterceptedRequest): Promise<InterceptorAnswer> {
    const httpsos = Array.from(this.cluster.store.table(HTTPSOS).values(), s =>
      JSON.parse(s.json),
    ) as Obj[];
    const httpso = routeRequest(httpsos, req);
    if (!httpso) return staticAnswer(404, 'Not Found');
    const key = keyOf(httpso);
    const rate = httpso.spec?.scalingMetric?.requestRate as Obj | undefined;
    this.counter.arrive(
      key,
      this.cluster.now(),
      parseGoDuration(rate?.granularity, 1000),
    );
    this.onArrival(httpso);
    try {
      return await this.serve(httpso, req);
    } finally {
      this.counter.finish(key);
    }
  }

  private async serve(
    httpso: Obj,
    req: InterceptedRequest,
  ): Promise<InterceptorAnswer> {
    const spec = httpso.spec ?? {};
    const ns = httpso.metadata.namespace;
    const failover = spec.coldStartTimeoutFailoverRef as Obj | undefined;
    let waitMs = parseGoDuration(
      spec.timeouts?.conditionWait,
      DEFAULT_CONDITION_WAIT_MS,
    );
    if (failover && Number(failover.timeoutSeconds ?? 30) > 0)
      waitMs = Number(failover.timeoutSeconds ?? 30) * 1000;
    const headerMs = parseGoDuration(
      spec.timeouts?.responseHeader,
      DEFAULT_RESPONSE_HEADER_MS,
    );
    const target = spec.scaleTargetRef ?? {};
    const ready = await this.waitForReadyEndpoint(ns, target.service, waitMs);
    if (!ready && !failover) return staticAnswer(502, WAIT_TIMEOUT_BODY);
    const upstream = ready ? target : failover!;
    return this.forward(ns, upstream, req, headerMs);
  }

  /** Resolves true once the Service has a ready endpoint, false after `waitMs`. */
  private waitForReadyEndpoint(
    namespace: string,
    service: string,
    waitMs: number,
  ): Promise<boolean> {
    const hasReady = () => {
      const svc = this.cluster.store.getObject(SERVICES, namespace, service);
      return !!svc && serviceEndpoints(this.cluster, svc).ready.length > 0;
    };
    if (hasReady()) return Promise.resolve(true);
    return new Promise(resolve => {
      let timer: TimerHandle | undefined = undefined;
      let unsubscribe: () => void = () => undefined;
      const done = (ok: boolean) => {
        unsubscribe();
        this.cluster.clock.clearTimer(timer);
        resolve(ok);
      };
      unsubscribe = this.cluster.store.subscribeType(PODS, e => {
        if (e.object.namespace === namespace && hasReady()) done(true);
      });
      timer = this.cluster.clock.setTimer(waitMs, () => done(hasReady()));
    });
  }

  /** Sends the request to the Service's ClusterIP: a ready endpoint answers, or the dial fails. */
  private forward(
    namespace: string,
    ref: Obj,
    req: InterceptedRequest,
    headerMs: number,
  ): Promise<InterceptorAnswer> {
    const svc = this.cluster.store.getObject(SERVICES, namespace, ref.service);
    const svcPort = svc
      ? findServicePort(svc, ref.port ?? ref.portName)
      : undefined;
    const ready = svc ? serviceEndpoints(this.cluster, svc).ready : [];
    // connections come from an interceptor pod in `keda`; an endpoint whose
    // NetworkPolicies drop them times out, and the dial is retried elsewhere
    const source = this.source();
    const pods = ready.filter(p =>
      podAdmits(
        this.cluster.store,
        source,
        p,
        Number(targetPortOn(svcPort ?? {}, p)),
      ),
    );
    if (!svc || !svcPort || pods.length === 0) {
      // no route (kube-proxy rejects) or every packet dropped by a policy: the
      // dial is retried until the retry budget runs out
      return this.after(DIAL_RETRY_MS, staticAnswer(502, 'Bad Gateway'));
    }
    const pod = this.cluster.rng.pick(pods);
    const answer: ProxyResponse = this.cluster.proxyToPod(
      pod,
      targetPortOn(svcPort, pod),
      req.path,
      req.query,
      { method: req.method, body: req.body },
      source,
    );
    if (
      answer.status === 503 &&
      /connection refused|i\/o timeout/.test(answer.body)
    )
      return this.after(DIAL_RETRY_MS, staticAnswer(502, 'Bad Gateway'));
    const headersAfterMs = (answer.headersAfterSeconds ?? 0) * 1000;
    if (headersAfterMs > headerMs)
      return this.after(headerMs, staticAnswer(502, 'Bad Gateway'));
    return this.after(headersAfterMs, {
      status: answer.status,
      contentType: answer.contentType,
      body: answer.body,
    });
  }

  private source(): TrafficSource {
    return podSource(this.cluster.store, 'keda', INTERCEPTOR_POD_LABELS);
  }

  private after(ms: number, a: InterceptorAnswer): Promise<InterceptorAnswer> {
    if (ms <= 0) return Promise.resolve(a);
    return new Promise(resolve =>
      this.cluster.clock.setTimer(ms, () => resolve(a)),
    );
  }
}

/** The queue key of an HTTPScaledObject (`namespace/name`, as pkg/k8s keys it). */
export function keyOf(httpso: Obj): string {
  return `${httpso.metadata.namespace}/${httpso.metadata.name}`;
}

/*
 * What a simulated pod answers on its ports (reached through `pods/proxy`
 * or the plain scrape port) and what it logs (`pods/log`). A server only
 * answers once its model is loaded, like vLLM's API server, which starts
 * listening after the weights are in GPU memory.
 */
import { ApiError } from '../api/status';
import { PodLife } from '../controllers/kubelet';
import { dcgmNodeInfo } from '../metrics/nodeInfo';
import { gpuUuid } from '../metrics/dcgmMetrics';
import {
  teiMetrics,
  tgiMetrics,
  tritonMetrics,
} from '../metrics/engineMetrics';
import { vllmMetrics } from '../metrics/vllmMetrics';
import { TrafficSource } from '../network/networkPolicy';
import {
  apiServerSource,
  dialTimeoutMessage,
  podAdmits,
} from '../network/podTraffic';
import { ProxyResponse } from '../server/servedCluster';
import { KubeObject } from '../store/storedObject';
import { vllmStartupLog } from './failureMessages';
import { inferenceAnswer } from './inferenceAnswers';
import type { ForwardedRequest } from './serviceEndpoints';
import type { SimCluster } from './simCluster';

type Obj = Record<string, any>;
const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function ok(body: string, contentType = 'application/json'): ProxyResponse {
  return { status: 200, contentType, body };
}

function resolvePort(pod: Obj, port: string | undefined): number | undefined {
  if (!port)
    return Number(pod.spec?.containers?.[0]?.ports?.[0]?.containerPort ?? 80);
  if (/^\d+$/.test(port)) return Number(port);
  for (const c of (pod.spec?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[])
      if (p.name === port) return Number(p.containerPort);
  }
  return undefined;
}

/** Metrics text a pod serves right now, or undefined when it is not serving. */
export function podMetricsText(
  cluster: SimCluster,
  life: PodLife,
): string | undefined {
  if (life.state.phase !== 'ready') return undefined;
  switch (life.plan.engine) {
    case 'vllm':
      return vllmMetrics(cluster.runtime, life);
    case 'tei':
      return teiMetrics(cluster.runtime, life);
    case 'tgi':
      return tgiMetrics(cluster.runtime, life);
    case 'triton':
      return tritonMetrics(
        cluster.runtime,
        life,
        life.gpuIndices.map(i => gpuUuid(life.node, i)),
      );
    case 'dcgm': {
      const info = dcgmNodeInfo(cluster, life.node);
      return info ? cluster.dcgm.render(info) : '';
    }
    default:
      return undefined;
  }
}

/** Answers a proxied HTTP request to a pod. */
export function proxyToPod(
  cluster: SimCluster,
  pod: KubeObject,
  port: string | undefined,
  path: string,
  _query: URLSearchParams,
  request?: ForwardedRequest,
  source?: TrafficSource,
): ProxyResponse {
  const p = pod as Obj;
  const name = p.metadata.name;
  const ip = p.status?.podIP;
  const target = resolvePort(p, port);
  if (!ip)
    return cluster.proxyError(503, `no endpoints available for pod "${name}"`);
  // NetworkPolicy: without a source, the connection is the API server's proxy
  const from = source ?? apiServerSource(cluster.apiServerCidr);
  if (!podAdmits(cluster.store, from, p, target ?? port ?? 80))
    return cluster.proxyError(
      503,
      dialTimeoutMessage(ip, target ?? port ?? 80),
    );
  const refused = cluster.proxyError(
    503,
    `error trying to reach service: dial tcp ${ip}:${
      target ?? port
    }: connect: connection refused`,
  );
  const life = cluster.podLife(p.metadata.namespace, name);
  if (!life || target === undefined) return refused;
  const engine = life.plan.engine;
  const serving =
    life.state.phase === 'ready' ||
    (engine === 'generic' && life.state.phase === 'loading');
  if (!serving) return refused;
  const declared = ((p.spec?.containers ?? []) as Obj[]).flatMap(c =>
    ((c.ports ?? []) as Obj[]).map(x => Number(x.containerPort)),
  );
  if (declared.length > 0 && !declared.includes(target)) return refused;
  if (path === '/metrics') {
    if (engine === 'triton' && target !== 8002)
      return { status: 404, contentType: 'text/plain', body: '' };
    const text = podMetricsText(cluster, life);
    return text === undefined
      ? { status: 404, contentType: 'text/plain', body: '404 page not found\n' }
      : ok(text, TEXT);
  }
  const inference = request
    ? inferenceAnswer(life, request.method, path, request.body, cluster.now())
    : undefined;
  if (inference) return inference;
  switch (engine) {
    case 'vllm':
      if (path === '/health' || path === '/ping') return ok('');
      if (path === '/version') return ok(JSON.stringify({ version: '0.10.1' }));
      if (path === '/v1/models') {
        return ok(
          JSON.stringify({
            object: 'list',
            data: [
              {
                id: life.plan.model,
                object: 'model',
                created: Math.floor(cluster.now() / 1000),
                owned_by: 'vllm',
                root: life.plan.model,
                max_model_len: life.plan.maxModelLen,
              },
            ],
          }),
        );
      }
      return {
        status: 404,
        contentType: 'application/json',
        body: '{"detail":"Not Found"}',
      };
    case 'tei':
    case 'tgi':
      if (path === '/health') return ok('');
      if (path === '/info')
        return ok(
          JSON.stringify({
            model_id: life.plan.model,
            model_dtype: 'float16',
            version: engine === 'tei' ? '1.6.0' : '3.3.5',
          }),
        );
      return {
        status: 404,
        contentType: 'application/json',
        body: '{"error":"Not Found"}',
      };
    case 'triton':
      if (path === '/v2/health/ready' || path === '/v2/health/live')
        return ok('');
      return {
        status: 400,
        contentType: 'application/json',
        body: '{"error":"Not Found"}',
      };
    default:
      return path === '/' || path === '/healthz'
        ? ok('ok', 'text/plain')
        : {
            status: 404,
            contentType: 'text/plain',
            body: '404 page not found\n',
          };
  }
}

/** Container logs, as `kubectl logs [--previous]` shows them. */
export function podLogs(
  cluster: SimCluster,
  pod: KubeObject,
  container: string | undefined,
  previous: boolean,
): string {
  const p = pod as Obj;
  const name = p.metadata.name;
  const life = cluster.podLife(p.metadata.namespace, name);
  const c = container ?? life?.plan.container ?? p.spec?.containers?.[0]?.name;
  if (!life)
    throw new ApiError(
      400,
      'BadRequest',
      `container "${c}" in pod "${name}" is waiting to start: ContainerCreating`,
    );
  const lines =
    life.plan.engine === 'vllm'
      ? vllmStartupLog(
          life.plan.model ?? '',
          life.plan.arch,
          life.plan.memory,
          life.plan.tensorParallel,
          life.plan.port,
        )
      : [`INFO starting ${life.plan.engine}`];
  // a container that failed got as far as loading the model, then printed its traceback
  const lastRun = () =>
    `${[...lines.slice(0, 3), ...life.previousLogs].join('\n')}\n`;
  if (previous) {
    if (!life.state.lastTermination) {
      throw new ApiError(
        400,
        'BadRequest',
        `previous terminated container "${c}" in pod "${name}" not found`,
      );
    }
    return lastRun();
  }
  if (
    life.state.phase === 'creating' ||
    life.state.phase === 'pullBackoff' ||
    life.state.phase === 'pullFailed'
  ) {
    const reason =
      life.state.phase === 'creating'
        ? 'ContainerCreating'
        : 'ImagePullBackOff';
    throw new ApiError(
      400,
      'BadRequest',
      `container "${c}" in pod "${name}" is waiting to start: ${reason}`,
    );
  }
  if (c !== life.plan.container) return '';
  if (
    life.state.phase === 'crashBackoff' ||
    life.state.phase === 'startFailed'
  ) {
    return lastRun();
  }
  if (life.state.phase === 'loading') {
    return `${lines.slice(0, 3).join('\n')}\n`;
  }
  return `${lines.join('\n')}\n`;
}

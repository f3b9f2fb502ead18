/*
 * Scale-to-zero with the KEDA HTTP add-on, on the simulated clock: the
 * interceptor holds the first request while KEDA wakes the Deployment and
 * the model loads, then answers it; an unknown host, a workload that never
 * becomes ready and a response slower than the response-header timeout get
 * the interceptor's real answers; and the old design (a prometheus trigger on
 * ingress-nginx's request rate, nothing holding requests) leaves nobody to
 * serve.
 */
import http from 'http';
import { resourceById } from '../api/resources';
import { ScenarioInput } from '../scenario/schema';
import { SimulatorHandle, startSimulator } from '../startSimulator';
import { routeRequest } from './httpAddOnRouting';
import { scalerMetric } from './httpAddOnController';

type Obj = Record<string, any>;
const NS = 'ml-chat';
const DEPLOYMENTS = resourceById('apps/deployments');
const HTTPSOS = resourceById('http.keda.sh/httpscaledobjects');
const SCALED_OBJECTS = resourceById('keda.sh/scaledobjects');
const SERVICES = resourceById('core/services');
const INGRESSES = resourceById('networking.k8s.io/ingresses');
const NETWORK_POLICIES = resourceById('networking.k8s.io/networkpolicies');

type WorkloadInput = ScenarioInput['clusters'][number]['workloads'] extends
  | Array<infer W>
  | undefined
  ? W
  : never;

function workload(
  name: string,
  extra: Partial<WorkloadInput> = {},
): WorkloadInput {
  return {
    name,
    namespace: NS,
    team: 'ml-chat',
    engine: 'vllm',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    gpuProduct: 'NVIDIA-L4',
    gpus: 1,
    maxModelLen: 4096,
    replicas: 0,
    modelLoadSeconds: 240,
    load: { profile: 'idle', rps: 0 },
    ...extra,
  };
}

function httpScaledObject(name: string, host: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'http.keda.sh/v1alpha1',
    kind: 'HTTPScaledObject',
    metadata: { name, namespace: NS },
    spec: {
      hosts: [host],
      scaleTargetRef: {
        name,
        kind: 'Deployment',
        apiVersion: 'apps/v1',
        service: name,
        port: 80,
      },
      replicas: { min: 0, max: 2 },
      scaledownPeriod: 300,
      scalingMetric: { concurrency: { targetValue: 4 } },
      ...spec,
    },
  };
}

interface Answer {
  status: number;
  body: string;
}

describe('KEDA HTTP add-on', () => {
  let sim: SimulatorHandle;
  const cluster = () => sim.cluster('gpu-lab');
  const replicas = (name: string) =>
    (cluster().store.getObject(DEPLOYMENTS, NS, name) as Obj).spec.replicas;

  /** Sends a request through the interceptor; resolves when it is answered. */
  const send = (
    host: string,
    path: string,
    body?: unknown,
  ): { answer: Promise<Answer>; done: () => boolean } => {
    let finished = false;
    const answer = new Promise<Answer>((resolve, reject) => {
      const url = new URL(
        `${sim.controlUrl}/clusters/gpu-lab/interceptor${path}`,
      );
      const data = body === undefined ? '' : JSON.stringify(body);
      const req = http.request(
        url,
        {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            Host: host,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(data),
          },
        },
        res => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', c => {
            text += c;
          });
          res.on('end', () => {
            finished = true;
            resolve({ status: res.statusCode ?? 0, body: text });
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
    return { answer, done: () => finished };
  };

  /** Waits (real time) until the interceptor counts a request for an HTTPScaledObject. */
  const arrived = async (name: string) => {
    const httpso = cluster().store.getObject(HTTPSOS, NS, name) as Obj;
    for (let i = 0; i < 400; i++) {
      if (cluster().interceptor.count(httpso).concurrency > 0) return;
      await new Promise(r => setTimeout(r, 5));
    }
    throw new Error(`no request for ${name} reached the interceptor`);
  };

  /** Advances simulated time in steps until `cond` holds; returns the seconds it took. */
  const advanceUntil = async (cond: () => boolean, maxSeconds: number) => {
    for (let s = 0; s <= maxSeconds; s++) {
      if (cond()) return s;
      await sim.advance(1000);
      await new Promise(r => setImmediate(r));
    }
    throw new Error(`condition not met within ${maxSeconds}s`);
  };

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'http-add-on',
        seed: 7,
        timing: { imagePullSeconds: [5, 5], nodeReadySeconds: 10 },
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
                nodes: 1,
              },
            ],
            workloads: [
              workload('chat'),
              workload('slow-headers'),
              workload('stuck', { gpuProduct: 'NVIDIA-H200' }),
              workload('legacy'),
              workload('fenced', { replicas: 1 }),
            ],
          },
        ],
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: 0,
    });
    const api = cluster().api;
    api.create(
      HTTPSOS,
      NS,
      httpScaledObject('chat', 'chat.example.com', {
        // sized from the model load time: the first request waits for it
        timeouts: { conditionWait: '10m', responseHeader: '5m' },
      }) as never,
    );
    api.create(
      HTTPSOS,
      NS,
      httpScaledObject('slow-headers', 'slow.example.com', {
        timeouts: { conditionWait: '10m' },
      }) as never,
    );
    api.create(
      HTTPSOS,
      NS,
      httpScaledObject('stuck', 'stuck.example.com', {
        timeouts: { conditionWait: '30s' },
      }) as never,
    );
    api.create(
      HTTPSOS,
      NS,
      httpScaledObject('fenced', 'fenced.example.com', {
        timeouts: { conditionWait: '10m', responseHeader: '5m' },
      }) as never,
    );
    await sim.advance(1000);
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('renders the ScaledObject the add-on operator creates, owned by the HTTPScaledObject, and reports Ready', () => {
    const so = cluster().store.getObject(SCALED_OBJECTS, NS, 'chat') as Obj;
    expect(so.metadata.ownerReferences[0]).toMatchObject({
      kind: 'HTTPScaledObject',
      name: 'chat',
      controller: true,
    });
    expect(so.spec).toMatchObject({
      scaleTargetRef: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'chat',
      },
      minReplicaCount: 0,
      maxReplicaCount: 2,
      cooldownPeriod: 300,
      pollingInterval: 15,
      triggers: [
        {
          type: 'external-push',
          metadata: {
            scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090',
            httpScaledObject: 'chat',
          },
        },
      ],
    });
    const httpso = cluster().store.getObject(HTTPSOS, NS, 'chat') as Obj;
    expect(httpso.status).toMatchObject({
      targetWorkload: 'apps/v1/Deployment/chat',
      targetService: 'chat:80',
    });
    expect(httpso.status.conditions).toEqual([
      expect.objectContaining({
        type: 'Ready',
        status: 'True',
        reason: 'Reconciled',
        message: 'ScaledObject created and configured',
      }),
    ]);
  });

  it('holds the first request while KEDA wakes the Deployment 0→1 and the model loads, answers it with a completion, and returns to 0 after scaledownPeriod', async () => {
    expect(replicas('chat')).toBe(0);
    const req = send('chat.example.com', '/v1/completions', {
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      prompt: 'Hello',
      max_tokens: 8,
    });
    await arrived('chat');
    // the held request counts as in flight, so the scaler is active: KEDA
    // scales 0→1 at once through the push stream (StreamIsActive), at the
    // latest at its next poll (pollingInterval 15 s)
    const woke = await advanceUntil(() => replicas('chat') === 1, 20);
    expect(woke).toBeLessThanOrEqual(16);
    const so = cluster().store.getObject(SCALED_OBJECTS, NS, 'chat') as Obj;
    expect(
      so.status.conditions.find((c: Obj) => c.type === 'Active').status,
    ).toBe('True');
    // still held while the pod pulls its image and loads the model
    await sim.advance(60_000);
    expect(req.done()).toBe(false);
    const waited = await advanceUntil(req.done, 600);
    expect(60 + waited).toBeGreaterThanOrEqual(240);
    const answer = await req.answer;
    expect(answer.status).toBe(200);
    const completion = JSON.parse(answer.body);
    expect(completion).toMatchObject({
      object: 'text_completion',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      usage: { completion_tokens: 8 },
    });
    expect(completion.choices[0].text.length).toBeGreaterThan(0);
    // no traffic: back to zero once scaledownPeriod has passed since KEDA
    // last saw the trigger active (status.lastActiveTime, polled every 15 s)
    await sim.advance(250_000);
    expect(replicas('chat')).toBe(1);
    await advanceUntil(() => replicas('chat') === 0, 120);
    const lastActive = Date.parse(
      (cluster().store.getObject(SCALED_OBJECTS, NS, 'chat') as Obj).status
        .lastActiveTime,
    );
    const idleSeconds = (sim.clock.now() - lastActive) / 1000;
    expect(idleSeconds).toBeGreaterThanOrEqual(300);
    expect(idleSeconds).toBeLessThanOrEqual(300 + 15 + 1);
  });

  it('answers a request for a host no HTTPScaledObject routes with the interceptor 404', async () => {
    const answer = await send('unknown.example.com', '/v1/models').answer;
    expect(answer).toEqual({ status: 404, body: 'Not Found' });
  });

  it('answers 502 after conditionWait when the workload cannot become ready (unschedulable)', async () => {
    const req = send('stuck.example.com', '/v1/completions', { prompt: 'x' });
    await arrived('stuck');
    await sim.advance(29_000);
    expect(req.done()).toBe(false);
    expect(replicas('stuck')).toBe(1);
    await advanceUntil(req.done, 5);
    expect(await req.answer).toEqual({
      status: 502,
      body: 'error on backend (context marked done while waiting for workload reach > 0 replicas: context deadline exceeded)',
    });
  });

  it('answers 502 Bad Gateway when the completion outlasts the default 500ms response-header timeout', async () => {
    const req = send('slow.example.com', '/v1/completions', {
      prompt: 'Hello',
      max_tokens: 128,
    });
    await arrived('slow-headers');
    await advanceUntil(req.done, 900);
    expect(await req.answer).toEqual({ status: 502, body: 'Bad Gateway' });
  });

  it('answers 502 Bad Gateway when a NetworkPolicy of the target drops the interceptor, and serves once the policy admits namespace keda', async () => {
    const policy = (from: Obj[]) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'fenced', namespace: NS },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'fenced' } },
        policyTypes: ['Ingress'],
        ingress: [{ from }],
      },
    });
    const monitoringOnly = [
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' },
        },
      },
    ];
    cluster().api.create(NETWORK_POLICIES, NS, policy(monitoringOnly) as never);
    const blocked = send('fenced.example.com', '/v1/completions', {
      prompt: 'Hello',
    });
    await arrived('fenced');
    // the pod becomes ready; the interceptor's dial then times out for 15 s
    await advanceUntil(blocked.done, 600);
    expect(await blocked.answer).toEqual({ status: 502, body: 'Bad Gateway' });
    cluster().api.mutate(NETWORK_POLICIES, NS, 'fenced', o => {
      (o as Obj).spec.ingress[0].from = [
        ...monitoringOnly,
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'keda' },
          },
        },
      ];
    });
    const served = send('fenced.example.com', '/v1/completions', {
      prompt: 'Hello',
    });
    await arrived('fenced');
    await advanceUntil(served.done, 30);
    expect((await served.answer).status).toBe(200);
  });

  it('old design: a prometheus trigger on ingress-nginx requests leaves the Service at 0 endpoints, and a direct request gets 503 from services/proxy', async () => {
    cluster().api.create(SCALED_OBJECTS, NS, {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'legacy', namespace: NS },
      spec: {
        scaleTargetRef: { name: 'legacy' },
        minReplicaCount: 0,
        maxReplicaCount: 2,
        triggers: [
          {
            type: 'prometheus',
            metadata: {
              serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
              query: 'sum(rate(nginx_ingress_controller_requests[2m]))',
              threshold: '1',
            },
          },
        ],
      },
    } as never);
    const c = sim.clusters.find(x => x.name === 'gpu-lab')!;
    const res = await fetch(
      `${c.httpUrl}/api/v1/namespaces/${NS}/services/legacy:80/proxy/v1/models`,
      { headers: { Authorization: `Bearer ${c.token}` } },
    );
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      kind: 'Status',
      code: 503,
      reason: 'ServiceUnavailable',
      message: 'no endpoints available for service "legacy"',
    });
    // the request was not held and nothing counts it: nobody wakes up to serve
    await sim.advance(120_000);
    expect(replicas('legacy')).toBe(0);
  });

  it('bootstraps the add-on Services in keda, and accepts an Ingress to an ExternalName Service naming the interceptor', () => {
    const proxy = cluster().store.getObject(
      SERVICES,
      'keda',
      'keda-add-ons-http-interceptor-proxy',
    ) as Obj;
    expect(proxy.spec.ports[0]).toMatchObject({ port: 8080 });
    expect(
      cluster().store.getObject(
        SERVICES,
        'keda',
        'keda-add-ons-http-external-scaler',
      ),
    ).toBeDefined();
    const api = cluster().api;
    api.create(SERVICES, NS, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'chat-interceptor', namespace: NS },
      spec: {
        type: 'ExternalName',
        externalName:
          'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local',
        ports: [{ port: 8080 }],
      },
    } as never);
    api.create(INGRESSES, NS, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'chat', namespace: NS },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          {
            host: 'chat.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: {
                    service: {
                      name: 'chat-interceptor',
                      port: { number: 8080 },
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    } as never);
    const ext = cluster().store.getObject(
      SERVICES,
      NS,
      'chat-interceptor',
    ) as Obj;
    expect(ext.spec.clusterIP).toBeUndefined();
  });
});

describe('HTTP add-on routing and scaler metric', () => {
  const so = (name: string, spec: Obj) => ({
    metadata: { name, namespace: 'a' },
    spec,
  });

  it('prefers an exact host over a wildcard and the longest path prefix, and ignores the port', () => {
    const all = [
      so('wild', { hosts: ['*.example.com'] }),
      so('exact', { hosts: ['chat.example.com'] }),
      so('exact-v2', { hosts: ['chat.example.com'], pathPrefixes: ['/v2'] }),
      so('catch-all', { hosts: ['*'] }),
    ];
    const route = (host: string, path: string) =>
      routeRequest(all, { host, path, headers: {} })?.metadata.name;
    expect(route('chat.example.com:8080', '/v1/completions')).toBe('exact');
    expect(route('chat.example.com', '/v2/x')).toBe('exact-v2');
    expect(route('a.b.example.com', '/')).toBe('wild');
    expect(route('other.org', '/')).toBe('catch-all');
  });

  it('reports concurrency by default and ceil(requests/s) with requestRate, with targetValue default 100', () => {
    expect(
      scalerMetric(so('x', {}), { concurrency: 3, requestRate: 0 }),
    ).toEqual({ value: 3, target: 100 });
    expect(
      scalerMetric(
        so('x', { scalingMetric: { requestRate: { targetValue: 5 } } }),
        {
          concurrency: 0,
          requestRate: 0.2,
        },
      ),
    ).toEqual({ value: 1, target: 5 });
  });
});

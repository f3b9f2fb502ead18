/*
 * Resource quantities written as JSON numbers come back as canonical strings,
 * as from a real API server: k8s.io/apimachinery/pkg/api/resource.Quantity
 * unmarshals a JSON number like a string and always marshals its canonical
 * string form. Custom resources keep what they were given (their schema says
 * int-or-string, so a real server stores the number as it came).
 */
import { SimulatorHandle, startSimulator } from './startSimulator';

const NS = 'quantities';

const deployment = (name: string, limits: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          { name: 'main', image: 'nginx:1.27', resources: { limits } },
        ],
      },
    },
  },
});

describe('resource quantities as JSON numbers', () => {
  let sim: SimulatorHandle;
  let url: string;
  let token: string;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': contentType }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  }
  const limitsOf = (d: any) => d.spec.template.spec.containers[0].resources;
  const deployments = `/apis/apps/v1/namespaces/${NS}/deployments`;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'quantities',
        clusters: [
          {
            name: 'c1',
            systemWorkloads: false,
            dcgmExporter: false,
            nodePools: [
              {
                name: 'gpu',
                gpu: 'NVIDIA-A100-SXM4-80GB',
                instanceType: 'p4de.24xlarge',
                nodes: 1,
              },
            ],
            namespaces: [{ name: NS }],
          },
        ],
      },
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 1) },
      controlPort: false,
    });
    url = sim.clusters[0].httpUrl;
    token = sim.clusters[0].token;
  });

  afterAll(async () => {
    await sim?.stop();
  });

  it.each([
    [1, '1'],
    [0, '0'],
    [16, '16'],
    [1000, '1k'],
    [1500, '1500'],
    [0.5, '500m'],
    [2.25, '2250m'],
    [1000000, '1M'],
    [12000000000, '12G'],
    [0.0001, '100u'],
    [-2, '-2'],
  ])(
    'stores a created limit of %p as "%s" (and defaults requests to it)',
    async (value, canonical) => {
      const name = `create-${String(value).replace(/[^0-9]/g, 'x')}`;
      const created = await call(
        'POST',
        deployments,
        deployment(name, { cpu: value, 'nvidia.com/gpu': 1 }),
      );
      expect(created.status).toBe(201);
      expect(limitsOf(created.body).limits).toEqual({
        cpu: canonical,
        'nvidia.com/gpu': '1',
      });
      const read = await call('GET', `${deployments}/${name}`);
      expect(limitsOf(read.body)).toEqual({
        limits: { cpu: canonical, 'nvidia.com/gpu': '1' },
        requests: { cpu: canonical, 'nvidia.com/gpu': '1' },
      });
    },
  );

  it('normalises numbers on update, merge patch, JSON patch and server-side apply', async () => {
    await call('POST', deployments, deployment('writes', { cpu: '1' }));
    const current = (await call('GET', `${deployments}/writes`)).body;
    current.spec.template.spec.containers[0].resources = {
      limits: { 'nvidia.com/gpu': 2 },
    };
    const put = await call('PUT', `${deployments}/writes`, current);
    expect(put.status).toBe(200);
    expect(limitsOf(put.body).limits).toEqual({ 'nvidia.com/gpu': '2' });

    const merge = await call(
      'PATCH',
      `${deployments}/writes`,
      {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'main',
                  image: 'nginx:1.27',
                  resources: {
                    limits: { 'nvidia.com/gpu': 4 },
                    requests: { 'nvidia.com/gpu': 4 },
                  },
                },
              ],
            },
          },
        },
      },
      'application/merge-patch+json',
    );
    expect(merge.status).toBe(200);
    expect(limitsOf(merge.body).limits).toEqual({ 'nvidia.com/gpu': '4' });

    const json = await call(
      'PATCH',
      `${deployments}/writes`,
      [
        {
          op: 'replace',
          path: '/spec/template/spec/containers/0/resources',
          value: { limits: { memory: 1073741824, 'nvidia.com/gpu': 8 } },
        },
      ],
      'application/json-patch+json',
    );
    expect(json.status).toBe(200);
    expect(limitsOf(json.body).limits).toEqual({
      memory: '1073741824',
      'nvidia.com/gpu': '8',
    });

    const applied = await call(
      'PATCH',
      `${deployments}/applied?fieldManager=test`,
      deployment('applied', { 'nvidia.com/gpu': 1 }),
      'application/apply-patch+yaml',
    );
    expect(applied.status).toBe(201);
    expect(limitsOf(applied.body).limits).toEqual({ 'nvidia.com/gpu': '1' });
    const reapplied = await call(
      'PATCH',
      `${deployments}/applied?fieldManager=test`,
      // requests were defaulted from the first limits: change both, as on a real cluster
      {
        ...deployment('applied', {}),
        spec: {
          ...deployment('applied', {}).spec,
          template: {
            metadata: { labels: { app: 'applied' } },
            spec: {
              containers: [
                {
                  name: 'main',
                  image: 'nginx:1.27',
                  resources: {
                    limits: { 'nvidia.com/gpu': 2 },
                    requests: { 'nvidia.com/gpu': 2 },
                  },
                },
              ],
            },
          },
        },
      },
      'application/apply-patch+yaml',
    );
    expect(reapplied.status).toBe(200);
    expect(limitsOf(reapplied.body).limits).toEqual({ 'nvidia.com/gpu': '2' });
  });

  it('normalises ResourceQuota hard limits and pod resources', async () => {
    const quota = await call(
      'POST',
      `/api/v1/namespaces/${NS}/resourcequotas`,
      {
        metadata: { name: 'gpus' },
        spec: { hard: { 'requests.nvidia.com/gpu': 4, pods: 10 } },
      },
    );
    expect(quota.status).toBe(201);
    expect(quota.body.spec.hard).toEqual({
      'requests.nvidia.com/gpu': '4',
      pods: '10',
    });
    const pod = await call('POST', `/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: 'p' },
      spec: {
        containers: [
          {
            name: 'main',
            image: 'nginx:1.27',
            resources: {
              limits: { 'nvidia.com/gpu': 1 },
              requests: { cpu: 0.25 },
            },
          },
        ],
      },
    });
    expect(pod.status).toBe(201);
    expect(pod.body.spec.containers[0].resources).toEqual({
      limits: { 'nvidia.com/gpu': '1' },
      requests: { cpu: '250m', 'nvidia.com/gpu': '1' },
    });
  });

  it('keeps numbers in custom resources, whose schema says int-or-string', async () => {
    const lws = await call(
      'POST',
      `/apis/leaderworkerset.x-k8s.io/v1/namespaces/${NS}/leaderworkersets`,
      {
        metadata: { name: 'lws' },
        spec: {
          replicas: 0,
          leaderWorkerTemplate: {
            size: 2,
            workerTemplate: {
              spec: {
                containers: [
                  {
                    name: 'main',
                    image: 'nginx:1.27',
                    resources: { limits: { 'nvidia.com/gpu': 1 } },
                  },
                ],
              },
            },
          },
        },
      },
    );
    expect(lws.status).toBe(201);
    expect(
      lws.body.spec.leaderWorkerTemplate.workerTemplate.spec.containers[0]
        .resources.limits,
    ).toEqual({ 'nvidia.com/gpu': 1 });
  });
});

/*
 * Pod Security admission through the simulator's API, against namespaces
 * labelled the way a platform team labels them: violating pods are refused
 * with the plugin's 403, controllers that create them record FailedCreate,
 * and workloads only get a Warning header.
 */
import { resourceById } from '../api/resources';
import { SimulatorHandle, startSimulator } from '../startSimulator';

type Obj = Record<string, any>;

const RESTRICTED_CONTAINER_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};
const RESTRICTED_POD_CONTEXT = {
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: 'RuntimeDefault' },
};

function podSpec(compliant: boolean): Obj {
  return {
    ...(compliant ? { securityContext: RESTRICTED_POD_CONTEXT } : {}),
    containers: [
      {
        name: 'app',
        image: 'python:3.12-slim',
        command: ['python', '-m', 'http.server', '8080'],
        ...(compliant ? { securityContext: RESTRICTED_CONTAINER_CONTEXT } : {}),
      },
    ],
  };
}

function deployment(name: string, compliant: boolean): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: podSpec(compliant),
      },
    },
  };
}

const ROOT_POD_VIOLATIONS =
  'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('Pod Security admission', () => {
  let sim: SimulatorHandle;
  let url: string;
  let token: string;

  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any; warnings: string | null }> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: await res.json(),
      warnings: res.headers.get('warning'),
    };
  }
  const objects = (id: string, ns: string): Obj[] =>
    Array.from(sim.cluster('c1').store.table(resourceById(id)).values(ns), s =>
      JSON.parse(s.json),
    );

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: {
        name: 'pod-security',
        clusters: [
          {
            name: 'c1',
            systemWorkloads: false,
            dcgmExporter: false,
            namespaces: [
              { name: 'secure', podSecurity: { enforce: 'restricted' } },
              { name: 'warned', podSecurity: { warn: 'restricted' } },
              { name: 'base', podSecurity: { enforce: 'baseline' } },
            ],
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

  it('refuses a root pod in an enforce=restricted namespace with 403 and the plugin message', async () => {
    const res = await call('POST', '/api/v1/namespaces/secure/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'root' },
      spec: podSpec(false),
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      kind: 'Status',
      reason: 'Forbidden',
      code: 403,
      message: `pods "root" is forbidden: violates PodSecurity "restricted:latest": ${ROOT_POD_VIOLATIONS}`,
    });
    expect(objects('core/pods', 'secure')).toHaveLength(0);
  });

  it('admits a pod that meets restricted', async () => {
    const res = await call('POST', '/api/v1/namespaces/secure/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'compliant' },
      spec: podSpec(true),
    });
    expect(res.status).toBe(201);
    expect(res.warnings).toBeNull();
  });

  it('lists privileged, host namespaces and runAsUser=0 before the restricted checks', async () => {
    const spec = podSpec(true);
    spec.hostNetwork = true;
    spec.securityContext = { ...RESTRICTED_POD_CONTEXT, runAsUser: 0 };
    spec.containers[0].securityContext = {
      ...RESTRICTED_CONTAINER_CONTEXT,
      privileged: true,
    };
    const res = await call('POST', '/api/v1/namespaces/secure/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'host' },
      spec,
    });
    expect(res.status).toBe(403);
    expect(res.body.message).toBe(
      'pods "host" is forbidden: violates PodSecurity "restricted:latest": host namespaces (hostNetwork), ' +
        'privileged (container "app" must not set securityContext.privileged=true), ' +
        'runAsUser=0 (pod must not set runAsUser=0)',
    );
  });

  it('judges a hostPath volume as baseline does at baseline and as restricted volume types at restricted', async () => {
    const withHostPath = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        ...podSpec(true),
        volumes: [{ name: 'host', hostPath: { path: '/var/lib' } }],
      },
    });
    const baseline = await call(
      'POST',
      '/api/v1/namespaces/base/pods',
      withHostPath('hp'),
    );
    expect(baseline.status).toBe(403);
    expect(baseline.body.message).toBe(
      'pods "hp" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "host")',
    );
    const restricted = await call(
      'POST',
      '/api/v1/namespaces/secure/pods',
      withHostPath('hp'),
    );
    expect(restricted.body.message).toBe(
      'pods "hp" is forbidden: violates PodSecurity "restricted:latest": restricted volume types (volumes ["host"] have restricted types)',
    );
  });

  it('warns on a violating Deployment, whose ReplicaSet then records FailedCreate, while a compliant one runs', async () => {
    const bad = await call(
      'POST',
      '/apis/apps/v1/namespaces/secure/deployments',
      deployment('bad', false),
    );
    expect(bad.status).toBe(201);
    expect(bad.warnings).toBe(
      `299 - "would violate PodSecurity \\"restricted:latest\\": ${ROOT_POD_VIOLATIONS.replace(
        /"/g,
        '\\"',
      )}"`,
    );
    const good = await call(
      'POST',
      '/apis/apps/v1/namespaces/secure/deployments',
      deployment('good', true),
    );
    expect(good.status).toBe(201);
    expect(good.warnings).toBeNull();
    await sim.advance(60_000);

    const pods = objects('core/pods', 'secure');
    expect(pods.filter(p => p.metadata.name.startsWith('bad-'))).toHaveLength(
      0,
    );
    const goodPods = pods.filter(p => p.metadata.name.startsWith('good-'));
    expect(goodPods).toHaveLength(1);
    expect(goodPods[0].spec.nodeName).toBeTruthy();

    const rs = objects('apps/replicasets', 'secure').find(r =>
      r.metadata.name.startsWith('bad-'),
    )!;
    const failed = objects('core/events', 'secure').find(
      e =>
        e.involvedObject.name === rs.metadata.name &&
        e.reason === 'FailedCreate',
    );
    expect(failed).toMatchObject({ type: 'Warning' });
    expect(failed?.message).toMatch(
      new RegExp(
        `^Error creating: pods "${rs.metadata.name}-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false`,
      ),
    );
    expect(rs.status.conditions).toEqual([
      expect.objectContaining({
        type: 'ReplicaFailure',
        reason: 'FailedCreate',
      }),
    ]);
  });

  it('only warns in a warn=restricted namespace: the pods are created', async () => {
    const res = await call(
      'POST',
      '/apis/apps/v1/namespaces/warned/deployments',
      deployment('loose', false),
    );
    expect(res.status).toBe(201);
    expect(res.warnings).toMatch(
      /^299 - "would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false/,
    );
    await sim.advance(30_000);
    expect(objects('core/pods', 'warned')).toHaveLength(1);
  });

  it('refuses a namespace whose Pod Security label does not parse', async () => {
    const res = await call('POST', '/api/v1/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'typo',
        labels: { 'pod-security.kubernetes.io/enforce': 'restrcted' },
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.message).toContain(
      'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "restrcted"',
    );
  });
});

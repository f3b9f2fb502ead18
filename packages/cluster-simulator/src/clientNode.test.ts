/*
 * @kubernetes/client-node against the simulator: the protocol as a real
 * client library uses it (lists, pagination, informers with watch resume and
 * 410 relists, server-side apply, optimistic concurrency).
 */
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  V1ConfigMap,
  V1Deployment,
  makeInformer,
} from '@kubernetes/client-node';
import { resourceById } from './api/resources';
import { SimulatorHandle, startSimulator } from './startSimulator';

const CLUSTER = 'gpu-us-east';

function kubeConfig(url: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: CLUSTER, server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token }],
    contexts: [{ name: CLUSTER, cluster: CLUSTER, user: 'u' }],
    currentContext: CLUSTER,
  });
  return kc;
}

async function eventually<T>(
  fn: () => T | undefined | false,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('@kubernetes/client-node against the simulator', () => {
  let sim: SimulatorHandle;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    await sim.advance(120_000);
    const c = sim.clusters.find(x => x.name === CLUSTER)!;
    kc = kubeConfig(c.httpUrl, c.token);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'client-test' } } });
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('lists pods across namespaces with a label selector', async () => {
    const list = await core.listPodForAllNamespaces({
      labelSelector: 'backstage.io/kubernetes-id=support-chat-llm',
    });
    expect(list.items).toHaveLength(2);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(1000);
    for (const pod of list.items) {
      expect(pod.metadata?.labels?.['inference-platform.io/owner']).toBe(
        'ml-chat',
      );
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({
        kind: 'ReplicaSet',
        controller: true,
        blockOwnerDeletion: true,
      });
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.containers[0].args).toEqual(
        expect.arrayContaining([
          '--model',
          'meta-llama/Llama-3.1-70B-Instruct',
          '--tensor-parallel-size',
          '4',
        ]),
      );
    }
  });

  it.each([
    [
      'status.phase=Running',
      (p: { status?: { phase?: string } }) => p.status?.phase === 'Running',
    ],
    [
      'metadata.namespace=ml-search',
      (p: { metadata?: { namespace?: string } }) =>
        p.metadata?.namespace === 'ml-search',
    ],
  ] as Array<[string, (p: any) => boolean]>)(
    'filters with fieldSelector %s',
    async (fieldSelector, predicate) => {
      const all = await core.listPodForAllNamespaces({});
      const some = await core.listPodForAllNamespaces({ fieldSelector });
      expect(some.items.length).toBeGreaterThan(0);
      expect(some.items.map(p => p.metadata?.name).sort()).toEqual(
        all.items
          .filter(predicate)
          .map(p => p.metadata?.name)
          .sort(),
      );
    },
  );

  it('paginates with limit and continue in key order', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    for (const name of names)
      await core.createNamespacedConfigMap({
        namespace: 'client-test',
        body: {
          metadata: { name, labels: { set: 'pages' } },
          data: { i: name },
        },
      });
    const pages = [];
    let token: string | undefined;
    do {
      const page = await core.listNamespacedConfigMap({
        namespace: 'client-test',
        limit: 3,
        _continue: token,
      });
      pages.push(page);
      token = page.metadata?._continue;
    } while (token);
    expect(pages).toHaveLength(3);
    expect(pages[0].metadata?.remainingItemCount).toBe(4);
    expect(pages.flatMap(p => p.items.map(i => i.metadata!.name!))).toEqual(
      names,
    );
  });

  it('rejects a replace with a stale resourceVersion with 409 Conflict', async () => {
    const dep = await apps.readNamespacedDeployment({
      name: 'support-chat-llm',
      namespace: 'ml-chat',
    });
    const stale = JSON.parse(JSON.stringify(dep)) as V1Deployment;
    dep.metadata!.annotations = { ...dep.metadata!.annotations, note: 'first' };
    const updated = await apps.replaceNamespacedDeployment({
      name: 'support-chat-llm',
      namespace: 'ml-chat',
      body: dep,
    });
    expect(Number(updated.metadata!.resourceVersion)).toBeGreaterThan(
      Number(stale.metadata!.resourceVersion),
    );
    stale.metadata!.annotations = {
      ...stale.metadata!.annotations,
      note: 'second',
    };
    await expect(
      apps.replaceNamespacedDeployment({
        name: 'support-chat-llm',
        namespace: 'ml-chat',
        body: stale,
      }),
    ).rejects.toMatchObject({ code: 409 });
    const body = await fetch(
      `${sim.clusters[0].httpUrl}/apis/apps/v1/namespaces/ml-chat/deployments/support-chat-llm`,
      {
        method: 'PUT',
        headers: {
          Authorization: `Bearer ${sim.clusters[0].token}`,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(stale),
      },
    ).then(r => r.json());
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
    });
    expect(body.message).toContain(
      'the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  it('server-side apply creates, detects conflicts between managers, and forces', async () => {
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ssa-demo', namespace: 'client-test' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'ssa-demo' } },
        template: {
          metadata: { labels: { app: 'ssa-demo' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    };
    const created = (await objects.patch(
      manifest,
      undefined,
      undefined,
      'team-a',
      false,
      PatchStrategy.ServerSideApply,
    )) as V1Deployment;
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      manager: 'team-a',
      operation: 'Apply',
    });
    const other = { ...manifest, spec: { ...manifest.spec, replicas: 3 } };
    await expect(
      objects.patch(
        other,
        undefined,
        undefined,
        'team-b',
        false,
        PatchStrategy.ServerSideApply,
      ),
    ).rejects.toMatchObject({ code: 409 });
    const forced = (await objects.patch(
      other,
      undefined,
      undefined,
      'team-b',
      true,
      PatchStrategy.ServerSideApply,
    )) as V1Deployment;
    expect(forced.spec?.replicas).toBe(3);
    const owners = Object.fromEntries(
      (forced.metadata?.managedFields ?? []).map(m => [
        m.manager,
        JSON.stringify(m.fieldsV1),
      ]),
    );
    expect(owners['team-b']).toContain('f:replicas');
    expect(owners['team-a']).not.toContain('f:replicas');
    expect(forced.spec?.strategy?.type).toBe('RollingUpdate');
  });

  it('keeps an informer in sync across dropped watches without relisting', async () => {
    let lists = 0;
    const informer = makeInformer(
      kc,
      '/api/v1/namespaces/client-test/configmaps',
      () => {
        lists++;
        return core.listNamespacedConfigMap({ namespace: 'client-test' });
      },
    );
    const added: string[] = [];
    const updated: string[] = [];
    informer.on('add', (o: V1ConfigMap) => added.push(o.metadata!.name!));
    informer.on('update', (o: V1ConfigMap) =>
      updated.push(`${o.metadata!.name}=${o.data?.v}`),
    );
    informer.on('error', () => setTimeout(() => informer.start(), 10));
    await informer.start();
    await core.createNamespacedConfigMap({
      namespace: 'client-test',
      body: { metadata: { name: 'watched' }, data: { v: '1' } },
    });
    await eventually(() => added.includes('watched'), 'ADDED');
    await sim.inject(CLUSTER, { type: 'dropWatches' });
    await core.patchNamespacedConfigMap({
      name: 'watched',
      namespace: 'client-test',
      body: [{ op: 'replace', path: '/data/v', value: '2' }],
    });
    await eventually(
      () => updated.includes('watched=2'),
      'MODIFIED after the watch resumed',
    );
    expect(lists).toBe(1);
    await informer.stop();
  });

  it('relists when a resumed watch answers 410 Gone', async () => {
    let lists = 0;
    const informer = makeInformer(
      kc,
      '/api/v1/namespaces/client-test/configmaps',
      () => {
        lists++;
        return core.listNamespacedConfigMap({ namespace: 'client-test' });
      },
    );
    const added: string[] = [];
    informer.on('add', (o: V1ConfigMap) => added.push(o.metadata!.name!));
    informer.on('error', () => setTimeout(() => informer.start(), 10));
    await informer.start();
    await eventually(() => added.includes('watched'), 'initial list');
    // the API server goes away; meanwhile a change happens and history is compacted past it
    await sim.inject(CLUSTER, { type: 'restart', downtimeMs: 300 });
    sim
      .cluster(CLUSTER)
      .api.create(resourceById('core/configmaps'), 'client-test', {
        metadata: { name: 'after-compaction' },
      });
    await sim.inject(CLUSTER, { type: 'compact' });
    await eventually(
      () => added.includes('after-compaction'),
      'object created while the watch was down',
    );
    expect(lists).toBeGreaterThanOrEqual(2);
    await informer.stop();
  });

  it('answers unknown kinds with a 404 Status and wrong tokens with 401', async () => {
    const base = sim.clusters[0].httpUrl;
    const auth = { Authorization: `Bearer ${sim.clusters[0].token}` };
    const unknown = await fetch(
      `${base}/apis/example.com/v1/namespaces/default/widgets`,
      { headers: auth },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      code: 404,
    });
    const denied = await fetch(`${base}/api/v1/pods`, {
      headers: { Authorization: 'Bearer wrong' },
    });
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
  });
});

/*
 * RBAC as the platform meets it: the repository's least-privilege roles
 * (deploy/kubernetes/rbac/*.yaml) are applied with the admin token, and
 * service-account tokens bound to them are exercised through
 * @kubernetes/client-node and plain HTTP, the way the inference backend (watch
 * tracker, pod-proxy scrapes) and the scaffolder (server-side apply) call.
 */
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from '@kubernetes/client-node';
import { SimulatorHandle, startSimulator } from './startSimulator';

const CLUSTER = 'gpu-us-east';
const RBAC_DIR = path.resolve(__dirname, '../../../deploy/kubernetes/rbac');
const NS = 'inference-platform';
const READER = `system:serviceaccount:${NS}:backstage-reader`;
const DEPLOYER = `system:serviceaccount:${NS}:backstage-deployer`;

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

function manifests(file: string): KubernetesObject[] {
  return YAML.parseAllDocuments(
    fs.readFileSync(path.join(RBAC_DIR, file), 'utf8'),
  )
    .map(d => d.toJSON())
    .filter(Boolean);
}

/** The rejection of a client-node call: HTTP code and the Status body. */
async function failure(
  call: Promise<unknown>,
): Promise<{ code: number; status: any }> {
  try {
    await call;
  } catch (e: any) {
    const body = typeof e.body === 'string' ? JSON.parse(e.body) : e.body;
    return { code: e.code, status: body };
  }
  throw new Error('expected the call to fail');
}

function deployment(namespace: string, name: string): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }],
        },
      },
    },
  } as KubernetesObject;
}

/** Server-side apply as the scaffolder's applyManifests does it. */
function apply(kc: KubeConfig, spec: KubernetesObject, dryRun?: 'All') {
  return KubernetesObjectApi.makeApiClient(kc).patch(
    spec,
    undefined,
    dryRun,
    'backstage-inference',
    true,
    PatchStrategy.ServerSideApply,
  );
}

// what plugins/inference-backend/src/tracking/resources.ts lists and watches
const TRACKED: Array<[string, string, string]> = [
  ['v1', 'nodes', 'Node'],
  ['v1', 'pods', 'Pod'],
  ['v1', 'events', 'Event'],
  ['v1', 'resourcequotas', 'ResourceQuota'],
  ['apps/v1', 'deployments', 'Deployment'],
  ['apps/v1', 'statefulsets', 'StatefulSet'],
  ['apps/v1', 'replicasets', 'ReplicaSet'],
  ['autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler'],
  ['keda.sh/v1alpha1', 'scaledobjects', 'ScaledObject'],
  ['karpenter.sh/v1', 'nodepools', 'NodePool'],
  ['serving.kserve.io/v1beta1', 'inferenceservices', 'InferenceService'],
  ['leaderworkerset.x-k8s.io/v1', 'leaderworkersets', 'LeaderWorkerSet'],
];

const collectionPath = (apiVersion: string, plural: string) =>
  apiVersion.includes('/')
    ? `/apis/${apiVersion}/${plural}`
    : `/api/${apiVersion}/${plural}`;

describe('RBAC with the repository least-privilege roles', () => {
  let sim: SimulatorHandle;
  let url: string;
  let admin: KubeConfig;
  let reader: KubeConfig;
  let deployer: KubeConfig;
  let readerToken: string;
  const http = async (
    token: string | undefined,
    urlPath: string,
    init: { method?: string; body?: string; contentType?: string } = {},
  ) => {
    const res = await fetch(`${url}${urlPath}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(init.contentType ? { 'Content-Type': init.contentType } : {}),
      },
      body: init.body,
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  };

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      controlPort: false,
    });
    await sim.advance(120_000);
    const c = sim.clusters.find(x => x.name === CLUSTER)!;
    url = c.httpUrl;
    admin = kubeConfig(url, c.token);
    for (const file of [
      'service-accounts.yaml',
      'reader.yaml',
      'deployer.yaml',
      'deployer-rolebinding.yaml',
      'pool-admin.yaml',
    ]) {
      for (const doc of manifests(file)) await apply(admin, doc);
    }
    readerToken = sim.createServiceAccountToken(
      CLUSTER,
      NS,
      'backstage-reader',
    );
    reader = kubeConfig(url, readerToken);
    deployer = kubeConfig(
      url,
      sim.createServiceAccountToken(CLUSTER, NS, 'backstage-deployer'),
    );
  });

  afterAll(async () => {
    await sim.stop();
  });

  describe('inference-platform-reader', () => {
    it.each(TRACKED)(
      'lists and watches %s %s across namespaces',
      async (apiVersion, plural, kind) => {
        const list = await KubernetesObjectApi.makeApiClient(reader).list(
          apiVersion,
          kind,
        );
        let added = 0;
        const initialEnd = new Promise<void>((resolve, reject) => {
          new Watch(reader)
            .watch(
              collectionPath(apiVersion, plural),
              {
                sendInitialEvents: true,
                allowWatchBookmarks: true,
                resourceVersionMatch: 'NotOlderThan',
                timeoutSeconds: 5,
              },
              (type, obj) => {
                if (type === 'ADDED') added++;
                if (
                  type === 'BOOKMARK' &&
                  obj.metadata?.annotations?.['k8s.io/initial-events-end']
                )
                  resolve();
              },
              err => (err ? reject(err) : undefined),
            )
            .then(controller => initialEnd.finally(() => controller.abort()));
        });
        await initialEnd;
        expect(added).toBe(list.items.length);
      },
    );

    it('scrapes a serving pod through pods/proxy', async () => {
      const pods = await KubernetesObjectApi.makeApiClient(reader).list(
        'v1',
        'Pod',
        'ml-chat',
        undefined,
        undefined,
        undefined,
        undefined,
        'backstage.io/kubernetes-id=support-chat-llm',
      );
      const pod = pods.items[0].metadata!.name!;
      const res = await http(
        readerToken,
        `/api/v1/namespaces/ml-chat/pods/${pod}:8000/proxy/metrics`,
      );
      expect(res.status).toBe(200);
      expect(res.text).toContain('vllm:num_requests_running');
    });

    it('reads what the Kubernetes plugin shows: services, pod metrics, logs', async () => {
      const objects = KubernetesObjectApi.makeApiClient(reader);
      const services = await objects.list('v1', 'Service', 'ml-chat');
      expect(services.items.length).toBeGreaterThan(0);
      const metrics = await http(
        readerToken,
        '/apis/metrics.k8s.io/v1beta1/namespaces/ml-chat/pods',
      );
      expect(metrics.status).toBe(200);
      const pod = (await objects.list('v1', 'Pod', 'ml-chat')).items[0];
      const logs = await http(
        readerToken,
        `/api/v1/namespaces/ml-chat/pods/${pod.metadata!.name}/log`,
      );
      expect(logs.status).toBe(200);
    });

    it('is refused creating and patching a Deployment, with the API server wording', async () => {
      const created = await failure(
        KubernetesObjectApi.makeApiClient(reader).create(
          deployment('ml-chat', 'reader-made'),
        ),
      );
      expect(created.code).toBe(403);
      expect(created.status).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `deployments.apps is forbidden: User "${READER}" cannot create resource "deployments" in API group "apps" in the namespace "ml-chat"`,
        reason: 'Forbidden',
        details: { group: 'apps', kind: 'deployments' },
        code: 403,
      });
      const patched = await failure(
        apply(reader, deployment('ml-chat', 'support-chat-llm')),
      );
      expect(patched.code).toBe(403);
      expect(patched.status.message).toBe(
        `deployments.apps "support-chat-llm" is forbidden: User "${READER}" cannot patch resource "deployments" in API group "apps" in the namespace "ml-chat"`,
      );
      expect(patched.status.details).toEqual({
        name: 'support-chat-llm',
        group: 'apps',
        kind: 'deployments',
      });
    });

    it.each([
      ['/api/v1/namespaces/ml-chat/secrets', 'list', ''],
      ['/api/v1/namespaces/ml-chat/secrets/hf-token', 'get', '"hf-token" '],
    ])('cannot read Secrets: GET %s', async (urlPath, verb, named) => {
      const res = await http(readerToken, urlPath);
      expect(res.status).toBe(403);
      expect(res.json.message).toBe(
        `secrets ${named}is forbidden: User "${READER}" cannot ${verb} resource "secrets" in API group "" in the namespace "ml-chat"`,
      );
    });

    it('cannot watch Secrets either', async () => {
      const res = await http(readerToken, '/api/v1/secrets?watch=1');
      expect(res.status).toBe(403);
      expect(res.json.message).toBe(
        `secrets is forbidden: User "${READER}" cannot watch resource "secrets" in API group "" at the cluster scope`,
      );
    });
  });

  describe('inference-platform-deployer bound in ml-chat only', () => {
    it('server-side applies a Deployment in ml-chat (dry run, create, re-apply)', async () => {
      const spec = deployment('ml-chat', 'faq-bot');
      const dry = await apply(deployer, spec, 'All');
      expect(dry.metadata?.name).toBe('faq-bot');
      const created = await apply(deployer, spec);
      expect(created.metadata?.managedFields?.[0]).toMatchObject({
        manager: 'backstage-inference',
        operation: 'Apply',
      });
      const again = await apply(deployer, {
        ...spec,
        spec: { ...(spec as any).spec, replicas: 2 },
      } as KubernetesObject);
      expect((again as any).spec.replicas).toBe(2);
    });

    it.each([
      {
        apiVersion: 'v1',
        kind: 'Service',
        spec: {
          selector: { app: 'faq-bot' },
          ports: [{ name: 'http', port: 8000, targetPort: 8000 }],
        },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '100Gi' } },
        },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: { app: 'faq-bot' } },
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        spec: {
          podSelector: { matchLabels: { app: 'faq-bot' } },
          policyTypes: ['Ingress'],
        },
      },
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        spec: {
          selector: { matchLabels: { app: 'faq-bot' } },
          endpoints: [{ port: 'http' }],
        },
      },
      {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        spec: {
          scaleTargetRef: { name: 'faq-bot' },
          minReplicaCount: 1,
          maxReplicaCount: 2,
          triggers: [
            {
              type: 'prometheus',
              metadata: {
                serverAddress: 'http://prometheus:9090',
                query: 'sum(vllm:num_requests_waiting)',
                threshold: '5',
              },
            },
          ],
        },
      },
      {
        apiVersion: 'http.keda.sh/v1alpha1',
        kind: 'HTTPScaledObject',
        spec: {
          hosts: ['faq-bot.example.com'],
          scaleTargetRef: { name: 'faq-bot', service: 'faq-bot', port: 8000 },
        },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        spec: {
          scaleTargetRef: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: 'faq-bot',
          },
          minReplicas: 1,
          maxReplicas: 2,
        },
      },
      {
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        spec: {
          replicas: 1,
          leaderWorkerTemplate: {
            size: 2,
            workerTemplate: {
              spec: {
                containers: [{ name: 'w', image: 'registry.k8s.io/pause:3.9' }],
              },
            },
          },
        },
      },
    ])('server-side applies a $kind in ml-chat', async object => {
      const applied = await apply(deployer, {
        ...object,
        metadata: { name: 'faq-bot', namespace: 'ml-chat' },
      } as KubernetesObject);
      expect(applied).toMatchObject({
        kind: object.kind,
        metadata: { name: 'faq-bot', namespace: 'ml-chat' },
      });
    });

    it('reads the pods and logs of its rollout in ml-chat', async () => {
      const objects = KubernetesObjectApi.makeApiClient(deployer);
      const pods = await objects.list('v1', 'Pod', 'ml-chat');
      expect(pods.items.length).toBeGreaterThan(0);
      const logs = await http(
        sim.createServiceAccountToken(CLUSTER, NS, 'backstage-deployer'),
        `/api/v1/namespaces/ml-chat/pods/${pods.items[0].metadata!.name}/log`,
      );
      expect(logs.status).toBe(200);
    });

    it.each([
      [
        'a Deployment in ml-search',
        deployment('ml-search', 'faq-bot'),
        `deployments.apps "faq-bot" is forbidden: User "${DEPLOYER}" cannot patch resource "deployments" in API group "apps" in the namespace "ml-search"`,
      ],
      [
        'a NodePool',
        {
          apiVersion: 'karpenter.sh/v1',
          kind: 'NodePool',
          metadata: { name: 'h100-pool' },
          spec: { limits: { 'nvidia.com/gpu': '1000' } },
        },
        `nodepools.karpenter.sh "h100-pool" is forbidden: User "${DEPLOYER}" cannot patch resource "nodepools" in API group "karpenter.sh" at the cluster scope`,
      ],
      [
        'a Pod in kube-system',
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'pwn', namespace: 'kube-system' },
          spec: {
            hostPID: true,
            containers: [{ name: 'sh', image: 'busybox' }],
          },
        },
        `pods "pwn" is forbidden: User "${DEPLOYER}" cannot patch resource "pods" in API group "" in the namespace "kube-system"`,
      ],
      [
        'a bare Pod in ml-chat',
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'pwn', namespace: 'ml-chat' },
          spec: { containers: [{ name: 'sh', image: 'busybox' }] },
        },
        `pods "pwn" is forbidden: User "${DEPLOYER}" cannot patch resource "pods" in API group "" in the namespace "ml-chat"`,
      ],
      [
        'a ResourceQuota in ml-chat',
        {
          apiVersion: 'v1',
          kind: 'ResourceQuota',
          metadata: { name: 'gpu-quota', namespace: 'ml-chat' },
          spec: { hard: { 'requests.nvidia.com/gpu': '0' } },
        },
        `resourcequotas "gpu-quota" is forbidden: User "${DEPLOYER}" cannot patch resource "resourcequotas" in API group "" in the namespace "ml-chat"`,
      ],
    ] as Array<[string, KubernetesObject, string]>)(
      'is refused applying %s, dry run included',
      async (_what, spec, message) => {
        for (const dryRun of ['All', undefined] as const) {
          const refused = await failure(apply(deployer, spec, dryRun));
          expect(refused.code).toBe(403);
          expect(refused.status.message).toBe(message);
        }
      },
    );

    it('leaves the objects it was refused untouched', async () => {
      const quota = await KubernetesObjectApi.makeApiClient(admin).read({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'gpu-quota', namespace: 'ml-chat' },
      });
      expect((quota as any).spec.hard['requests.nvidia.com/gpu']).toBe('24');
      const c = sim.clusters.find(x => x.name === CLUSTER)!;
      expect(
        (await http(c.token, '/api/v1/namespaces/kube-system/pods/pwn')).status,
      ).toBe(404);
    });

    it('the pool admin applies the NodePool the deployer may not', async () => {
      const poolAdmin = kubeConfig(
        url,
        sim.createServiceAccountToken(CLUSTER, NS, 'backstage-pool-admin'),
      );
      const pool = await apply(poolAdmin, {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'h100-burst' },
        spec: {
          template: { spec: { nodeClassRef: { name: 'default' } } },
          limits: { 'nvidia.com/gpu': '16' },
        },
      } as KubernetesObject);
      expect(pool.metadata?.name).toBe('h100-burst');
      const workload = await failure(
        apply(poolAdmin, deployment('ml-chat', 'pool-admin-made')),
      );
      expect(workload.code).toBe(403);
    });
  });

  describe('service-account tokens', () => {
    it('an unbound account may discover the API but not list pods', async () => {
      const token = sim.createServiceAccountToken(CLUSTER, 'default', 'nobody');
      const user = 'system:serviceaccount:default:nobody';
      for (const p of ['/version', '/api', '/apis', '/apis/apps/v1'])
        expect((await http(token, p)).status).toBe(200);
      const pods = await http(token, '/api/v1/pods');
      expect(pods.status).toBe(403);
      expect(pods.json).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `pods is forbidden: User "${user}" cannot list resource "pods" in API group "" at the cluster scope`,
        reason: 'Forbidden',
        details: { kind: 'pods' },
        code: 403,
      });
      const root = await http(token, '/');
      expect(root.status).toBe(403);
      expect(root.json.message).toBe(
        `forbidden: User "${user}" cannot get path "/"`,
      );
      expect(root.json.details).toEqual({});
    });

    it('answers 403 for unknown resources too, since authorization comes before routing', async () => {
      const token = sim.createServiceAccountToken(CLUSTER, 'default', 'nobody');
      const res = await http(
        token,
        '/apis/example.com/v1/namespaces/default/widgets',
      );
      expect(res.status).toBe(403);
      expect(res.json.message).toMatch(/^widgets\.example\.com is forbidden/);
    });

    it('issues tokens through the TokenRequest API (kubectl create token)', async () => {
      const c = sim.clusters.find(x => x.name === CLUSTER)!;
      const res = await http(
        c.token,
        `/api/v1/namespaces/${NS}/serviceaccounts/backstage-reader/token`,
        {
          method: 'POST',
          contentType: 'application/json',
          body: JSON.stringify({
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: { expirationSeconds: 600 },
          }),
        },
      );
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({
        kind: 'TokenRequest',
        apiVersion: 'authentication.k8s.io/v1',
        status: { token: expect.stringMatching(/^ey/) },
      });
      const token = res.json.status.token;
      expect((await http(token, '/api/v1/pods')).status).toBe(200);
      // the reader may not mint tokens, for itself or anyone
      const minted = await http(
        token,
        `/api/v1/namespaces/${NS}/serviceaccounts/backstage-deployer/token`,
        { method: 'POST', contentType: 'application/json', body: '{}' },
      );
      expect(minted.status).toBe(403);
      expect(minted.json.message).toBe(
        `serviceaccounts "backstage-deployer" is forbidden: User "${READER}" cannot create resource "serviceaccounts/token" in API group "" in the namespace "${NS}"`,
      );
      // tokens expire on the simulated clock
      await sim.advance(601_000);
      expect((await http(token, '/api/v1/pods')).status).toBe(401);
    });

    it('refuses tokens of deleted accounts and tokens for other audiences', async () => {
      const token = sim.createServiceAccountToken(
        CLUSTER,
        'default',
        'short-lived',
      );
      expect((await http(token, '/version')).status).toBe(200);
      const other = sim.createServiceAccountToken(
        CLUSTER,
        'default',
        'short-lived',
        {
          audiences: ['vault'],
        },
      );
      expect((await http(other, '/version')).status).toBe(401);
      await KubernetesObjectApi.makeApiClient(admin).delete({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'short-lived', namespace: 'default' },
      });
      const gone = await http(token, '/version');
      expect(gone.status).toBe(401);
      expect(gone.json).toMatchObject({ reason: 'Unauthorized', code: 401 });
    });

    it('names a missing role in the denial, as the RBAC authorizer does', async () => {
      const objects = KubernetesObjectApi.makeApiClient(admin);
      await objects.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'dangling', namespace: 'ml-vision' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'not-there',
        },
        subjects: [
          { kind: 'ServiceAccount', name: 'nobody', namespace: 'default' },
        ],
      } as KubernetesObject);
      const token = sim.createServiceAccountToken(CLUSTER, 'default', 'nobody');
      const res = await http(token, '/api/v1/namespaces/ml-vision/pods');
      expect(res.status).toBe(403);
      expect(res.json.message).toBe(
        'pods is forbidden: User "system:serviceaccount:default:nobody" cannot list resource "pods" in API group "" in the namespace "ml-vision": RBAC: role.rbac.authorization.k8s.io "not-there" not found',
      );
    });

    it('a PATCH that would create needs create as well as patch; resourceNames pin the objects', async () => {
      const objects = KubernetesObjectApi.makeApiClient(admin);
      await objects.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'patch-rag-embeddings', namespace: 'ml-search' },
        rules: [
          {
            apiGroups: ['apps'],
            resources: ['deployments'],
            resourceNames: ['rag-embeddings'],
            verbs: ['get', 'patch', 'list'],
          },
        ],
      } as KubernetesObject);
      await objects.create({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'patch-rag-embeddings', namespace: 'ml-search' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: 'patch-rag-embeddings',
        },
        subjects: [{ kind: 'ServiceAccount', name: 'patcher' }],
      } as KubernetesObject);
      const token = sim.createServiceAccountToken(
        CLUSTER,
        'ml-search',
        'patcher',
      );
      const patcher = kubeConfig(url, token);
      const ok = await http(
        token,
        '/apis/apps/v1/namespaces/ml-search/deployments/rag-embeddings',
        {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: JSON.stringify({ metadata: { labels: { patched: 'yes' } } }),
        },
      );
      expect(ok.status).toBe(200);
      // a list is only allowed with a field selector naming an allowed object
      expect(
        (await http(token, '/apis/apps/v1/namespaces/ml-search/deployments'))
          .status,
      ).toBe(403);
      expect(
        (
          await http(
            token,
            '/apis/apps/v1/namespaces/ml-search/deployments?fieldSelector=metadata.name%3Drag-embeddings',
          )
        ).status,
      ).toBe(200);
      const other = await http(
        token,
        '/apis/apps/v1/namespaces/ml-search/deployments/search-reranker',
      );
      expect(other.status).toBe(403);
      // creating through apply: patch on the name is not enough
      const created = await failure(
        apply(patcher, {
          ...deployment('ml-search', 'rag-embeddings-2'),
        }),
      );
      expect(created.code).toBe(403);
    });

    it('keeps the read-only token: reads everything, writes nothing, may scrape', async () => {
      const c = sim.clusters.find(x => x.name === CLUSTER)!;
      const ro = c.readOnlyToken!;
      expect(
        (await http(ro, '/api/v1/namespaces/ml-chat/secrets')).status,
      ).toBe(200);
      const write = await failure(
        KubernetesObjectApi.makeApiClient(kubeConfig(url, ro)).create(
          deployment('ml-chat', 'ro-made'),
        ),
      );
      expect(write.status.message).toBe(
        'deployments.apps is forbidden: User "system:serviceaccount:backstage:read-only" cannot create resource "deployments" in API group "apps" in the namespace "ml-chat"',
      );
      const pod = (
        await KubernetesObjectApi.makeApiClient(admin).list(
          'v1',
          'Pod',
          'ml-chat',
          undefined,
          undefined,
          undefined,
          undefined,
          'backstage.io/kubernetes-id=support-chat-llm',
        )
      ).items[0];
      const scrape = await http(
        ro,
        `/api/v1/namespaces/ml-chat/pods/${
          pod.metadata!.name
        }:8000/proxy/metrics`,
      );
      expect(scrape.status).toBe(200);
    });

    it('issues tokens on the control port', async () => {
      const withControl = await startSimulator({
        scenario: 'demo',
        clock: { mode: 'manual' },
        adminToken: 'control-secret',
      });
      try {
        const post = (auth?: string) =>
          fetch(
            `${withControl.controlUrl}/clusters/${CLUSTER}/serviceaccounts/team-a/robot/token`,
            {
              method: 'POST',
              headers: auth ? { Authorization: `Bearer ${auth}` } : {},
            },
          );
        expect((await post()).status).toBe(401);
        const res = await post('control-secret');
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.user).toBe('system:serviceaccount:team-a:robot');
        const apiUrl = withControl.clusters.find(
          x => x.name === CLUSTER,
        )!.httpUrl;
        const who = await fetch(`${apiUrl}/api/v1/namespaces/team-a/pods`, {
          headers: { Authorization: `Bearer ${body.token}` },
        });
        expect(who.status).toBe(403);
        expect((await who.json()).message).toContain(
          'User "system:serviceaccount:team-a:robot" cannot list resource "pods"',
        );
      } finally {
        await withControl.stop();
      }
    });
  });
});

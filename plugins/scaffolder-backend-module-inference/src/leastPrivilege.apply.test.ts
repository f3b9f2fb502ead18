import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import {
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import {
  repoRoot,
  startScaffolderBackend,
} from './__testUtils__/scaffolderBackend';
import {
  eventually,
  runTemplateTask,
  waitForTemplate,
} from './__testUtils__/tasks';
import { VLLM_FORM } from './__testUtils__/vllmForm';

jest.setTimeout(240_000);

const PIN = `sha256:${'a1'.repeat(32)}`;
const USER = 'user:default/chen.wei';
const auth = mockCredentials.user.header(USER);
const RBAC_DIR = path.join(repoRoot, 'deploy/kubernetes/rbac');
const NS = 'inference-platform';
/** The one service account the platform's token belongs to, on every cluster. */
const ACCOUNT = 'backstage';
const USER_NAME = `system:serviceaccount:${NS}:${ACCOUNT}`;

function adminClient(sim: SimulatorHandle, cluster: string) {
  const c = sim.clusters.find(x => x.name === cluster)!;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: c.name, server: c.url, skipTLSVerify: true }],
    users: [{ name: 'admin', token: c.token }],
    contexts: [{ name: c.name, cluster: c.name, user: 'admin' }],
    currentContext: c.name,
  });
  return KubernetesObjectApi.makeApiClient(kubeConfig);
}

/**
 * The repository's roles (deploy/kubernetes/rbac) applied by a cluster admin, with the platform's one service account
 * added as a subject of the reader ClusterRoleBinding and of the deployer RoleBinding, as the RBAC README says to do
 * while reads and applies share one token. The deployer RoleBinding goes only where its team namespace exists.
 */
async function applyRepositoryRoles(sim: SimulatorHandle, cluster: string) {
  const client = adminClient(sim, cluster);
  const platformAccount = {
    kind: 'ServiceAccount',
    name: ACCOUNT,
    namespace: NS,
  };
  for (const file of [
    'service-accounts.yaml',
    'reader.yaml',
    'deployer.yaml',
    'deployer-rolebinding.yaml',
    'pool-admin.yaml',
  ]) {
    const objects = parseAllDocuments(
      fs.readFileSync(path.join(RBAC_DIR, file), 'utf8'),
    )
      .map(d => d.toJS())
      .filter(Boolean);
    for (const object of objects) {
      if (
        object.metadata.name === 'inference-platform-reader' ||
        object.metadata.name === 'inference-platform-deployer'
      ) {
        if (object.subjects) object.subjects.push(platformAccount);
      }
      if (object.metadata.namespace) {
        const exists = await client
          .read({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: object.metadata.namespace },
          })
          .then(
            () => true,
            () => false,
          );
        if (!exists) continue;
      }
      await client.patch(
        object as KubernetesObject,
        undefined,
        undefined,
        'cluster-admin',
        true,
        PatchStrategy.ServerSideApply,
      );
    }
  }
}

/**
 * The vLLM template run for real (template from the catalog, manifests applied to a simulated cluster) with the
 * platform connected to every cluster through a service-account token bound to the repository's reader ClusterRole
 * and, in ml-chat only, its deployer ClusterRole: no admin token anywhere.
 */
describe('vllm-model-service with the least-privilege roles', () => {
  let sim: SimulatorHandle;
  let server: any;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: 'demo',
      clock: { speed: 30 },
      controlPort: false,
    });
    const clusterTokens: Record<string, string> = {};
    for (const c of sim.clusters) {
      await applyRepositoryRoles(sim, c.name);
      clusterTokens[c.name] = sim.createServiceAccountToken(
        c.name,
        NS,
        ACCOUNT,
      );
    }
    server = await startScaffolderBackend({
      sim,
      realCatalog: true,
      clusterTokens,
      extraConfig: {
        catalogRefreshSeconds: 1,
        quotas: [{ owner: 'ml-chat', gpuType: 'NVIDIA-L4', limit: 6 }],
        images: {
          pins: [
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.10.1.1',
              digest: PIN,
            },
          ],
        },
        // a platform misconfiguration: ml-chat may use ml-search's namespace. RBAC is the outer fence.
        tenancy: {
          podSecurity: 'restricted',
          teams: [{ owner: 'ml-chat', namespaces: ['ml-chat', 'ml-search'] }],
        },
      },
    });
    await waitForTemplate(server, 'vllm-model-service', USER);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const values = { ...VLLM_FORM, gpuType: 'NVIDIA-L4' };

  /** Runs a task of the vLLM template as the user to its end; returns its status and log. */
  const runTask = (taskValues: Record<string, unknown>) =>
    runTemplateTask(
      server,
      USER,
      'template:default/vllm-model-service',
      taskValues,
    );

  const reservationsOf = async (namespace: string, name: string) => {
    const res = await request(server)
      .get(
        `/api/inference/reservations?owner=${encodeURIComponent(
          'group:default/ml-chat',
        )}`,
      )
      .set('Authorization', auth);
    expect(`${res.status} ${JSON.stringify(res.body)}`).toMatch(/^200 /);
    return (res.body.items as any[]).filter(
      r => r.workload?.namespace === namespace && r.workload?.name === name,
    );
  };

  it('tracks every cluster with the service-account token', async () => {
    const clusters = await eventually('every cluster synced', async () => {
      const res = await request(server)
        .get('/api/inference/clusters')
        .set('Authorization', auth);
      return res.status === 200 &&
        res.body.items.length === sim.clusters.length &&
        res.body.items.every((c: any) => c.state === 'synced')
        ? res.body.items
        : undefined;
    });
    expect(clusters.map((c: any) => c.lastError)).toEqual(
      sim.clusters.map(() => undefined),
    );
  });

  it('applies the service in ml-chat and waits for its rollout; the workload is tracked', async () => {
    const { status, log } = await runTask(values);
    expect(`${status}\n${log}`).toMatch(/^completed/);
    expect(log).toMatch(/applied Deployment ml-chat\/faq-bot on gpu-us-east/);
    expect(log).toMatch(/Deployment faq-bot: (\d+)\/\1 ready/);
    expect(log).toMatch(/Rollout complete/);
    expect(log).toMatch(/Registered component:default\/faq-bot/);

    const workload = await eventually(
      'the workload with ready pods',
      async () => {
        const res = await request(server)
          .get('/api/inference/workloads?cluster=gpu-us-east')
          .set('Authorization', auth);
        const found = (res.body.items as any[]).find(
          w => w.namespace === 'ml-chat' && w.name === 'faq-bot',
        );
        return found?.replicas.ready >= 1 ? found : undefined;
      },
    );
    expect(workload).toMatchObject({
      gpuType: 'NVIDIA-L4',
      owner: 'group:default/ml-chat',
      image: `docker.io/vllm/vllm-openai@${PIN}`,
      autoscaler: { kind: 'ScaledObject' },
    });
    // server-side applied by the platform's field manager, labelled with the owner
    const deployment = await adminClient(sim, 'gpu-us-east').read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'faq-bot', namespace: 'ml-chat' },
    });
    expect(deployment.metadata?.labels).toMatchObject({
      'inference-platform.io/owner': 'ml-chat',
    });
    expect(deployment.metadata?.managedFields).toContainEqual(
      expect.objectContaining({
        manager: 'backstage-inference',
        operation: 'Apply',
      }),
    );
    // the ledger janitor confirms the reservation from what the tracker sees with the same token
    await eventually('the reservation confirmed', async () => {
      const items = await reservationsOf('ml-chat', 'faq-bot');
      return items.length && items.every(r => r.state === 'confirmed')
        ? items
        : undefined;
    });
  });

  it("refuses ml-search with the cluster's RBAC answer when tenancy is misconfigured, and gives the GPUs back", async () => {
    const { status, log } = await runTask({
      ...values,
      namespace: 'ml-search',
      maxReplicas: 1,
    });
    expect(status).toBe('failed');
    // the API server's own words reach the task log: which object, which account, which verb, which namespace
    expect(log).toMatch(
      new RegExp(
        `gpu-us-east refused the manifests: [a-z0-9.]+ "faq-bot" is forbidden: User "${USER_NAME}" cannot (get|patch) resource "[a-z]+" in API group "[a-z0-9.]*" in the namespace "ml-search"`,
      ),
    );
    expect(log).toMatch(/reservation \S+ released/);
    expect(log).not.toMatch(/applied \S+ ml-search\//);
    expect(
      (await reservationsOf('ml-search', 'faq-bot')).map(r => r.state),
    ).toEqual(['released']);
    // nothing reached ml-search
    const existing = await adminClient(sim, 'gpu-us-east').list(
      'apps/v1',
      'Deployment',
      'ml-search',
    );
    expect(existing.items.map(d => d.metadata?.name)).not.toContain('faq-bot');
  });
});

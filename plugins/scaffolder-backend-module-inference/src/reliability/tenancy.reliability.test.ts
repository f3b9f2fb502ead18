import { mockCredentials } from '@backstage/backend-test-utils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import yaml from 'yaml';
import { startScaffolderBackend } from '../__testUtils__/scaffolderBackend';
import {
  eventually,
  runTemplateTask,
  waitForTemplate,
} from '../__testUtils__/tasks';
import { VLLM_FORM } from '../__testUtils__/vllmForm';

jest.setTimeout(300_000);

const CHEN = 'user:default/chen.wei'; // ml-chat
const ELI = 'user:default/eli.novak'; // ml-search
const ANA = 'user:default/ana.ruiz'; // platform-team
const PIN = `sha256:${'a1'.repeat(32)}`;
const PLATFORM_TEAM = 'group:default/platform-team';
const ADMIN_PERMISSIONS = [
  'inference.quota.update',
  'inference.platform.apply',
];

/** A securely configured GPU pod spec (restricted), so only the exploit's own point is refused. */
const restrictedPod = (gpuProduct: string) => ({
  securityContext: {
    runAsNonRoot: true,
    runAsUser: 1000,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  nodeSelector: { 'nvidia.com/gpu.product': gpuProduct },
  tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists' }],
  containers: [
    {
      name: 'server',
      image: `docker.io/vllm/vllm-openai@${PIN}`,
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      },
      resources: {
        requests: { 'nvidia.com/gpu': '1' },
        limits: { 'nvidia.com/gpu': '1' },
      },
    },
  ],
});

/** Writes catalog entities to a file of their own, as someone would before registering it. */
function writeLocation(entities: unknown[]): string {
  const file = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'own-location-')),
    'catalog-info.yaml',
  );
  fs.writeFileSync(file, entities.map(d => yaml.stringify(d)).join('---\n'));
  return file;
}

/** An attacker's own Template, and a Group granting their team another team's namespace. */
const ownTemplateAndGroup = [
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'own-apply' },
    spec: { type: 'service', steps: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: 'ml-search-admins',
      annotations: { 'inference-platform.io/namespaces': 'ml-chat' },
    },
    spec: { type: 'team', children: [] },
  },
];

/** A service anyone may register: shows that locations outside the platform files are read at all. */
const ownComponent = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'my-notebook' },
    spec: {
      type: 'service',
      lifecycle: 'experimental',
      owner: 'group:default/ml-search',
    },
  },
];

/**
 * Replays the exploits of the tenancy review through the real scaffolder (tasks from the catalog and the dry-run
 * API with templates of the attacker's own), the real catalog with the app's catalog rules, the inference backend
 * and a simulated cluster. Each case completed before tenancy existed; each must now be refused.
 */
describe('tenancy: a team can touch only what it owns', () => {
  let sim: SimulatorHandle;
  let server: any;
  let kube: KubernetesObjectApi;
  let attackerFile: string;

  beforeAll(async () => {
    attackerFile = writeLocation(ownTemplateAndGroup);
    sim = await startSimulator({
      scenario: 'demo',
      clock: { speed: 30 },
      controlPort: false,
    });
    server = await startScaffolderBackend({
      sim,
      realCatalog: true,
      appCatalogRules: true,
      extraLocations: [attackerFile, writeLocation(ownComponent)],
      // the demo policy's rule: admin permissions belong to the platform team
      permissions: (name, ownership) =>
        !ADMIN_PERMISSIONS.includes(name) || ownership.includes(PLATFORM_TEAM),
      extraConfig: {
        catalogRefreshSeconds: 1,
        quotas: [
          { owner: 'ml-search', gpuType: 'NVIDIA-L4', limit: 8 },
          { owner: 'ml-chat', gpuType: 'NVIDIA-L4', limit: 8 },
        ],
        images: {
          pins: [
            {
              repository: 'docker.io/vllm/vllm-openai',
              tag: 'v0.10.1.1',
              digest: PIN,
            },
          ],
          allowedRegistries: ['docker.io/vllm'],
        },
      },
    });
    const fromSimulator = new KubeConfig();
    fromSimulator.loadFromString(sim.kubeconfigYaml);
    // the simulator serves plain HTTP here, which client-node only accepts with skipTLSVerify
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({
      clusters: fromSimulator.clusters.map(c => ({
        ...c,
        skipTLSVerify: true,
      })),
      users: fromSimulator.users,
      contexts: fromSimulator.contexts,
      currentContext: 'gpu-us-east',
    });
    kube = KubernetesObjectApi.makeApiClient(kubeConfig);
    await waitForTemplate(server, 'vllm-model-service', CHEN);
  });

  afterAll(async () => {
    await sim?.stop();
  });

  const runTask = (
    user: string,
    templateRef: string,
    values: Record<string, unknown>,
  ) => runTemplateTask(server, user, templateRef, values);

  /** Dry-runs a template of the caller's own making, with the given files in its workspace. */
  async function dryRunOwnTemplate(
    user: string,
    steps: unknown[],
    files: Record<string, unknown>,
  ) {
    const res = await request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header(user))
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'own' },
          spec: {
            type: 'service',
            parameters: [],
            // the attacker's files, copied into the workspace, then the steps under test
            steps: [
              { id: 'files', action: 'fetch:plain', input: { url: './files' } },
              ...steps,
            ],
          },
        },
        values: {},
        secrets: {},
        directoryContents: Object.entries(files).map(([file, content]) => ({
          path: `files/${file}`,
          base64Content: Buffer.from(
            typeof content === 'string'
              ? content
              : (content as unknown[])
                  .map(d => yaml.stringify(d))
                  .join('---\n'),
          ).toString('base64'),
        })),
      });
    const log = (res.body.log ?? [])
      .map((l: any) => l.body?.message ?? '')
      .join('\n');
    // a failing step answers 400 with its error; a passing run answers 200 with the log
    return {
      status: res.status,
      log: [log, res.body.error?.message ?? ''].join('\n'),
    };
  }

  const applyStep = (input: Record<string, unknown>) => ({
    id: 'apply',
    action: 'inference:manifests:apply',
    input: { cluster: 'gpu-us-east', path: './kubernetes', ...input },
  });

  const exists = async (
    kind: string,
    apiVersion: string,
    ns: string,
    name: string,
  ) =>
    kube
      .read({ apiVersion, kind, metadata: { name, namespace: ns } })
      .then(() => true)
      .catch(() => false);

  // finding 1: ml-search took over ml-chat's service with the stock form
  it("refuses the stock vLLM form into another team's namespace, and ml-chat's service keeps serving its model", async () => {
    const before = (await kube.read({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'code-assistant-llm', namespace: 'ml-chat' },
    })) as any;
    const { status, log } = await runTask(
      ELI,
      'template:default/vllm-model-service',
      {
        ...VLLM_FORM,
        owner: 'group:default/ml-search',
        name: 'code-assistant-llm',
        namespace: 'ml-chat',
        gpuType: 'NVIDIA-L4',
      },
    );
    expect(`${status}\n${log}`).toMatch(/^failed/);
    expect(log).toMatch(
      /group:default\/ml-search may not deploy to namespace ml-chat/,
    );
    const after = (await kube.read(before)) as any;
    expect(after.spec.template.spec.containers[0].args).toEqual(
      before.spec.template.spec.containers[0].args,
    );
    expect(after.metadata.labels['inference-platform.io/owner']).toBe(
      'ml-chat',
    );
  });

  it('refuses the stock form for a team the user is not a member of', async () => {
    const { status, log } = await runTask(
      ELI,
      'template:default/vllm-model-service',
      { ...VLLM_FORM, owner: 'group:default/ml-chat', gpuType: 'NVIDIA-L4' },
    );
    expect(status).toBe('failed');
    expect(log).toMatch(
      /user:default\/eli.novak is not a member of group:default\/ml-chat/,
    );
  });

  // finding 2 and 6: through dry-run, anyone applied any object anywhere with the platform's credentials
  it('refuses the escape pod in kube-system, before anything reaches the cluster', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pwn', namespace: 'kube-system' },
      spec: {
        hostPID: true,
        containers: [
          {
            name: 'pwn',
            image: `docker.io/vllm/vllm-openai@${PIN}`,
            securityContext: { capabilities: { add: ['SYS_ADMIN'] } },
          },
        ],
        volumes: [{ name: 'root', hostPath: { path: '/' } }],
      },
    };
    const { log } = await dryRunOwnTemplate(
      ELI,
      [applyStep({ namespace: 'ml-search', owner: 'ml-search' })],
      { 'kubernetes/pod.yaml': [pod] },
    );
    expect(log).toMatch(
      /Pod kube-system\/pwn kind: v1\/Pod is not a kind the templates may apply/,
    );
    expect(await exists('Pod', 'v1', 'kube-system', 'pwn')).toBe(false);
  });

  it.each([
    [
      'a ResourceQuota that zeroes another team',
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'zero', namespace: 'ml-chat' },
        spec: { hard: { 'requests.nvidia.com/gpu': '0' } },
      },
      /ResourceQuota objects are the platform team's: they need the inference.platform.apply permission/,
    ],
    [
      'a NodePool',
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'mine' },
        spec: {
          template: {
            spec: {
              nodeClassRef: {
                group: 'karpenter.k8s.aws',
                kind: 'EC2NodeClass',
                name: 'gpu',
              },
              requirements: [],
            },
          },
        },
      },
      /NodePool objects are the platform team's/,
    ],
  ])('refuses %s to a member of an ML team', async (_what, object, message) => {
    const { log } = await dryRunOwnTemplate(
      ELI,
      [applyStep({ namespace: 'ml-search', owner: 'ml-search' })],
      { 'kubernetes/object.yaml': [object] },
    );
    expect(log).toMatch(message);
  });

  it('lets the platform team validate a ResourceQuota in a team namespace', async () => {
    const { log } = await dryRunOwnTemplate(
      ANA,
      [applyStep({ namespace: 'ml-vision' })],
      {
        'kubernetes/quota.yaml': [
          {
            apiVersion: 'v1',
            kind: 'ResourceQuota',
            metadata: { name: 'gpu-extra' },
            spec: { hard: { 'requests.nvidia.com/gpu': '4' } },
          },
        ],
      },
    );
    expect(log).toMatch(
      /validated ResourceQuota ml-vision\/gpu-extra on gpu-us-east/,
    );
  });

  it("refuses a manifest that names another team's namespace itself", async () => {
    const { log } = await dryRunOwnTemplate(
      ELI,
      [applyStep({ namespace: 'ml-search', owner: 'ml-search' })],
      {
        'kubernetes/svc.yaml': [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'faq-bot', namespace: 'ml-chat' },
            spec: { ports: [{ port: 80 }] },
          },
        ],
      },
    );
    expect(log).toMatch(
      /Service ml-chat\/faq-bot metadata.namespace: group:default\/ml-search may not deploy to namespace ml-chat/,
    );
  });

  it("refuses to apply over an object the platform did not create in the team's own namespace", async () => {
    await kube.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'legacy-gateway', namespace: 'ml-chat' },
      spec: { ports: [{ port: 80 }] },
    } as any);
    const { log } = await dryRunOwnTemplate(
      CHEN,
      [applyStep({ namespace: 'ml-chat', owner: 'ml-chat' })],
      {
        'kubernetes/svc.yaml': [
          {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: 'legacy-gateway' },
            spec: { ports: [{ port: 8080 }] },
          },
        ],
      },
    );
    expect(log).toMatch(
      /Service ml-chat\/legacy-gateway already exists and was not created by the platform/,
    );
  });

  // finding 7: apply never checked that a reservation exists
  it('refuses GPUs that no reservation covers', async () => {
    const { log } = await dryRunOwnTemplate(
      CHEN,
      [applyStep({ namespace: 'ml-chat', owner: 'ml-chat' })],
      {
        'kubernetes/deployment.yaml': [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: {
              name: 'free-gpus',
              labels: { 'backstage.io/kubernetes-id': 'free-gpus' },
            },
            spec: {
              replicas: 8,
              selector: { matchLabels: { app: 'free-gpus' } },
              template: {
                metadata: { labels: { app: 'free-gpus' } },
                spec: restrictedPod('NVIDIA-L4'),
              },
            },
          },
        ],
      },
    );
    // 8 replicas and the 2 pods a rolling update surges (maxSurge 25% by default, rounded up), one GPU each
    expect(log).toMatch(
      /deploy 10 GPU\(s\) \(NVIDIA-L4\) at their autoscaler ceiling but present no live reservation/,
    );
  });

  // finding 3: inference:entity:register overwrote other teams' entities and took any kind
  it.each([
    [
      "another team's existing entity",
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'support-chat-llm' },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/ml-search',
        },
      },
      /component:default\/support-chat-llm already exists in the catalog from another location/,
    ],
    [
      'an entity of a team the user is not in',
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'not-mine' },
        spec: {
          type: 'service',
          lifecycle: 'production',
          owner: 'group:default/ml-chat',
        },
      },
      /is not a member of group:default\/ml-chat/,
    ],
    [
      'a Group',
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Group',
        metadata: {
          name: 'ml-search',
          annotations: { 'inference-platform.io/namespaces': 'ml-chat' },
        },
        spec: { type: 'team', children: [] },
      },
      /is a Group: only Component, Resource and API entities/,
    ],
  ])('refuses to register %s', async (_what, entity, message) => {
    const { log } = await dryRunOwnTemplate(
      ELI,
      [
        {
          id: 'register',
          action: 'inference:entity:register',
          input: { catalogInfoPath: 'catalog-info.yaml', waitSeconds: 0 },
        },
      ],
      { 'catalog-info.yaml': yaml.stringify(entity) },
    );
    expect(log).toMatch(message);
  });

  // finding 2: any user registered a catalog location holding their own Template (registered locations, like this
  // extra one, are under the catalog's global rules only)
  it('does not take Templates or Groups from a location outside the platform files', async () => {
    const auth = mockCredentials.user.header(ELI);
    // the Component of the other location arrives: such locations are read, the Template and Group refused
    await eventually('the component of the other location', async () => {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/component/default/my-notebook')
        .set('Authorization', auth);
      return res.status === 200 ? true : undefined;
    });
    // both files are config locations of the same processing round; a refused file never shows as an entity, so the
    // check is that its Template and Group stay absent well after the other file's Component is in
    const deadline = Date.now() + 5_000;
    do {
      await new Promise(resolve => setTimeout(resolve, 500));
      for (const ref of [
        'template/default/own-apply',
        'group/default/ml-search-admins',
      ]) {
        const res = await request(server)
          .get(`/api/catalog/entities/by-name/${ref}`)
          .set('Authorization', auth);
        expect(`${ref} ${res.status}`).toBe(`${ref} 404`);
      }
    } while (Date.now() < deadline);
  });
});

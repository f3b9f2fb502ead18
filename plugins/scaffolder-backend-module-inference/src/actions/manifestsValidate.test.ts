import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { Validator } from 'jsonschema';
import yaml from 'yaml';
import { createManifestsValidateAction } from './manifestsValidate';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function gpuDeployment(
  overrides: { image?: string; privileged?: boolean } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'chat',
      labels: { 'backstage.io/kubernetes-id': 'chat' },
    },
    spec: {
      selector: { matchLabels: { 'backstage.io/kubernetes-id': 'chat' } },
      template: {
        metadata: { labels: { 'backstage.io/kubernetes-id': 'chat' } },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
          tolerations: [
            { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'vllm',
              image: overrides.image ?? `docker.io/vllm/vllm-openai@${DIGEST}`,
              // Pod Security "restricted", as the templates render it
              securityContext: {
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                ...(overrides.privileged ? { privileged: true } : {}),
              },
              resources: {
                requests: { 'nvidia.com/gpu': '1' },
                limits: { 'nvidia.com/gpu': '1' },
              },
              readinessProbe: { httpGet: { path: '/health', port: 8000 } },
              livenessProbe: { httpGet: { path: '/health', port: 8000 } },
              startupProbe: {
                httpGet: { path: '/health', port: 8000 },
                failureThreshold: 60,
              },
            },
          ],
        },
      },
    },
  };
}

const catalogInfo = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'chat' },
  spec: { type: 'service', owner: 'ml-chat', lifecycle: 'production' },
};

describe('inference:manifests:validate', () => {
  const workspace = createMockDirectory();
  const action = createManifestsValidateAction();

  it('passes compliant manifests and skips Backstage entities', async () => {
    workspace.setContent({
      'catalog-info.yaml': yaml.stringify(catalogInfo),
      'kubernetes/deployment.yaml': yaml.stringify(gpuDeployment()),
      'kubernetes/service.yaml': yaml.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'chat' },
      }),
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: '.', kubernetesId: 'chat' },
    });
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('manifestCount', 2);
    expect(ctx.output).toHaveBeenCalledWith('files', [
      'catalog-info.yaml',
      'kubernetes/deployment.yaml',
      'kubernetes/service.yaml',
    ]);
  });

  it('reports every violation at once with file and field path', async () => {
    const bad = gpuDeployment({
      image: 'docker.io/vllm/vllm-openai:v0.11.0',
      privileged: true,
    });
    delete (bad.spec.template.spec as any).tolerations;
    delete (bad.spec.template.spec.containers[0] as any).startupProbe;
    bad.spec.template.spec.containers[0].resources.requests['nvidia.com/gpu'] =
      '2';
    workspace.setContent({
      'kubernetes/deployment.yaml': `${yaml.stringify(
        gpuDeployment(),
      )}---\n${yaml.stringify(bad)}`,
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: 'kubernetes' },
    });
    const error = await createManifestsValidateAction({
      allowedRegistries: ['nvcr.io/nvidia'],
    })
      .handler(ctx)
      .catch(e => e);
    expect(error.name).toBe('InputError');
    const lines = String(error.message).split('\n');
    expect(lines[0]).toMatch(/^\d+ platform policy violation\(s\):$/);
    const containerPath = 'spec.template.spec.containers[0]';
    expect(lines).toEqual(
      expect.arrayContaining([
        `kubernetes/deployment.yaml#1 Deployment/chat ${containerPath}.image: image "docker.io/vllm/vllm-openai:v0.11.0" is not pinned by digest (repository@sha256:<64 hex>)`,
        expect.stringMatching(
          new RegExp(
            `#1 .*${escape(
              containerPath,
            )}\\.image: .*not from an allowed registry \\(nvcr.io/nvidia\\)`,
          ),
        ),
        expect.stringMatching(
          /#1 .*securityContext\.privileged: privileged containers are not allowed/,
        ),
        expect.stringMatching(
          /#1 .*resources: nvidia\.com\/gpu request \(2\) must equal its limit \(1\)/,
        ),
        expect.stringMatching(
          /#1 .*spec\.template\.spec\.tolerations: GPU pods need a toleration/,
        ),
        expect.stringMatching(/#1 .*startupProbe: startupProbe is missing/),
        // the first, compliant document only breaks the registry rule
        expect.stringMatching(/#0 .*not from an allowed registry/),
      ]),
    );
    expect(lines.filter(l => l.includes('#0 '))).toHaveLength(1);
  });

  it('checks each manifest against the schema of its kind, KEDA, Karpenter and LeaderWorkerSet included', async () => {
    const noSelector = gpuDeployment();
    (noSelector.spec as any).selector = undefined;
    workspace.setContent({
      'k8s/deployment.yaml': yaml.stringify({
        ...noSelector,
        spec: { ...noSelector.spec },
      }),
      'k8s/scaledobject.yaml': yaml.stringify({
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: 'chat' },
        spec: {
          triggers: [
            { type: 'prometheus', metadata: { query: 'q', threshold: '5' } },
          ],
        },
      }),
      'k8s/nodepool.yaml': yaml.stringify({
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name: 'gpu' },
        spec: { template: { spec: { requirements: 'not-a-list' } } },
      }),
      'k8s/lws.yaml': yaml.stringify({
        apiVersion: 'leaderworkerset.x-k8s.io/v1',
        kind: 'LeaderWorkerSet',
        metadata: { name: 'big' },
        spec: {
          replicas: 1,
          leaderWorkerTemplate: {
            size: 0,
            workerTemplate: { spec: { containers: 'x' } },
          },
        },
      }),
      'k8s/unknown.yaml': yaml.stringify({
        apiVersion: 'example.com/v1',
        kind: 'Gizmo',
        metadata: { name: 'g' },
      }),
    });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: 'k8s' },
    });
    const message = String(await action.handler(ctx).catch(e => e.message));
    expect(message).toMatch(
      /k8s\/deployment.yaml#0 Deployment\/chat spec: must have required property selector/,
    );
    expect(message).toMatch(
      /k8s\/scaledobject.yaml#0 ScaledObject\/chat spec: must have required property scaleTargetRef/,
    );
    expect(message).toMatch(
      /k8s\/nodepool.yaml#0 NodePool\/gpu spec.template.spec.requirements: must be array/,
    );
    expect(message).toMatch(
      /k8s\/lws.yaml#0 LeaderWorkerSet\/big spec.leaderWorkerTemplate.size: must be >= 1/,
    );
    expect(message).toMatch(
      /k8s\/unknown.yaml#0 Gizmo\/g kind: example.com\/v1\/Gizmo is not a kind the platform knows how to validate/,
    );
  });

  describe("the platform's allowed registries", () => {
    const platform = createManifestsValidateAction({
      allowedRegistries: ['docker.io/vllm'],
    });
    const validate = (image: string, input: Record<string, unknown> = {}) => {
      workspace.setContent({
        'deployment.yaml': yaml.stringify(gpuDeployment({ image })),
      });
      return platform.handler(
        createMockActionContext({
          workspacePath: workspace.path,
          input: { path: '.', ...input },
        }),
      );
    };

    it('cannot be widened by a task input', async () => {
      await expect(
        validate(`evil.example/miner@${DIGEST}`, {
          allowedRegistries: ['evil.example'],
        }),
      ).rejects.toThrow(
        /image "evil\.example\/miner@sha256:[a-f0-9]+" is not from an allowed registry \(docker\.io\/vllm\)/,
      );
    });

    it('are not an input of the action, so the scaffolder refuses them in a template', () => {
      const result = new Validator().validate(
        { path: '.', allowedRegistries: ['evil.example'] },
        platform.schema!.input as any,
      );
      expect(result.errors.map(e => e.argument)).toEqual(['allowedRegistries']);
    });

    it.each([
      `docker.io/vllm-evil/vllm-openai@${DIGEST}`,
      `docker.io/vllmx@${DIGEST}`,
      `docker.io.evil.example/vllm/vllm-openai@${DIGEST}`,
    ])('match on a path-segment boundary: %s is refused', async image => {
      await expect(validate(image)).rejects.toThrow(
        /is not from an allowed registry/,
      );
    });

    it('allow the repositories under them', async () => {
      await expect(
        validate(`docker.io/vllm/vllm-openai@${DIGEST}`),
      ).resolves.toBeUndefined();
    });
  });

  it('refuses a path that leaves the workspace', async () => {
    workspace.setContent({ 'a.yaml': 'kind: x' });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: '../../etc' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(/outside/i);
  });

  it('reports YAML that does not parse', async () => {
    workspace.setContent({ 'broken.yaml': 'kind: Deployment\n  metadata: [' });
    const ctx = createMockActionContext({
      workspacePath: workspace.path,
      input: { path: '.' },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /broken\.yaml#0 .*not valid YAML/,
    );
  });
});

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

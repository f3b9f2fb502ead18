import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  SimulatorHandle,
  startSimulator,
} from '@inference-platform/cluster-simulator';
import { Validator } from 'jsonschema';
import {
  FAKE_REGISTRY_DIGEST,
  RecordingServer,
  startFakeRegistry,
  startRecordingServer,
} from '../__testUtils__/tokenRegistry';
import { ImageSettings } from '../images/imageConfig';
import { createImageResolveAction } from './imageResolve';

const PIN = `sha256:${'ab'.repeat(32)}`;
const noSettings: ImageSettings = {
  resolveLive: false,
  registries: [],
  pins: [],
  allowedRegistries: [],
  allowForwardCompatibility: false,
};

async function run(settings: ImageSettings, input: Record<string, unknown>) {
  const ctx = createMockActionContext({ input: input as any });
  await createImageResolveAction({ images: settings }).handler(ctx);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls);
}

describe('inference:image:resolve', () => {
  it('refuses a catalog image without a verified digest, saying how to get one', async () => {
    await expect(
      run(noSettings, { runtime: 'vllm', version: '0.10.1.1' }),
    ).rejects.toThrow(
      'No verified digest for docker.io/vllm/vllm-openai:v0.10.1.1: pin one under inference.images.pins, or enable inference.images.resolveLive with a reachable registry or mirror',
    );
  });

  it("uses an operator's pin and checks CUDA against the pool's driver", async () => {
    const out = await run(
      {
        ...noSettings,
        pins: [
          {
            repository: 'docker.io/vllm/vllm-openai',
            tag: 'v0.10.1.1',
            digest: PIN,
          },
        ],
      },
      {
        runtime: 'vllm',
        version: '0.10.1.1',
        gpuType: 'NVIDIA-H100-80GB-HBM3',
        driverVersion: '570.124.06',
      },
    );
    expect(out).toMatchObject({
      image: `docker.io/vllm/vllm-openai@${PIN}`,
      digestSource: 'pin',
      cudaVersion: '12.8.1',
    });
    expect(out.compatibility).toMatch(/^compatible/);
  });

  it('refuses an image whose CUDA the driver cannot run, with the reason', async () => {
    const error = await run(
      {
        ...noSettings,
        pins: [
          {
            repository: 'docker.io/vllm/vllm-openai',
            tag: 'v0.8.5',
            digest: PIN,
          },
        ],
      },
      {
        runtime: 'vllm',
        version: '0.8.5',
        gpuType: 'NVIDIA-L4',
        driverVersion: '450.80.02',
      },
    ).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /v0\.8\.5 \(CUDA 12\.4\) cannot run on driver 450\.80\.02: /,
    );
    expect(error.message).toMatch(
      /Upgrade the node driver to 550\.54\.14 or newer/,
    );
  });

  describe('an image that needs the CUDA forward-compatibility package (data-center GPU, older driver)', () => {
    const settings = {
      ...noSettings,
      pins: [
        {
          repository: 'docker.io/vllm/vllm-openai',
          tag: 'v0.22.0',
          digest: PIN,
        },
      ],
    };
    const input = {
      runtime: 'vllm',
      version: '0.22.0',
      gpuType: 'NVIDIA-L4',
      driverVersion: '550.54.15',
    };

    it('is refused by default, naming the driver that would run it', async () => {
      const error = await run(settings, input).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(
        /v0\.22\.0 \(CUDA 13\.0\) cannot run on driver 550\.54\.15: .*forward-compatibility/,
      );
    });

    it('is accepted when the platform allows forward compatibility, and says so', async () => {
      const out = await run(
        { ...settings, allowForwardCompatibility: true },
        input,
      );
      expect(out.compatibility).toMatch(/^needs-forward-compat: /);
    });

    it('is refused even when a task input asks for it: the platform setting decides', async () => {
      const error = await run(settings, {
        ...input,
        allowForwardCompatibility: true,
      }).catch(e => e);
      expect(error.message).toMatch(/cannot run on driver 550\.54\.15/);
    });
  });

  it.each([
    [
      'docker.io/vllm/vllm-openai:v0.10.1.1',
      /referenced by tag only: pin it as repository@sha256/,
    ],
    ['vllm/vllm-openai', /referenced by tag only/],
  ])('refuses the tag-only image %s', async (image, message) => {
    await expect(run(noSettings, { runtime: 'vllm', image })).rejects.toThrow(
      message,
    );
  });

  it('accepts an explicit digest-pinned image as it is', async () => {
    const out = await run(noSettings, {
      runtime: 'vllm',
      image: `vllm/vllm-openai@${PIN}`,
    });
    expect(out).toMatchObject({
      image: `docker.io/vllm/vllm-openai@${PIN}`,
      digestSource: 'input',
    });
  });

  it('picks the text-embeddings-inference build of the GPU architecture', async () => {
    const out = await run(
      {
        ...noSettings,
        pins: [
          {
            repository: 'ghcr.io/huggingface/text-embeddings-inference',
            tag: '89-1.9',
            digest: PIN,
          },
        ],
      },
      { runtime: 'tei', gpuType: 'NVIDIA-L4' },
    );
    expect(out.tag).toBe('89-1.9');
  });

  it('refuses an image from a registry outside the allowed list', async () => {
    await expect(
      run(
        { ...noSettings, allowedRegistries: ['nvcr.io/nvidia'] },
        { runtime: 'vllm', image: `vllm/vllm-openai@${PIN}` },
      ),
    ).rejects.toThrow(/not from an allowed registry \(nvcr.io\/nvidia\)/);
  });

  describe('resolving a tag live through a registry mirror', () => {
    let sim: SimulatorHandle;
    beforeAll(async () => {
      sim = await startSimulator({
        scenario: 'demo',
        clock: { mode: 'manual', startTime: Date.UTC(2026, 0, 15, 3, 0, 0) },
      });
    });
    afterAll(() => sim.stop());

    it('asks the mirror for the digest of the tag', async () => {
      const mirror = new URL(sim.controlUrl!).host;
      const out = await run(
        {
          ...noSettings,
          resolveLive: true,
          registries: [{ host: 'docker.io', mirror, insecure: true }],
        },
        {
          runtime: 'vllm',
          version: '0.10.1.1',
          gpuType: 'NVIDIA-H100-80GB-HBM3',
          driverVersion: '570.124.06',
        },
      );
      const head = await fetch(
        `${sim.controlUrl}/v2/vllm/vllm-openai/manifests/v0.10.1.1`,
        { method: 'HEAD' },
      );
      expect(out.digest).toBe(head.headers.get('docker-content-digest'));
      expect(out).toMatchObject({
        digestSource: 'registry',
        image: `docker.io/vllm/vllm-openai@${out.digest}`,
      });
    });

    it('resolves an explicit tag-only image when live resolution is on', async () => {
      const mirror = new URL(sim.controlUrl!).host;
      const out = await run(
        {
          ...noSettings,
          resolveLive: true,
          registries: [{ host: 'docker.io', mirror, insecure: true }],
        },
        { runtime: 'vllm', image: 'vllm/vllm-openai:v0.8.5' },
      );
      expect(out.image).toMatch(
        /^docker\.io\/vllm\/vllm-openai@sha256:[a-f0-9]{64}$/,
      );
      expect(out.tag).toBe('v0.8.5');
    });
  });

  describe('registry access: the platform decides which registries are asked, never the task', () => {
    let registry: RecordingServer;
    let other: RecordingServer;
    beforeEach(async () => {
      registry = await startFakeRegistry();
      other = await startRecordingServer(() => ({ status: 500 }), '127.0.0.2');
    });
    afterEach(async () => {
      await registry.stop();
      await other.stop();
    });
    const live = (allowedRegistries: string[]): ImageSettings => ({
      ...noSettings,
      resolveLive: true,
      registries: [
        { host: 'docker.io', mirror: registry.host, insecure: true },
      ],
      allowedRegistries,
    });

    it('resolves a tag inside the allowed registries through the mirror', async () => {
      const out = await run(live(['docker.io/vllm']), {
        runtime: 'vllm',
        image: 'docker.io/vllm/vllm-openai:v0.10.1.1',
      });
      expect(out).toMatchObject({
        image: `docker.io/vllm/vllm-openai@${FAKE_REGISTRY_DIGEST}`,
        digestSource: 'registry',
      });
    });

    it.each([
      [
        'an image of another registry',
        ['nvcr.io/nvidia'],
        'docker.io/vllm/vllm-openai:v0.10.1.1',
      ],
      [
        'a repository that only starts like an allowed one',
        ['docker.io/vllm'],
        'docker.io/vllm-evil/vllm-openai:v0.10.1.1',
      ],
      [
        'a host that only starts like an allowed one',
        ['docker.io'],
        'docker.io.evil.example/vllm/vllm-openai:v1',
      ],
      [
        'a digest-pinned repository that only starts like an allowed one',
        ['docker.io/vllm'],
        `docker.io/vllm-evil/vllm-openai@${PIN}`,
      ],
    ])(
      'refuses %s before any request reaches a registry',
      async (_name, allowed, image) => {
        const error = await run(live(allowed), {
          runtime: 'vllm',
          image,
        }).catch(e => e);
        expect(error.name).toBe('InputError');
        expect(error.message).toMatch(/is not from an allowed registry/);
        expect(registry.connections).toBe(0);
      },
    );

    it('refuses a catalog image outside the allowed registries before asking its registry', async () => {
      const error = await run(live(['nvcr.io/nvidia']), {
        runtime: 'vllm',
        version: '0.10.1.1',
      }).catch(e => e);
      expect(error.message).toMatch(
        /docker\.io\/vllm\/vllm-openai is not from an allowed registry/,
      );
      expect(registry.connections).toBe(0);
    });

    it('asks no registry the platform does not name for a tag-only image when no allow-list is set', async () => {
      const error = await run(live([]), {
        runtime: 'vllm',
        image: `${other.host}/team/model:v1`,
      }).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(
        /referenced by tag only and .* is not a registry the platform resolves tags from/,
      );
      expect(other.connections).toBe(0);
    });

    it('does not resolve live when a task input asks for it but the platform does not', async () => {
      const error = await run(
        { ...live(['docker.io/vllm']), resolveLive: false },
        { runtime: 'vllm', version: '0.10.1.1', resolveLive: true },
      ).catch(e => e);
      expect(error.message).toMatch(/^No verified digest for /);
      expect(registry.connections).toBe(0);
    });

    it('keeps platform settings out of the input schema, so the scaffolder refuses them in a template', () => {
      const action = createImageResolveAction({ images: noSettings });
      const result = new Validator().validate(
        { runtime: 'vllm', resolveLive: true, allowForwardCompatibility: true },
        action.schema!.input as any,
      );
      expect(result.errors.map(e => e.argument).sort()).toEqual([
        'allowForwardCompatibility',
        'resolveLive',
      ]);
    });
  });
});

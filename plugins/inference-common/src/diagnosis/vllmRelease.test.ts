import { IMAGE_CATALOG } from '../catalog/images.data';
import { memoryInputFromContext, mergeServingContext } from './servingContext';
import { vllmReleaseOfImage } from './vllmRelease';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function vllmPod(image: string) {
  return {
    metadata: { name: 'chat-0', namespace: 'ml-chat' },
    spec: {
      nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' },
      containers: [
        {
          name: 'vllm',
          image,
          args: [
            'serve',
            'meta-llama/Llama-3.1-8B-Instruct',
            '--max-model-len',
            '8192',
          ],
        },
      ],
    },
  };
}

describe('vllmReleaseOfImage', () => {
  it('reads the release from the tag of a pinned reference', () => {
    expect(
      vllmReleaseOfImage(`docker.io/vllm/vllm-openai:v0.10.1.1@${DIGEST}`),
    ).toBe('0.10.1.1');
    expect(vllmReleaseOfImage('vllm/vllm-openai:0.8.5')).toBe('0.8.5');
  });

  it('finds a digest-only reference in the image catalog', () => {
    const entry = IMAGE_CATALOG.find(i => i.runtime === 'vllm')!;
    expect(vllmReleaseOfImage(`${entry.repository}@${entry.digest}`)).toBe(
      entry.version,
    );
  });

  it('says nothing it cannot know', () => {
    expect(vllmReleaseOfImage(`registry.local/vllm@${DIGEST}`)).toBeUndefined();
    expect(vllmReleaseOfImage('vllm/vllm-openai:latest')).toBeUndefined();
    expect(vllmReleaseOfImage(undefined)).toBeUndefined();
  });
});

describe('the health card advice follows the release the pods run', () => {
  it('uses that release’s accounting and default utilization', () => {
    const old = memoryInputFromContext(
      mergeServingContext([vllmPod(`vllm/vllm-openai:v0.10.1.1@${DIGEST}`)]),
    )!;
    const current = memoryInputFromContext(
      mergeServingContext([vllmPod(`vllm/vllm-openai:v0.22.0@${DIGEST}`)]),
    )!;
    expect(old.engine!.group).toBe('v1-0.8');
    expect(old.gpuMemoryUtilization).toBe(0.9);
    expect(current.engine!.group).toBe('v1-0.21');
    expect(current.gpuMemoryUtilization).toBe(0.92);
    const unknown = memoryInputFromContext(
      mergeServingContext([vllmPod(`registry.local/vllm@${DIGEST}`)]),
    )!;
    expect(unknown.engine!.label).toMatch(/not stated/);
  });
});

import { isAllowedRepository } from './allowedRegistries';

describe('isAllowedRepository', () => {
  const allowed = ['docker.io/vllm', 'nvcr.io/nvidia/', 'ghcr.io'];

  it.each([
    ['docker.io/vllm/vllm-openai', true],
    ['docker.io/vllm', true],
    [`docker.io/vllm/vllm-openai@sha256:${'a'.repeat(64)}`, true],
    ['nvcr.io/nvidia/tritonserver', true],
    ['ghcr.io/huggingface/text-embeddings-inference', true],
    ['DOCKER.IO/vllm/vllm-openai', true],
    ['docker.io/vllm-evil/vllm-openai', false],
    ['docker.io/vllmx', false],
    ['docker.io/library/nginx', false],
    ['nvcr.io/nvidia-evil/x', false],
    ['docker.io.evil.example/vllm/vllm-openai', false],
    ['ghcr.io.evil.example/x', false],
    ['ghcr.io:5000/x', false],
    ['evil.example/docker.io/vllm/x', false],
  ])('%s: %s', (repository, expected) => {
    expect(isAllowedRepository(repository, allowed)).toBe(expected);
  });

  it('allows everything when the platform lists nothing, and nothing for blank entries', () => {
    expect(isAllowedRepository('anything.example/x', [])).toBe(true);
    expect(isAllowedRepository('anything.example/x', ['', '/'])).toBe(false);
  });
});

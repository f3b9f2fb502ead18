/*
 * Container images the simulated kubelet "pulls": which inference engine an
 * image runs, the CUDA version it requires (the `NVIDIA_REQUIRE_CUDA` check
 * nvidia-container-cli makes against the node driver), and its size. Images
 * are referenced by digest, as the platform pins them; the digests here are
 * deterministic stand-ins computed from repository and tag.
 */
import { createHash } from 'crypto';

/** Inference engines (and other containers) the simulator knows how to run. @public */
export type Engine = 'vllm' | 'triton' | 'tei' | 'tgi' | 'dcgm' | 'generic';

/** What the simulator knows about one image. @public */
export interface ImageInfo {
  repository: string;
  tag?: string;
  digest?: string;
  engine: Engine;
  /** minimum CUDA (`cuda>=X.Y`) the image requires, if any */
  cuda?: string;
  sizeBytes: number;
}

const KNOWN_TAGS: Array<{
  repository: string;
  tag: string;
  cuda?: string;
  sizeGB: number;
}> = [
  {
    repository: 'docker.io/vllm/vllm-openai',
    tag: 'v0.8.5',
    cuda: '12.4',
    sizeGB: 9.8,
  },
  {
    repository: 'docker.io/vllm/vllm-openai',
    tag: 'v0.10.1',
    cuda: '12.8',
    sizeGB: 11.2,
  },
  {
    repository: 'docker.io/vllm/vllm-openai',
    tag: 'v0.11.0',
    cuda: '12.9',
    sizeGB: 11.6,
  },
  {
    repository: 'nvcr.io/nvidia/tritonserver',
    tag: '23.08-py3',
    cuda: '12.2',
    sizeGB: 7.1,
  },
  {
    repository: 'nvcr.io/nvidia/tritonserver',
    tag: '24.05-py3',
    cuda: '12.4',
    sizeGB: 7.6,
  },
  {
    repository: 'nvcr.io/nvidia/tritonserver',
    tag: '25.01-py3',
    cuda: '12.8',
    sizeGB: 8.3,
  },
  {
    repository: 'ghcr.io/huggingface/text-embeddings-inference',
    tag: '89-1.6',
    cuda: '12.2',
    sizeGB: 1.4,
  },
  {
    repository: 'ghcr.io/huggingface/text-embeddings-inference',
    tag: 'turing-1.6',
    cuda: '12.2',
    sizeGB: 1.4,
  },
  {
    repository: 'ghcr.io/huggingface/text-embeddings-inference',
    tag: '1.6',
    cuda: '12.2',
    sizeGB: 1.4,
  },
  {
    repository: 'ghcr.io/huggingface/text-embeddings-inference',
    tag: 'hopper-1.6',
    cuda: '12.2',
    sizeGB: 1.4,
  },
  {
    repository: 'ghcr.io/huggingface/text-generation-inference',
    tag: '3.3.5',
    cuda: '12.4',
    sizeGB: 10.3,
  },
  {
    repository: 'nvcr.io/nvidia/k8s/dcgm-exporter',
    tag: '4.5.3-4.8.2-distroless',
    sizeGB: 0.35,
  },
];

/** A stand-in digest for an image reference: stable across runs. */
export function stableDigest(repository: string, tag: string): string {
  return `sha256:${createHash('sha256')
    .update(`${repository}:${tag}`)
    .digest('hex')}`;
}

const byDigest = new Map<string, ImageInfo>();
for (const k of KNOWN_TAGS) {
  const digest = stableDigest(k.repository, k.tag);
  byDigest.set(digest, {
    repository: k.repository,
    tag: k.tag,
    digest,
    engine: engineOf(k.repository),
    cuda: k.cuda,
    sizeBytes: Math.round(k.sizeGB * 1e9),
  });
}

/** Which engine an image repository runs. */
export function engineOf(repository: string): Engine {
  if (/vllm|huggingfaceserver/.test(repository)) return 'vllm';
  if (/tritonserver/.test(repository)) return 'triton';
  if (/text-embeddings-inference/.test(repository)) return 'tei';
  if (/text-generation-inference/.test(repository)) return 'tgi';
  if (/dcgm-exporter/.test(repository)) return 'dcgm';
  return 'generic';
}

/** The digest-pinned reference (`repo@sha256:...`) of a known `repo:tag`. */
export function pinnedImage(repositoryAndTag: string): string {
  const at = repositoryAndTag.lastIndexOf(':');
  const repository = repositoryAndTag.slice(0, at);
  const tag = repositoryAndTag.slice(at + 1);
  return `${repository}@${stableDigest(repository, tag)}`;
}

/** Parses an image reference and looks up what is known about it. */
export function describeImage(ref: string): ImageInfo {
  const [nameAndTag, digest] = ref.split('@');
  const slash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', slash + 1);
  let repository = colon >= 0 ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = colon >= 0 ? nameAndTag.slice(colon + 1) : undefined;
  if (
    !/^[^/]+\.[^/]+\//.test(repository) &&
    !repository.startsWith('localhost')
  ) {
    repository = repository.includes('/')
      ? `docker.io/${repository}`
      : `docker.io/library/${repository}`;
  }
  if (digest) {
    const known = byDigest.get(digest);
    if (known) return known;
  }
  if (tag) {
    const known = byDigest.get(stableDigest(repository, tag));
    if (known) return { ...known, digest: digest ?? known.digest };
  }
  return {
    repository,
    tag,
    digest,
    engine: engineOf(repository),
    sizeBytes: 2e9,
  };
}

/** Reads `cuda>=X.Y` from an `NVIDIA_REQUIRE_CUDA` value. */
export function requiredCudaFromEnv(
  value: string | undefined,
): string | undefined {
  const m = /cuda>=(\d+\.\d+)/.exec(value ?? '');
  return m?.[1];
}

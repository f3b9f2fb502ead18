import {
  ImageDigest,
  ServingImage,
  ServingRuntime,
  UNRESOLVED_DIGEST,
} from './images';

// Copied from reference/images.json and facts.md §5. No authoritative digest list exists in the reference: every
// entry without a third-party pin carries the all-zero placeholder and is flagged; the registry resolver replaces them.

interface ImageSeed {
  runtime: ServingRuntime;
  version: string;
  repository: string;
  tag: string;
  cudaVersion: string;
  minComputeCapability: string;
  targetComputeCapability?: string;
  source: string;
  notes?: string;
  /** Set only for a third-party pin; everything else gets the placeholder. */
  thirdPartyDigest?: ImageDigest;
  /** CUDA version or CC floor not verified. */
  detailsUnverified?: boolean;
}

function image(seed: ImageSeed): ServingImage {
  const pinned = seed.thirdPartyDigest !== undefined;
  const digestNote = pinned
    ? 'Digest is a third-party pin whose version label is claimed by its authors (UNVERIFIED).'
    : 'No authoritative digest in the reference: placeholder digest, resolve it from the registry before deploying.';
  return {
    id: `${seed.runtime}-${seed.tag}`,
    runtime: seed.runtime,
    version: seed.version,
    repository: seed.repository,
    tag: seed.tag,
    digest: seed.thirdPartyDigest ?? UNRESOLVED_DIGEST,
    digestStatus: pinned ? 'third-party-pin' : 'unresolved-placeholder',
    cudaVersion: seed.cudaVersion,
    minComputeCapability: seed.minComputeCapability,
    targetComputeCapability: seed.targetComputeCapability,
    unverified: true,
    source: seed.source,
    notes: [
      digestNote,
      seed.detailsUnverified
        ? 'CUDA version or compute-capability floor UNVERIFIED.'
        : '',
      seed.notes ?? '',
    ]
      .filter(Boolean)
      .join(' '),
  };
}

const VLLM_REPO = 'docker.io/vllm/vllm-openai';
const TRITON_REPO = 'nvcr.io/nvidia/tritonserver';
const TGI_REPO = 'ghcr.io/huggingface/text-generation-inference';
const TEI_REPO = 'ghcr.io/huggingface/text-embeddings-inference';
const VLLM_CC_NOTE =
  "Compute capability 7.0+ is vLLM's documented GPU floor (not in the reference).";

function vllm(
  version: string,
  cudaVersion: string,
  source: string,
  extra: Partial<ImageSeed> = {},
): ServingImage {
  return image({
    runtime: 'vllm',
    version,
    repository: VLLM_REPO,
    tag: `v${version}`,
    cudaVersion,
    minComputeCapability: '7.0',
    source,
    detailsUnverified: true,
    notes: VLLM_CC_NOTE,
    ...extra,
  });
}

function triton(
  release: string,
  cudaVersion: string,
  minCc: string,
  source: string,
  detailsUnverified = false,
): ServingImage {
  return image({
    runtime: 'triton',
    version: release,
    repository: TRITON_REPO,
    tag: `${release}-py3`,
    cudaVersion,
    minComputeCapability: minCc,
    source,
    detailsUnverified,
  });
}

function tei(version: string, tagPrefix: string, cc: string): ServingImage {
  return image({
    runtime: 'tei',
    version,
    repository: TEI_REPO,
    tag: `${tagPrefix}${version}`,
    cudaVersion: '12.2',
    minComputeCapability: cc,
    targetComputeCapability: cc,
    source:
      'TEI README per-architecture tag table (v1.6) and third-party docs for 1.9',
    detailsUnverified: true,
    notes:
      'One build per GPU architecture: pick the tag matching the node. The CUDA version is not in the reference (assumed 12.2).',
  });
}

const TRITON_NOTES = 'docs.nvidia.com Triton release notes rel-';

/**
 * The embedded serving-image catalog (defaults; config may add entries or supply resolved digests).
 *
 * @public
 */
export const IMAGE_CATALOG: readonly ServingImage[] = [
  vllm(
    '0.4.2',
    '12.1',
    'vLLM install docs "pre-compiled C++ and CUDA (12.1) binaries"',
  ),
  vllm(
    '0.6.3',
    '12.4',
    'vllm issue #5635 (v0.5.0 requires cuda>=12.4) and PR #11817 (12.1 -> 12.4)',
  ),
  vllm(
    '0.8.5',
    '12.4',
    'vllm issue #5635 and PR #11817 (images 0.4.3 .. 0.8.x on CUDA 12.4)',
  ),
  vllm(
    '0.10.1.1',
    '12.8.1',
    'docker/Dockerfile ARG CUDA_VERSION=12.8.1 (vllm commit 0000977e)',
  ),
  vllm(
    '0.11.0',
    '12.9',
    'docker/model-runner PR #470 (VLLM_CUDA_VERSION=cu129), third-party',
  ),
  vllm('0.22.0', '13.0', 'third-party benchmark note (torch 2.11.0+cu130)'),
  vllm(
    '0.27.1',
    '12.9',
    'docs.vllm.ai latest "CUDA (12.9) binaries" (2026-09); digest pinned in third-party repos',
    {
      thirdPartyDigest:
        'sha256:0a51ea5b4ae2dc5d81890e5173f54203d2a3ae0cfffe51b8fd2afd4391bfd967',
      notes: `${VLLM_CC_NOTE} CUDA 12.9 assumed from the docs; a third-party note puts 0.22+ on CUDA 13.0: read NVIDIA_REQUIRE_CUDA from the image config.`,
    },
  ),
  triton('22.12', '11.8.0', '6.0', `${TRITON_NOTES}22-12`),
  triton('23.04', '12.1.0', '6.0', `${TRITON_NOTES}23-04`),
  triton('23.05', '12.1.1', '6.0', `${TRITON_NOTES}23-05`),
  triton('23.07', '12.1.1', '6.0', `${TRITON_NOTES}23-07`),
  triton('23.08', '12.2.1', '6.0', `${TRITON_NOTES}23-08`),
  triton('24.01', '12.3.2', '6.0', `${TRITON_NOTES}24-01`),
  triton('24.05', '12.4', '6.0', `${TRITON_NOTES}24-05`),
  triton('24.08', '12.6.0', '6.0', 'third-party README table', true),
  triton('24.10', '12.6.2', '6.0', `${TRITON_NOTES}24-10`),
  triton('25.01', '12.8.0', '7.5', `${TRITON_NOTES}25-01`),
  triton('25.03', '12.8.1', '7.5', `${TRITON_NOTES}25-03`),
  triton('25.04', '12.9.0', '7.5', `${TRITON_NOTES}25-04`),
  triton('25.08', '13.0.0', '7.5', `${TRITON_NOTES}25-08`),
  triton('25.10', '13.0.2', '7.5', `${TRITON_NOTES}25-10`),
  triton('26.01', '13.1.1', '7.5', 'third-party README table', true),
  image({
    runtime: 'tgi',
    version: '3.3.5',
    repository: TGI_REPO,
    tag: '3.3.5',
    cudaVersion: '12.4',
    minComputeCapability: '7.5',
    source:
      'huggingface/text-generation-inference Dockerfile (nvidia/cuda:12.4.1 builder), README (uses 3.3.5)',
    detailsUnverified: true,
    notes:
      'TGI is in maintenance mode. Compute-capability floor not in the reference.',
  }),
  image({
    runtime: 'tgi',
    version: '3.3.7',
    repository: TGI_REPO,
    tag: '3.3.7',
    cudaVersion: '12.4',
    minComputeCapability: '7.5',
    source: 'git tag v3.3.7 (2025-12-18); Dockerfile at HEAD db931fcf',
    detailsUnverified: true,
    notes:
      'TGI is in maintenance mode. Compute-capability floor not in the reference.',
  }),
  tei('1.9', 'turing-', '7.5'),
  tei('1.9', '', '8.0'),
  tei('1.9', '86-', '8.6'),
  tei('1.9', '89-', '8.9'),
  tei('1.9', 'hopper-', '9.0'),
];

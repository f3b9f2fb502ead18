import { IMAGE_CATALOG } from './images.data';
import {
  ImageDigest,
  ServingImage,
  UNRESOLVED_DIGEST,
  imageReference,
  isImageDigest,
  isPinnedImageReference,
  isPlaceholderDigest,
  parseImageReference,
} from './images';

const DIGEST =
  'sha256:0a51ea5b4ae2dc5d81890e5173f54203d2a3ae0cfffe51b8fd2afd4391bfd967';

describe('parseImageReference', () => {
  it.each([
    ['vllm/vllm-openai:v0.10.1.1', /not pinned by digest/],
    ['nvcr.io/nvidia/tritonserver:25.01-py3', /not pinned by digest/],
    ['localhost:5000/vllm', /not pinned by digest/],
    ['vllm/vllm-openai@sha256:abc', /malformed digest/],
    [`VLLM/vllm-openai@${DIGEST}`, /invalid repository name/],
  ])('rejects %s', (reference, error) => {
    expect(() => parseImageReference(reference)).toThrow(error);
  });

  it.each([
    [
      `vllm/vllm-openai@${DIGEST}`,
      { repository: 'docker.io/vllm/vllm-openai', tag: undefined },
    ],
    [
      `vllm/vllm-openai:v0.27.1@${DIGEST}`,
      { repository: 'docker.io/vllm/vllm-openai', tag: 'v0.27.1' },
    ],
    [
      `ubuntu@${DIGEST}`,
      { repository: 'docker.io/library/ubuntu', tag: undefined },
    ],
    [
      `registry.local:5000/mirror/vllm:v1@${DIGEST}`,
      { repository: 'registry.local:5000/mirror/vllm', tag: 'v1' },
    ],
  ])('accepts %s', (reference, expected) => {
    expect(parseImageReference(reference)).toEqual({
      ...expected,
      digest: DIGEST,
    });
  });
});

describe('isPinnedImageReference', () => {
  it.each([
    [`vllm/vllm-openai@${DIGEST}`, true],
    [`vllm/vllm-openai:v0.10.1.1@${DIGEST}`, true],
    [`localhost:5000/vllm@${DIGEST}`, true],
    ['vllm/vllm-openai:v0.10.1.1', false],
    [`vllm/vllm-openai@${DIGEST.toUpperCase()}`, false],
    [`vllm/vllm-openai@${DIGEST.slice(0, -1)}`, false],
    [`vllm/vllm-openai@${DIGEST}0`, false],
    [`vllm/vllm-openai@${DIGEST} `, false],
    [`@${DIGEST}`, false],
  ])('%s: %s', (reference, pinned) => {
    expect(isPinnedImageReference(reference)).toBe(pinned);
  });
});

describe('image catalog', () => {
  it('only holds digest-pinned images and builds repository@sha256 references', () => {
    for (const image of IMAGE_CATALOG) {
      expect(isImageDigest(image.digest)).toBe(true);
      const reference = imageReference(image);
      expect(reference).toBe(`${image.repository}@${image.digest}`);
      expect(parseImageReference(reference).digest).toBe(image.digest);
    }
  });

  it('flags every digest it could not verify and says so in the notes', () => {
    for (const image of IMAGE_CATALOG) {
      const placeholder = isPlaceholderDigest(image.digest);
      expect(image.unverified).toBe(true);
      expect(image.digestStatus).toBe(
        placeholder ? 'unresolved-placeholder' : 'third-party-pin',
      );
      expect(image.notes).toMatch(
        placeholder ? /placeholder digest/ : /third-party pin .*UNVERIFIED/,
      );
    }
    expect(IMAGE_CATALOG.find(i => i.id === 'vllm-v0.27.1')!.digest).toBe(
      DIGEST,
    );
  });

  it('covers the four runtimes with their CUDA versions', () => {
    const runtimes = new Set(IMAGE_CATALOG.map(i => i.runtime));
    expect([...runtimes].sort()).toEqual(['tei', 'tgi', 'triton', 'vllm']);
    expect(IMAGE_CATALOG.find(i => i.id === 'triton-25.01-py3')).toMatchObject({
      cudaVersion: '12.8.0',
      minComputeCapability: '7.5',
    });
    expect(
      IMAGE_CATALOG.find(i => i.id === 'vllm-v0.10.1.1')!.cudaVersion,
    ).toBe('12.8.1');
    expect(new Set(IMAGE_CATALOG.map(i => i.id)).size).toBe(
      IMAGE_CATALOG.length,
    );
  });

  it('cannot express a tag-only image in the type system', () => {
    const tagOnly: Omit<ServingImage, 'digest'> & { digest: string } = {
      ...IMAGE_CATALOG[0],
      digest: 'v0.10.1',
    };
    // @ts-expect-error a digest must be sha256:…
    const image: ServingImage = tagOnly;
    // @ts-expect-error a tag is not a digest
    const digest: ImageDigest = 'latest';
    expect(() => imageReference(image)).toThrow(/malformed digest/);
    expect(digest).toBe('latest');
    expect(UNRESOLVED_DIGEST).toMatch(/^sha256:0{64}$/);
  });
});

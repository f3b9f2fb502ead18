/**
 * Serving runtimes the platform knows how to deploy.
 *
 * @public
 */
export type ServingRuntime = 'vllm' | 'triton' | 'tgi' | 'tei';

/**
 * A content digest. The template type makes a digest-less (tag-only) image unrepresentable in the catalog.
 *
 * @public
 */
export type ImageDigest = `sha256:${string}`;

/**
 * How far a catalog digest can be trusted.
 * `third-party-pin`: seen pinned in public repositories, label claimed by their authors (UNVERIFIED).
 * `unresolved-placeholder`: no authoritative digest was available; the all-zero digest never matches an image,
 * so a deployment fails loudly until the registry resolver replaces it.
 * `resolved`: read from the registry (set by the resolver, never embedded).
 *
 * @public
 */
export type DigestStatus =
  | 'third-party-pin'
  | 'unresolved-placeholder'
  | 'resolved';

/**
 * A serving image of the catalog, always pinned by digest.
 *
 * @public
 */
export interface ServingImage {
  /** Catalog id, e.g. `vllm-0.10.1.1`. */
  id: string;
  runtime: ServingRuntime;
  /** Runtime version. */
  version: string;
  /** Repository including registry host, e.g. `docker.io/vllm/vllm-openai`. */
  repository: string;
  /** Human-readable tag the digest was (or will be) resolved from; informational only. */
  tag: string;
  /** The digest the image is pulled by. */
  digest: ImageDigest;
  digestStatus: DigestStatus;
  /** CUDA toolkit version the image is built on (`major.minor[.patch]`). */
  cudaVersion: string;
  /** Lowest compute capability the image runs on. */
  minComputeCapability: string;
  /** When the build targets one architecture only (TEI per-architecture tags). */
  targetComputeCapability?: string;
  /** True when any of digest, CUDA version or compute-capability floor is not verified. */
  unverified: boolean;
  source: string;
  notes: string;
}

/**
 * Digest used where no authoritative digest exists yet; it matches no image.
 *
 * @public
 */
export const UNRESOLVED_DIGEST: ImageDigest = `sha256:${'0'.repeat(64)}`;

const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$/;

/**
 * True for a well-formed sha256 digest.
 *
 * @public
 */
export function isImageDigest(value: string): value is ImageDigest {
  return DIGEST_PATTERN.test(value);
}

/**
 * True for an image reference pinned by digest, `<repository>[:tag]@sha256:<64 hex>`. Only the pin is checked;
 * {@link parseImageReference} parses the whole reference and says what is wrong.
 *
 * @public
 */
export function isPinnedImageReference(reference: string): boolean {
  const at = reference.lastIndexOf('@');
  return at > 0 && isImageDigest(reference.slice(at + 1));
}

/**
 * True for the catalog's placeholder digest.
 *
 * @public
 */
export function isPlaceholderDigest(digest: string): boolean {
  return digest === UNRESOLVED_DIGEST;
}

/**
 * The only way to turn an image (catalog, pinned or resolved) into a pull reference: `repository@sha256:…`. A digest
 * that is not one throws, so a malformed pin can never reach a manifest.
 *
 * @public
 */
export function imageReference(image: {
  repository: string;
  digest: string;
}): string {
  if (!isImageDigest(image.digest)) {
    throw new Error(
      `Image ${image.repository} has a malformed digest '${image.digest}'`,
    );
  }
  return `${image.repository}@${image.digest}`;
}

/**
 * A parsed, digest-pinned image reference.
 *
 * @public
 */
export interface ParsedImageReference {
  /** Repository including the registry host (Docker Hub names are normalised to `docker.io/...`). */
  repository: string;
  /** Tag when the reference also carried one (`repo:tag@sha256:…`). */
  tag?: string;
  digest: ImageDigest;
}

/**
 * Parses an image reference and rejects anything not pinned by digest, with an error that says how to fix it.
 *
 * @public
 */
export function parseImageReference(reference: string): ParsedImageReference {
  const ref = reference.trim();
  const at = ref.indexOf('@');
  if (at < 0) {
    throw new Error(
      `Image '${ref}' is not pinned by digest. Tags are mutable and old CUDA tags get deleted: use <repository>@sha256:<64 hex digits>.`,
    );
  }
  const namePart = ref.slice(0, at);
  const digest = ref.slice(at + 1);
  if (!isImageDigest(digest)) {
    throw new Error(
      `Image '${ref}' has a malformed digest '${digest}' (expected sha256:<64 lowercase hex digits>)`,
    );
  }
  // A ':' after the last '/' is a tag; one before it belongs to a registry port.
  const lastSlash = namePart.lastIndexOf('/');
  const colon = namePart.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? namePart.slice(0, colon) : namePart;
  const tag = colon >= 0 ? namePart.slice(colon + 1) : undefined;
  if (!name || /\s/.test(name) || name !== name.toLowerCase()) {
    throw new Error(`Image '${ref}' has an invalid repository name '${name}'`);
  }
  return {
    repository: normaliseRepository(name),
    tag: tag || undefined,
    digest,
  };
}

function normaliseRepository(name: string): string {
  const first = name.split('/')[0];
  const hasRegistry =
    name.includes('/') &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return name;
  return name.includes('/') ? `docker.io/${name}` : `docker.io/library/${name}`;
}

import { createHash } from 'node:crypto';

/** Manifest media types a registry may answer with; the index/list is what we pin for multi-arch images. */
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Where to find an image and how to talk to its registry. */
export interface RegistryImage {
  /** Registry host, e.g. `docker.io`, `nvcr.io`, `localhost:5000`. */
  registry: string;
  /** Repository path inside the registry, e.g. `vllm/vllm-openai`. */
  repository: string;
  tag: string;
}

/** Options of {@link resolveDigest}. */
export interface ResolveDigestOptions {
  /** Plain HTTP (a local registry or mirror). */
  insecure?: boolean;
  /** Credentials for the token endpoint (anonymous when absent). */
  username?: string;
  password?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Docker Hub's API host differs from its image host. */
function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

function parseChallenge(header: string): Record<string, string> | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const part of match[1].matchAll(/(\w+)="([^"]*)"/g))
    params[part[1]] = part[2];
  return params.realm ? params : undefined;
}

/**
 * Resolves a tag to the digest the registry serves for it, with the OCI distribution API: `HEAD` the manifest, take
 * `Docker-Content-Digest` (or hash the manifest bytes when a registry leaves it out), following a bearer-token
 * challenge (anonymous or with credentials) when the registry answers 401.
 */
export async function resolveDigest(
  image: RegistryImage,
  options: ResolveDigestOptions = {},
): Promise<{ digest: string; mediaType?: string }> {
  const fetchFn = options.fetch ?? fetch;
  const base = `${options.insecure ? 'http' : 'https'}://${apiHost(
    image.registry,
  )}`;
  const url = `${base}/v2/${image.repository}/manifests/${encodeURIComponent(
    image.tag,
  )}`;
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);

  const request = (method: 'HEAD' | 'GET', token?: string) =>
    fetchFn(url, {
      method,
      headers: {
        Accept: ACCEPT,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      signal: signal(),
    });

  let token: string | undefined;
  let response = await request('HEAD');
  if (response.status === 401) {
    const challenge = parseChallenge(
      response.headers.get('www-authenticate') ?? '',
    );
    if (!challenge) {
      throw new Error(
        `${
          image.registry
        } asks for authentication this client does not speak (${
          response.headers.get('www-authenticate') ?? 'no challenge'
        })`,
      );
    }
    const tokenUrl = new URL(challenge.realm);
    if (challenge.service)
      tokenUrl.searchParams.set('service', challenge.service);
    tokenUrl.searchParams.set(
      'scope',
      challenge.scope ?? `repository:${image.repository}:pull`,
    );
    const basic =
      options.username !== undefined
        ? {
            Authorization: `Basic ${Buffer.from(
              `${options.username}:${options.password ?? ''}`,
            ).toString('base64')}`,
          }
        : undefined;
    const tokenResponse = await fetchFn(tokenUrl, {
      headers: basic,
      signal: signal(),
    });
    if (!tokenResponse.ok) {
      throw new Error(
        `${image.registry} token endpoint answered ${tokenResponse.status}`,
      );
    }
    const body = (await tokenResponse.json()) as {
      token?: string;
      access_token?: string;
    };
    token = body.token ?? body.access_token;
    if (!token)
      throw new Error(`${image.registry} token endpoint returned no token`);
    response = await request('HEAD', token);
  }
  if (response.status === 404) {
    throw new Error(
      `${image.registry}/${image.repository}:${image.tag} does not exist in the registry`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `${image.registry} answered ${response.status} for ${image.repository}:${image.tag}`,
    );
  }

  const mediaType = response.headers.get('content-type') ?? undefined;
  let digest = response.headers.get('docker-content-digest') ?? undefined;
  if (!digest) {
    // the header is optional in the OCI spec: the digest is the sha256 of the manifest bytes
    const full = await request('GET', token);
    const bytes = Buffer.from(await full.arrayBuffer());
    digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }
  if (!DIGEST.test(digest))
    throw new Error(`${image.registry} returned a malformed digest ${digest}`);
  return { digest, mediaType };
}

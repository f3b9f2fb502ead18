import { isImageDigest } from '@inference-platform/plugin-inference-common';
import { createHash } from 'node:crypto';

/** Manifest media types a registry may answer with; the index/list is what we pin for multi-arch images. */
const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

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
  /** Plain HTTP (a local registry or mirror); only then may its token realm be plain HTTP too. */
  insecure?: boolean;
  /** Credentials for the token endpoint (anonymous when absent); sent only to a token host this registry may use. */
  username?: string;
  password?: string;
  /**
   * Hosts (`host[:port]`) besides the registry's own that may issue its tokens, as the platform lists them, e.g.
   * `auth.docker.io`. A challenge naming any other host is refused.
   */
  tokenHosts?: string[];
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Docker Hub's API host differs from its image host. */
function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Token hosts that come with a registry: Docker Hub issues its tokens from auth.docker.io. */
const BUILT_IN_TOKEN_HOSTS: Record<string, string[]> = {
  'docker.io': ['auth.docker.io'],
};

/** Token responses are a few kilobytes; anything much bigger is not one. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
/** The distribution spec lets registries refuse manifests over 4 MiB. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** RFC 6750 b64token: what may follow `Bearer ` in a header. */
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function parseChallenge(header: string): Record<string, string> | undefined {
  const match = /^Bearer\s+(.*)$/i.exec(header.trim());
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const part of match[1].matchAll(/(\w+)="([^"]*)"/g))
    params[part[1]] = part[2];
  return params.realm ? params : undefined;
}

/** `host[:port]` as URLs write it (lower case, default port dropped). */
function normalHost(host: string, protocol: string): string | undefined {
  try {
    return new URL(`${protocol}//${host}`).host;
  } catch {
    return undefined;
  }
}

/**
 * The token endpoint a challenge names, if this registry may send us there: https (plain http only for an insecure
 * registry), on the registry's own host or one listed for it. Throws naming the registry and the refused host only.
 */
function tokenEndpoint(
  realm: string,
  registry: string,
  options: ResolveDigestOptions,
): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new Error(
      `${registry} names a token realm that is not a URL, so no token is asked for`,
    );
  }
  const schemes = options.insecure ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    throw new Error(
      `${registry} names a token realm with scheme ${
        url.protocol
      }, not ${schemes.join(' or ')}, so no token is asked for`,
    );
  }
  const allowed = [
    apiHost(registry),
    ...(BUILT_IN_TOKEN_HOSTS[registry] ?? []),
    ...(options.tokenHosts ?? []),
  ].map(h => normalHost(h, url.protocol));
  if (!allowed.includes(url.host)) {
    throw new Error(
      `${registry} names a token realm on ${url.host}, not on the registry's host, so no token is asked for (list it under inference.images.registries[].tokenHosts if ${url.host} issues this registry's tokens)`,
    );
  }
  if (url.username || url.password) {
    throw new Error(
      `${registry} names a token realm with credentials in it, so no token is asked for`,
    );
  }
  return url;
}

/** Reads at most `limit` bytes of a body, failing (without its content) beyond. */
async function readBounded(
  response: Response,
  limit: number,
  what: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limit) {
        await response.body.cancel().catch(() => undefined);
        throw new Error(`${what} answered with more than ${limit} bytes`);
      }
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}

/** The token of a token endpoint's answer; every failure names the host and what was wrong, never the body. */
async function readToken(response: Response, host: string): Promise<string> {
  const what = `${host} token endpoint`;
  const bytes = await readBounded(response, MAX_TOKEN_RESPONSE_BYTES, what);
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${what} answered ${response.status} but is not JSON`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new Error(
      `${what} answered ${response.status} but is not a JSON object`,
    );
  }
  const { token, access_token: accessToken } = body as Record<string, unknown>;
  const value = [token, accessToken].find(
    t => typeof t === 'string' && t !== '',
  ) as string | undefined;
  if (value === undefined) {
    throw new Error(
      `${what} answered ${response.status} but returned no token`,
    );
  }
  if (!BEARER_TOKEN.test(value)) {
    throw new Error(
      `${what} answered ${response.status} but returned a malformed token`,
    );
  }
  return value;
}

const isRedirect = (status: number) => status >= 300 && status < 400;

/**
 * Resolves a tag to the digest the registry serves for it, with the OCI distribution API: `HEAD` the manifest, take
 * `Docker-Content-Digest` (or hash the manifest bytes when a registry leaves it out), following a bearer-token
 * challenge (anonymous or with credentials) when the registry answers 401.
 *
 * What a registry says is not trusted: a token realm is followed only over https (http for an insecure registry) to
 * the registry's own host or a token host listed for it, credentials go nowhere else, no redirect is followed, and
 * errors name status codes and hosts, never what a server sent.
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
  const reference = `${image.repository}:${image.tag}`;
  const signal = () => AbortSignal.timeout(options.timeoutMs ?? 10_000);

  const request = async (method: 'HEAD' | 'GET', token?: string) => {
    const response = await fetchFn(url, {
      method,
      headers: {
        Accept: ACCEPT,
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      redirect: 'manual',
      signal: signal(),
    });
    if (isRedirect(response.status)) {
      throw new Error(
        `${image.registry} answered ${response.status} for ${reference} (redirects are not followed)`,
      );
    }
    return response;
  };

  let token: string | undefined;
  let response = await request('HEAD');
  if (response.status === 401) {
    const challenge = parseChallenge(
      response.headers.get('www-authenticate') ?? '',
    );
    if (!challenge) {
      throw new Error(
        `${image.registry} answered 401 without a bearer challenge this client speaks`,
      );
    }
    const tokenUrl = tokenEndpoint(challenge.realm, image.registry, options);
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
      redirect: 'manual',
      signal: signal(),
    });
    if (isRedirect(tokenResponse.status)) {
      throw new Error(
        `${tokenUrl.host} token endpoint answered ${tokenResponse.status} (redirects are not followed)`,
      );
    }
    if (!tokenResponse.ok) {
      throw new Error(
        `${tokenUrl.host} token endpoint answered ${tokenResponse.status}`,
      );
    }
    token = await readToken(tokenResponse, tokenUrl.host);
    response = await request('HEAD', token);
  }
  if (response.status === 404) {
    throw new Error(
      `${image.registry}/${reference} does not exist in the registry`,
    );
  }
  if (!response.ok) {
    throw new Error(
      `${image.registry} answered ${response.status} for ${reference}`,
    );
  }

  const mediaType = response.headers.get('content-type') ?? undefined;
  let digest = response.headers.get('docker-content-digest') ?? undefined;
  if (!digest) {
    // the header is optional in the OCI spec: the digest is the sha256 of the manifest bytes
    const full = await request('GET', token);
    if (!full.ok) {
      throw new Error(
        `${image.registry} answered ${full.status} for ${reference}`,
      );
    }
    const bytes = await readBounded(
      full,
      MAX_MANIFEST_BYTES,
      `${image.registry} manifest of ${reference}`,
    );
    digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }
  if (!isImageDigest(digest)) {
    throw new Error(
      `${image.registry} returned a malformed digest for ${reference}`,
    );
  }
  return { digest, mediaType };
}

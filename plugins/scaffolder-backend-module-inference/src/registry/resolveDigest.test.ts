import {
  FAKE_REGISTRY_DIGEST,
  RecordingServer,
  startFakeRegistry,
  startRecordingServer,
} from '../__testUtils__/tokenRegistry';
import { resolveDigest } from './resolveDigest';

/*
 * A registry names the URL of its token service in its 401 challenge; a hostile one names whatever it likes. These
 * run against small Node servers on loopback addresses only: one stands in for a cloud metadata endpoint, another
 * (on 127.0.0.2 or another port) for a host that is not the registry's.
 */

const IMAGE = { repository: 'team/model', tag: 'v1' };
const METADATA_BODY =
  'ami-id\niam/security-credentials/node-role\nSECRET-ACCESS-KEY=wJalrXUtnFEMI';

const servers: RecordingServer[] = [];
async function started<T extends RecordingServer>(server: Promise<T>) {
  const s = await server;
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map(s => s.stop()));
});

/** A stand-in for the instance metadata service (169.254.169.254), on loopback. */
const metadataEndpoint = () =>
  started(
    startRecordingServer(() => ({
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      body: METADATA_BODY,
    })),
  );

/** A token service on another host as far as URLs go: another port, or the same machine under 127.0.0.2. */
const foreignTokenService = (address = '127.0.0.2') =>
  started(
    startRecordingServer(
      () => ({
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: 'good-token' }),
      }),
      address,
    ),
  );

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    e => e,
  );
  // errors of node's fetch come from another realm than jest's Error
  expect(Object.prototype.toString.call(error)).toBe('[object Error]');
  return error as Error;
}

describe('resolveDigest', () => {
  it("follows a challenge to the registry's own token endpoint", async () => {
    const registry = await started(startFakeRegistry());
    await expect(
      resolveDigest({ registry: registry.host, ...IMAGE }, { insecure: true }),
    ).resolves.toMatchObject({ digest: FAKE_REGISTRY_DIGEST });
    expect(registry.requests.map(r => r.url)).toContain(
      '/token?service=fake-registry&scope=repository%3Ateam%2Fmodel%3Apull',
    );
  });

  it('never follows a token realm to a metadata endpoint, nor echoes what it serves', async () => {
    const metadata = await metadataEndpoint();
    const registry = await started(
      startFakeRegistry({
        realm: () => `${metadata.url}/latest/meta-data/`,
      }),
    );
    const error = await failure(
      resolveDigest({ registry: registry.host, ...IMAGE }, { insecure: true }),
    );
    expect(metadata.connections).toBe(0);
    expect(error.message).not.toMatch(/ami-id|SECRET|security-credentials/);
    expect(error.message).toContain(
      `token realm on ${metadata.host}, not on the registry's host`,
    );
  });

  it.each([
    ['another port of the same address', '127.0.0.1', 'foreign'],
    ['another loopback address', '127.0.0.2', 'foreign'],
    ['the registry port under another name', '127.0.0.2', 'localhost'],
  ] as const)('refuses a token realm on %s', async (_name, address, where) => {
    const foreign = await foreignTokenService(address);
    const registry = await started(
      startFakeRegistry({
        realm: self =>
          where === 'foreign'
            ? `${foreign.url}/token`
            : `http://localhost:${self.host.split(':')[1]}/token`,
      }),
    );
    const error = await failure(
      resolveDigest(
        { registry: registry.host, ...IMAGE },
        { insecure: true, username: 'robot', password: 'registry-secret' },
      ),
    );
    expect(error.message).toMatch(
      /token realm on .*, not on the registry's host/,
    );
    expect(foreign.connections).toBe(0);
    expect(registry.requests.filter(r => r.url.startsWith('/token'))).toEqual(
      [],
    );
  });

  it('sends credentials to a token host the platform lists for the registry, and to no other', async () => {
    const foreign = await foreignTokenService();
    const registry = await started(
      startFakeRegistry({ realm: () => `${foreign.url}/token` }),
    );
    const credentials = {
      insecure: true,
      username: 'robot',
      password: 'registry-secret',
    };
    await failure(
      resolveDigest({ registry: registry.host, ...IMAGE }, credentials),
    );
    expect(foreign.requests).toEqual([]);

    // listed explicitly (as inference.images.registries[].tokenHosts does for auth.docker.io)
    await resolveDigest(
      { registry: registry.host, ...IMAGE },
      { ...credentials, tokenHosts: [foreign.host] },
    );
    expect(foreign.requests).toEqual([
      expect.objectContaining({
        authorization: `Basic ${Buffer.from('robot:registry-secret').toString(
          'base64',
        )}`,
      }),
    ]);
  });

  it.each([
    'file:///etc/passwd',
    'ftp://127.0.0.1/token',
    'gopher://127.0.0.1:70/token',
    'not a url',
  ])('refuses the token realm %s', async realm => {
    const registry = await started(startFakeRegistry({ realm: () => realm }));
    const error = await failure(
      resolveDigest({ registry: registry.host, ...IMAGE }, { insecure: true }),
    );
    expect(error.message).toMatch(
      new RegExp(
        `^${registry.host} names a token realm (that is not a URL|with scheme [a-z]+:), `,
      ),
    );
  });

  it('refuses a plain-HTTP token realm for a registry reached over HTTPS', async () => {
    const calls: string[] = [];
    const fetchFn = (async (url: string | URL) => {
      calls.push(String(url));
      return new Response(null, {
        status: 401,
        headers: {
          'www-authenticate':
            'Bearer realm="http://registry.example/token",service="r"',
        },
      });
    }) as typeof fetch;
    const error = await failure(
      resolveDigest(
        { registry: 'registry.example', ...IMAGE },
        { fetch: fetchFn, username: 'robot', password: 'registry-secret' },
      ),
    );
    expect(error.message).toMatch(/token realm with scheme http:/);
    expect(calls).toEqual([
      'https://registry.example/v2/team/model/manifests/v1',
    ]);
  });

  it('follows no redirect of the token endpoint to another host', async () => {
    const foreign = await foreignTokenService();
    const registry = await started(
      startFakeRegistry({
        token: { status: 302, headers: { Location: `${foreign.url}/steal` } },
      }),
    );
    const error = await failure(
      resolveDigest(
        { registry: registry.host, ...IMAGE },
        { insecure: true, username: 'robot', password: 'registry-secret' },
      ),
    );
    expect(error.message).toBe(
      `${registry.host} token endpoint answered 302 (redirects are not followed)`,
    );
    expect(foreign.connections).toBe(0);
  });

  it('follows no redirect of a manifest request to another host', async () => {
    const metadata = await metadataEndpoint();
    const registry = await started(
      startFakeRegistry({
        manifests: {
          status: 307,
          headers: { Location: `${metadata.url}/latest/meta-data/` },
        },
      }),
    );
    const error = await failure(
      resolveDigest({ registry: registry.host, ...IMAGE }, { insecure: true }),
    );
    expect(error.message).toBe(
      `${registry.host} answered 307 for team/model:v1 (redirects are not followed)`,
    );
    expect(metadata.connections).toBe(0);
  });

  it.each([
    ['null', 'is not a JSON object'],
    ['42', 'is not a JSON object'],
    ['"token"', 'is not a JSON object'],
    ['[]', 'is not a JSON object'],
    ['{}', 'returned no token'],
    ['{"token":null}', 'returned no token'],
    ['{"token":{"a":1}}', 'returned no token'],
    ['{"token":"two\\nlines"}', 'returned a malformed token'],
    [METADATA_BODY, 'is not JSON'],
  ])(
    'fails with a clear error when the token endpoint answers 200 with %j',
    async (body, reason) => {
      const registry = await started(
        startFakeRegistry({
          token: {
            status: 200,
            headers: { 'Content-Type': 'application/json' },
            body,
          },
        }),
      );
      const error = await failure(
        resolveDigest(
          { registry: registry.host, ...IMAGE },
          { insecure: true },
        ),
      );
      expect(error.name).toBe('Error');
      expect(error.message).toBe(
        `${registry.host} token endpoint answered 200 but ${reason}`,
      );
    },
  );

  it('echoes neither the challenge nor the digest a registry sends', async () => {
    const registry = await started(
      startFakeRegistry({
        manifests: {
          status: 401,
          headers: { 'WWW-Authenticate': 'Basic realm="SECRET-ACCESS-KEY"' },
        },
      }),
    );
    const error = await failure(
      resolveDigest({ registry: registry.host, ...IMAGE }, { insecure: true }),
    );
    expect(error.message).toBe(
      `${registry.host} answered 401 without a bearer challenge this client speaks`,
    );

    const lying = await started(
      startFakeRegistry({
        manifests: {
          status: 200,
          headers: { 'Docker-Content-Digest': 'SECRET-ACCESS-KEY' },
        },
      }),
    );
    const malformed = await failure(
      resolveDigest({ registry: lying.host, ...IMAGE }, { insecure: true }),
    );
    expect(malformed.message).toBe(
      `${lying.host} returned a malformed digest for team/model:v1`,
    );
  });
});

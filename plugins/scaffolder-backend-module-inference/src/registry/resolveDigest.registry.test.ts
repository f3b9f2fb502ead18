import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  REGISTRY_BINARY,
  startTokenRegistry,
  TokenRegistry,
} from '../__testUtils__/tokenRegistry';
import { resolveDigest } from './resolveDigest';

jest.setTimeout(60_000);

// Outside CI a missing docker-registry skips the suite; under CI=true it fails.
const available = fs.existsSync(REGISTRY_BINARY);
if (!available && process.env.CI === 'true') {
  throw new Error(
    `${REGISTRY_BINARY} not found: CI must install Debian's docker-registry package`,
  );
}
// a skipped suite says why in its title, which npm test's summary (scripts/test.mjs) reports
const describeIfRegistry = available
  ? describe
  : (title: string, suite: () => void) =>
      describe.skip(
        // eslint-disable-next-line jest/valid-describe-callback -- a wrapper: each suite passes its own
        `${title} [skipped: docker-registry: ${REGISTRY_BINARY} not found, apt-get install docker-registry or set DOCKER_REGISTRY_PATH]`,
        suite,
      );

describeIfRegistry(
  "resolveDigest against Debian's docker-registry with bearer-token auth",
  () => {
    let registry: TokenRegistry;
    beforeAll(async () => {
      registry = await startTokenRegistry();
    });
    afterAll(() => registry?.stop());

    it('follows the 401 challenge to an anonymous pull token and returns the digest the registry assigned', async () => {
      const pushed = await registry.push('acme/vllm-openai', 'v0.10.1.1');
      const { digest } = await resolveDigest(
        {
          registry: registry.host,
          repository: 'acme/vllm-openai',
          tag: 'v0.10.1.1',
        },
        { insecure: true, tokenHosts: [registry.tokenHost] },
      );
      expect(digest).toBe(pushed);
      expect(registry.tokenRequests.at(-1)).toEqual({
        scope: 'repository:acme/vllm-openai:pull',
        user: undefined,
      });
    });

    it('hashes the manifest bytes itself when the registry omits Docker-Content-Digest', async () => {
      await registry.push('acme/tei', '89-1.9');
      const stripped: typeof fetch = async (url, init) => {
        const res = await fetch(url, init);
        const headers = new Headers(res.headers);
        headers.delete('docker-content-digest');
        return new Response(
          init?.method === 'HEAD' ? null : await res.arrayBuffer(),
          { status: res.status, headers },
        );
      };
      const withHeader = await resolveDigest(
        { registry: registry.host, repository: 'acme/tei', tag: '89-1.9' },
        { insecure: true, tokenHosts: [registry.tokenHost] },
      );
      const hashed = await resolveDigest(
        { registry: registry.host, repository: 'acme/tei', tag: '89-1.9' },
        { insecure: true, tokenHosts: [registry.tokenHost], fetch: stripped },
      );
      expect(hashed.digest).toBe(withHeader.digest);
      const bytes = await (
        await fetch(
          `http://${registry.host}/v2/acme/tei/manifests/${withHeader.digest}`,
          {
            headers: {
              Authorization: `Bearer ${await anonymousToken(
                registry.host,
                'acme/tei',
              )}`,
              Accept: 'application/vnd.docker.distribution.manifest.v2+json',
            },
          },
        )
      ).arrayBuffer();
      expect(
        `sha256:${createHash('sha256')
          .update(Buffer.from(bytes))
          .digest('hex')}`,
      ).toBe(withHeader.digest);
    });

    it('uses credentials at the token endpoint when given, and says when a tag does not exist', async () => {
      await registry.push('acme/private', 'v1');
      await resolveDigest(
        { registry: registry.host, repository: 'acme/private', tag: 'v1' },
        {
          insecure: true,
          tokenHosts: [registry.tokenHost],
          username: 'pusher',
          password: 'secret',
        },
      );
      expect(registry.tokenRequests.at(-1)?.user).toBe('pusher');
      await expect(
        resolveDigest(
          { registry: registry.host, repository: 'acme/private', tag: 'v9' },
          { insecure: true, tokenHosts: [registry.tokenHost] },
        ),
      ).rejects.toThrow(
        `${registry.host}/acme/private:v9 does not exist in the registry`,
      );
      await expect(
        resolveDigest(
          { registry: registry.host, repository: 'acme/private', tag: 'v1' },
          {
            insecure: true,
            tokenHosts: [registry.tokenHost],
            username: 'pusher',
            password: 'wrong',
          },
        ),
      ).rejects.toThrow(/token endpoint answered 401/);
    });

    it('asks a token service on another host only when the platform lists it, and sends it no credentials otherwise', async () => {
      await registry.push('acme/listed', 'v1');
      const before = registry.tokenRequests.length;
      await expect(
        resolveDigest(
          { registry: registry.host, repository: 'acme/listed', tag: 'v1' },
          { insecure: true, username: 'pusher', password: 'secret' },
        ),
      ).rejects.toThrow(
        `${registry.host} names a token realm on ${registry.tokenHost}, not on the registry's host`,
      );
      expect(registry.tokenRequests.length).toBe(before);
    });
  },
);

async function anonymousToken(
  host: string,
  repository: string,
): Promise<string> {
  const challenge = (await fetch(`http://${host}/v2/`)).headers.get(
    'www-authenticate',
  )!;
  const realm = /realm="([^"]+)"/.exec(challenge)![1];
  const res = await fetch(
    `${realm}?service=test-registry&scope=repository:${repository}:pull`,
  );
  return ((await res.json()) as { token: string }).token;
}

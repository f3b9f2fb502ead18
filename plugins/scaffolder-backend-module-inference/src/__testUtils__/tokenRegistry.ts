import { ChildProcess, spawn } from 'node:child_process';
import { createHash, createSign } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';

/** Debian's docker-registry (apt-get install docker-registry). */
export const REGISTRY_BINARY =
  process.env.DOCKER_REGISTRY_PATH ?? '/usr/bin/docker-registry';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const b64url = (data: Buffer | string) =>
  Buffer.from(data).toString('base64url');

/** A running docker-registry behind a bearer-token service, as registries on the internet answer. */
export interface TokenRegistry {
  host: string;
  /** Host (and port) of its token service, which runs beside the registry on another port. */
  tokenHost: string;
  /** Pushes a small image and returns the digest the registry assigned to its manifest. */
  push(repository: string, tag: string): Promise<string>;
  /** Token requests seen (anonymous or with basic credentials). */
  tokenRequests: Array<{ scope: string | null; user?: string }>;
  stop(): Promise<void>;
}

/**
 * Starts docker-registry with `auth: token`, and the token service it trusts: RS256 JWTs with an x5c chain, anonymous
 * pull, push for `pusher:secret`.
 */
export async function startTokenRegistry(): Promise<TokenRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: 'token-issuer' }],
    { keySize: 2048, days: 2 },
  );
  fs.writeFileSync(path.join(dir, 'root.pem'), pems.cert);
  const certDer = Buffer.from(
    pems.cert.replace(/-----[^-]+-----|\s/g, ''),
    'base64',
  );
  const tokenRequests: TokenRegistry['tokenRequests'] = [];

  const issue = (scope: string | null, user?: string) => {
    const now = Math.floor(Date.now() / 1000);
    const access = (scope ?? '')
      .split(' ')
      .filter(Boolean)
      .map(s => {
        const [type, name, actions] = s.split(':');
        const wanted = actions.split(',');
        return {
          type,
          name,
          actions: wanted.filter(a => a === 'pull' || user === 'pusher'),
        };
      });
    const header = b64url(
      JSON.stringify({
        alg: 'RS256',
        typ: 'JWT',
        x5c: [certDer.toString('base64')],
      }),
    );
    const claims = b64url(
      JSON.stringify({
        iss: 'test-issuer',
        sub: user ?? '',
        aud: 'test-registry',
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: createHash('sha256')
          .update(`${now}${Math.random()}`)
          .digest('hex'),
        access,
      }),
    );
    const signature = createSign('RSA-SHA256')
      .update(`${header}.${claims}`)
      .sign(pems.private);
    return `${header}.${claims}.${b64url(signature)}`;
  };

  const tokenServer = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token.local');
    const auth = req.headers.authorization;
    let user: string | undefined;
    if (auth?.startsWith('Basic ')) {
      const [name, password] = Buffer.from(auth.slice(6), 'base64')
        .toString()
        .split(':');
      if (name !== 'pusher' || password !== 'secret') {
        res.writeHead(401).end();
        return;
      }
      user = name;
    }
    tokenRequests.push({ scope: url.searchParams.get('scope'), user });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({ token: issue(url.searchParams.get('scope'), user) }),
    );
  });
  const tokenPort = await freePort();
  await new Promise<void>(resolve =>
    tokenServer.listen(tokenPort, '127.0.0.1', resolve),
  );

  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${path.join(dir, 'data')} } }`,
      `http: { addr: "127.0.0.1:${port}" }`,
      'auth:',
      '  token:',
      `    realm: http://127.0.0.1:${tokenPort}/token`,
      '    service: test-registry',
      '    issuer: test-issuer',
      `    rootcertbundle: ${path.join(dir, 'root.pem')}`,
    ].join('\n'),
  );
  let output = '';
  const registry: ChildProcess = spawn(
    REGISTRY_BINARY,
    ['serve', path.join(dir, 'config.yml')],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  registry.stdout?.on('data', d => (output += d));
  registry.stderr?.on('data', d => (output += d));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const up = await fetch(`http://${host}/v2/`).then(
      r => r.status === 401,
      () => false,
    );
    if (up) break;
    if (i > 100) throw new Error(`docker-registry did not start:\n${output}`);
    await new Promise(r => setTimeout(r, 100));
  }

  const pushToken = async (repository: string) => {
    const res = await fetch(
      `http://127.0.0.1:${tokenPort}/token?service=test-registry&scope=repository:${repository}:pull,push`,
      {
        headers: {
          Authorization: `Basic ${Buffer.from('pusher:secret').toString(
            'base64',
          )}`,
        },
      },
    );
    return ((await res.json()) as { token: string }).token;
  };

  async function uploadBlob(
    repository: string,
    token: string,
    content: Buffer,
  ): Promise<string> {
    const digest = `sha256:${createHash('sha256')
      .update(content)
      .digest('hex')}`;
    const start = await fetch(
      `http://${host}/v2/${repository}/blobs/uploads/`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    if (start.status !== 202)
      throw new Error(
        `upload start answered ${start.status}: ${await start.text()}`,
      );
    const location = new URL(start.headers.get('location')!, `http://${host}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
      },
      body: content,
    });
    if (put.status !== 201)
      throw new Error(
        `blob upload answered ${put.status}: ${await put.text()}`,
      );
    return digest;
  }

  return {
    host,
    tokenHost: `127.0.0.1:${tokenPort}`,
    tokenRequests,
    async push(repository, tag) {
      const token = await pushToken(repository);
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: { tag } },
        }),
      );
      const layer = Buffer.from(`layer of ${repository}:${tag}`);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: config.length,
          digest: await uploadBlob(repository, token, config),
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: layer.length,
            digest: await uploadBlob(repository, token, layer),
          },
        ],
      });
      const res = await fetch(
        `http://${host}/v2/${repository}/manifests/${tag}`,
        {
          method: 'PUT',
          headers: {
            Authorization: `Bearer ${token}`,
            'Content-Type':
              'application/vnd.docker.distribution.manifest.v2+json',
          },
          body: manifest,
        },
      );
      if (res.status !== 201)
        throw new Error(
          `manifest push answered ${res.status}: ${await res.text()}`,
        );
      return res.headers.get('docker-content-digest')!;
    },
    async stop() {
      registry.kill('SIGTERM');
      await new Promise<void>(resolve => tokenServer.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One request a {@link RecordingServer} received. */
export interface RecordedRequest {
  method: string;
  url: string;
  authorization?: string;
}

/** A plain HTTP server on a loopback address that records every connection and request. */
export interface RecordingServer {
  /** `<address>:<port>` */
  host: string;
  /** `http://<address>:<port>` */
  url: string;
  requests: RecordedRequest[];
  /** TCP connections, so a TLS handshake that never becomes an HTTP request still counts. */
  connections: number;
  stop(): Promise<void>;
}

type Answer = {
  status: number;
  headers?: Record<string, string>;
  body?: string;
};

/**
 * Starts an HTTP server on `address` (a loopback address: 127.0.0.1, 127.0.0.2, ...) answering each request with
 * `respond`, e.g. a stand-in for a cloud metadata endpoint that must never be reached.
 */
export async function startRecordingServer(
  respond: (req: http.IncomingMessage) => Answer,
  address = '127.0.0.1',
): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const answer = respond(req);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  const handle: RecordingServer = {
    host: '',
    url: '',
    requests,
    connections: 0,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    handle.connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  handle.host = `${address}:${port}`;
  handle.url = `http://${handle.host}`;
  return handle;
}

/** The digest every manifest of a {@link FakeRegistry} has. */
export const FAKE_REGISTRY_DIGEST = `sha256:${'cd'.repeat(32)}`;

/** Options of {@link startFakeRegistry}. */
export interface FakeRegistryOptions {
  /** Token realm the 401 challenge names; default: the registry's own `/token`. */
  realm?: (self: RecordingServer) => string;
  /** How its own `/token` answers; default 200 `{"token":"good-token"}`. */
  token?: Answer;
  /** How manifest requests answer instead of the 401 challenge (e.g. a redirect). */
  manifests?: Answer;
}

/**
 * A registry in plain Node, as a hostile or broken registry on the internet may answer: manifest requests without
 * `Bearer good-token` get a 401 challenge naming `realm`; its own `/token` answers as told. Records every request.
 */
export async function startFakeRegistry(
  options: FakeRegistryOptions = {},
): Promise<RecordingServer> {
  const self: RecordingServer = await startRecordingServer(req => {
    if (req.url?.startsWith('/token')) {
      return (
        options.token ?? {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ token: 'good-token' }),
        }
      );
    }
    if (options.manifests) return options.manifests;
    if (req.headers.authorization === 'Bearer good-token') {
      return {
        status: 200,
        headers: {
          'Docker-Content-Digest': FAKE_REGISTRY_DIGEST,
          'Content-Type':
            'application/vnd.docker.distribution.manifest.v2+json',
        },
      };
    }
    const realm = options.realm?.(self) ?? `${self.url}/token`;
    return {
      status: 401,
      headers: {
        'WWW-Authenticate': `Bearer realm="${realm}",service="fake-registry"`,
      },
    };
  });
  return self;
}

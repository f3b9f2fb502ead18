/*
 * Listening sockets. Each cluster gets its own port (the default: base URLs
 * are then plain `https://host:port`, like real clusters), or all clusters
 * share one port under `/clusters/<name>`. Sockets are tracked so that faults
 * (restart, black hole) and shutdown can cut them.
 */
import http from 'http';
import https from 'https';
import { generateKeyPairSync } from 'crypto';
import net, { AddressInfo, Socket } from 'net';
import { handleApiRequest } from './apiHandler';
import { sendError } from './httpUtil';
import { ServedCluster } from './servedCluster';
import { statusBody } from '../api/status';

/** TLS material for the API servers. @public */
export interface TlsMaterial {
  cert: string;
  key: string;
}

/** Generates a self-signed certificate valid for localhost and the given hosts. */
export function generateTls(hosts: string[]): TlsMaterial {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const selfsigned = require('selfsigned') as {
    generate(attrs: unknown, opts: unknown): { private: string; cert: string };
  };
  // node's native key generation is much faster than node-forge's
  const keyPair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const altNames: unknown[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
  ];
  for (const h of hosts) {
    if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) altNames.push({ type: 7, ip: h });
    else if (h !== 'localhost') altNames.push({ type: 2, value: h });
  }
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: 'cluster-simulator' }],
    {
      keyPair: { publicKey: keyPair.publicKey, privateKey: keyPair.privateKey },
      days: 365,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'keyUsage',
          digitalSignature: true,
          keyEncipherment: true,
          keyCertSign: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames },
      ],
    },
  );
  return { cert: pems.cert, key: pems.private };
}

/**
 * A listening server with socket tracking. With TLS material the port speaks
 * both HTTPS and plain HTTP (told apart by the first byte of a connection),
 * so kubectl can use https while in-process tests use http on the same port.
 */
export class TrackedServer {
  private readonly plain: http.Server;
  private readonly secure?: https.Server;
  private readonly listener: net.Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;

  constructor(
    handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
    tls?: TlsMaterial,
  ) {
    this.plain = http.createServer(handler);
    const servers: http.Server[] = [this.plain];
    if (tls) {
      this.secure = https.createServer(
        { cert: tls.cert, key: tls.key },
        handler,
      );
      servers.push(this.secure);
    }
    for (const s of servers) {
      s.keepAliveTimeout = 60_000;
      s.headersTimeout = 65_000;
      // watches are long-lived; Node's default 5 minute request timeout must not cut them
      (s as unknown as { requestTimeout: number }).requestTimeout = 0;
    }
    this.listener = net.createServer(socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      if (!this.secure) {
        this.plain.emit('connection', socket);
        return;
      }
      socket.once('readable', () => {
        const first = socket.read(1) as Buffer | null;
        if (first) socket.unshift(first);
        // 0x16 starts a TLS handshake record
        (first && first[0] === 0x16 ? this.secure! : this.plain).emit(
          'connection',
          socket,
        );
      });
    });
  }

  get port(): number {
    return this.boundPort;
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.listener.once('error', onError);
      this.listener.listen(port, host, () => {
        this.listener.off('error', onError);
        this.boundPort = (this.listener.address() as AddressInfo).port;
        resolve(this.boundPort);
      });
    });
  }

  /** Destroys every open connection (requests in flight, watches, idle keep-alives). */
  destroySockets(filter?: (s: Socket) => boolean): number {
    let n = 0;
    for (const s of Array.from(this.sockets)) {
      if (!filter || filter(s)) {
        s.destroy();
        n++;
      }
    }
    return n;
  }

  /** Stops listening and cuts every connection. */
  close(): Promise<void> {
    return new Promise(resolve => {
      this.listener.close(() => resolve());
      this.destroySockets();
    });
  }
}

/** Routes requests to clusters: by port (one cluster) or by `/clusters/<name>` prefix. */
export function createRequestHandler(
  lookup: (name: string | undefined) => ServedCluster | undefined,
  options: {
    prefixMode: boolean;
    serverAddress: () => string;
    isDown: (c: ServedCluster) => boolean;
  },
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator.local');
    let pathname = url.pathname;
    let cluster: ServedCluster | undefined;
    if (options.prefixMode) {
      const m = /^\/clusters\/([^/]+)(\/.*)?$/.exec(pathname);
      cluster = m ? lookup(decodeURIComponent(m[1])) : undefined;
      pathname = m?.[2] ?? '/';
    } else {
      cluster = lookup(undefined);
    }
    if (!cluster) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(
          statusBody(404, 'NotFound', 'no simulated cluster at this path', {}),
        ),
      );
      return;
    }
    if (options.isDown(cluster)) {
      // a restarting cluster refuses work the way a dead endpoint does
      req.socket.destroy();
      return;
    }
    handleApiRequest(
      cluster,
      req,
      res,
      pathname,
      url.searchParams,
      options.serverAddress(),
    ).catch(e => sendError(res, e));
  };
}

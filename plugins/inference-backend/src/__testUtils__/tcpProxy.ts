import net from 'node:net';

/**
 * A TCP proxy in front of a server (PostgreSQL, for the outage test), which a test can cut and restore. Cut, it
 * destroys every open connection and ends each new one as soon as it is accepted, counting the attempts, as a
 * database that went away mid-session and refuses sessions until it is back.
 */
export class TcpProxy {
  private readonly open = new Set<net.Socket>();
  private cutAt: number | undefined;
  /** Connections the client tried to open while the proxy was cut. */
  refusedAttempts = 0;

  static async start(target: {
    host: string;
    port: number;
  }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    await new Promise<void>(resolve =>
      proxy.server.listen(0, '127.0.0.1', resolve),
    );
    return proxy;
  }

  private readonly server: net.Server;

  private constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer(client => this.accept(client));
  }

  /** Where clients connect instead of the target. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Ends every connection through the proxy and every new one, until {@link restore}. */
  cut(): void {
    this.cutAt = Date.now();
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }

  /** Forwards new connections again; returns how long the proxy was cut, in ms. */
  restore(): number {
    const cutFor = Date.now() - (this.cutAt ?? Date.now());
    this.cutAt = undefined;
    return cutFor;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise(resolve => this.server.close(resolve));
  }

  private accept(client: net.Socket): void {
    if (this.cutAt !== undefined) {
      this.refusedAttempts += 1;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.open.delete(client);
      this.open.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      this.open.add(socket);
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}

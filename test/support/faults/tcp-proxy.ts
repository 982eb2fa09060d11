import { once } from 'node:events';
import { connect, createServer, Server, Socket } from 'node:net';

export interface TcpTarget {
  host: string;
  port: number;
}

/** One accepted connection and its leg to the target. */
interface Link {
  client: Socket;
  upstream: Socket;
}

type Mode = 'forward' | 'cut' | 'stall';

/**
 * A TCP proxy a test puts between a client and a server (the app and Postgres) to break the network on purpose:
 * `cut()` drops every connection and refuses new ones, `stall()` holds connections but moves no bytes, `reset()`
 * aborts every connection with a RST, `heal()` forwards again. It listens on 127.0.0.1, on a port the kernel picks.
 * Toxiproxy does this as a Go server (on npm only through Testcontainers, which needs Docker); node:net does it in
 * a page.
 */
export class TcpFaultProxy {
  private mode: Mode = 'forward';
  private readonly links = new Set<Link>();

  private constructor(
    private readonly server: Server,
    private readonly target: TcpTarget,
  ) {
    server.on('connection', (client) => this.accept(client));
  }

  static async start(target: TcpTarget): Promise<TcpFaultProxy> {
    const server = createServer();
    const proxy = new TcpFaultProxy(server, target);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  /** A proxy in front of the server a URL names (e.g. a database URL). */
  static async inFrontOf(url: string): Promise<TcpFaultProxy> {
    const { hostname, port } = new URL(url);
    return TcpFaultProxy.start({ host: hostname, port: Number(port) });
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** `url` with its host and port replaced by the proxy's, so a client given it connects through the proxy. */
  urlThrough(url: string): string {
    const through = new URL(url);
    through.hostname = '127.0.0.1';
    through.port = String(this.port);
    return through.toString();
  }

  /** Open connections (held ones included). */
  get connections(): number {
    return this.links.size;
  }

  /** Bytes a stall holds back (read from one side, not yet passed to the other). */
  get heldBytes(): number {
    let held = 0;
    for (const { client, upstream } of this.links) held += client.readableLength + upstream.readableLength;
    return held;
  }

  /** Closes every connection and accepts new ones only to close them, until `heal()`. */
  cut(): void {
    this.mode = 'cut';
    for (const link of this.links) this.drop(link);
  }

  /** Stops moving bytes in both directions; connections stay open (new ones too) until `heal()`. */
  stall(): void {
    this.mode = 'stall';
    for (const link of this.links) this.hold(link);
  }

  /** Aborts every open connection with a TCP RST; new connections are forwarded as before. */
  reset(): void {
    for (const { client, upstream } of this.links) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
  }

  /** Forwards again: held connections resume where they stopped. */
  heal(): void {
    this.mode = 'forward';
    for (const link of this.links) this.pipe(link);
  }

  /** Drops every connection and stops listening. */
  async close(): Promise<void> {
    for (const link of this.links) this.drop(link);
    const closed = once(this.server, 'close');
    this.server.close();
    await closed;
  }

  private accept(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy();
      return;
    }
    const link = { client, upstream: connect(this.target.port, this.target.host) };
    this.links.add(link);
    // Either side failing or closing ends the pair, as a broken network path would.
    for (const socket of [link.client, link.upstream]) {
      socket.on('error', () => this.drop(link));
      socket.on('close', () => this.drop(link));
    }
    if (this.mode === 'stall') this.hold(link);
    else this.pipe(link);
  }

  private pipe({ client, upstream }: Link): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Unpiped and paused, a socket keeps what it read in its buffer and lets TCP back-pressure the sender. */
  private hold({ client, upstream }: Link): void {
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.upstream.destroy();
  }
}

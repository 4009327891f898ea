import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the proxy treats traffic: pass it, delay every chunk, or hold it all (a partition). */
export type LinkState = { readonly kind: 'healthy' } | { readonly kind: 'delayed'; readonly ms: number } | { readonly kind: 'partitioned' };

/**
 * A TCP proxy between the apps and one service, to delay or partition that link alone. A partition
 * holds the bytes in both directions instead of dropping them, as TCP does while packets are lost:
 * the peers see silence, and once healed the connection carries on (unless a peer timed out first,
 * which is the behaviour under test). Chosen over network namespaces: it needs no privileges or
 * `ip`/`tc` tooling, works for one service without touching the others, and is deterministic.
 */
export class TcpProxy {
  private state: LinkState = { kind: 'healthy' };
  private healed: Promise<void> = Promise.resolve();
  private heal: () => void = () => {};
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on a free loopback port and forwards every connection to `target`. */
  static async start(target: { readonly host: string; readonly port: number }): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy?.accept(client, target));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    proxy = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy;
  }

  get link(): LinkState {
    return this.state;
  }

  set(state: LinkState): void {
    const wasPartitioned = this.state.kind === 'partitioned';
    this.state = state;
    if (state.kind === 'partitioned' && !wasPartitioned) this.healed = new Promise((resolve) => (this.heal = resolve));
    if (state.kind !== 'partitioned' && wasPartitioned) this.heal();
  }

  async close(): Promise<void> {
    this.set({ kind: 'healthy' });
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket, target: { readonly host: string; readonly port: number }): void {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    this.relay(client, upstream);
    this.relay(upstream, client);
  }

  /** Forwards `from` → `to` in order, each chunk held while partitioned and sent no earlier than its arrival + delay. */
  private relay(from: Socket, to: Socket): void {
    const queue: { chunk: Buffer; arrived: number }[] = [];
    let pumping = false;
    const pump = async () => {
      pumping = true;
      while (queue.length > 0 && !to.destroyed) {
        if (this.state.kind === 'partitioned') await this.healed;
        const next = queue[0];
        if (!next) break;
        if (this.state.kind === 'delayed') {
          const wait = next.arrived + this.state.ms - Date.now();
          if (wait > 0) await sleep(wait);
        }
        if (this.state.kind === 'partitioned') continue;
        queue.shift();
        if (!to.write(next.chunk)) await once(to, 'drain').catch(() => {});
      }
      pumping = false;
      if (from.isPaused()) from.resume();
    };
    from.on('data', (chunk: Buffer) => {
      queue.push({ chunk, arrived: Date.now() });
      // Backpressure: a held link must not buffer without bound.
      if (queue.length > 1_000) from.pause();
      if (!pumping) void pump();
    });
    from.on('end', () => to.end());
  }
}

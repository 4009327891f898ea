import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How a link treats traffic. A partition holds the bytes both ways instead of dropping them, as TCP
 * does while packets are lost: the peers see silence and, once healed, the connection carries on
 * (unless a peer timed out first, which is the behaviour under test). `replies-lost` lets requests
 * through and discards every answer: the request arrives, its reply never does. `refusing` resets
 * every connection, open or new, as a crashed peer's host would.
 */
export type LinkState =
  | { readonly kind: 'healthy' }
  | { readonly kind: 'delayed'; readonly ms: number }
  | { readonly kind: 'partitioned' }
  | { readonly kind: 'replies-lost' }
  | { readonly kind: 'refusing' };

/** `request`: client → server; `reply`: server → client. */
export type Direction = 'request' | 'reply';

/** What becomes of one unit of traffic (a chunk, or a whole protocol frame). */
export type Verdict =
  | { readonly kind: 'forward' }
  | { readonly kind: 'drop' }
  /** Dropped, then the connection is reset: a reply lost with its connection, as when a broker dies. */
  | { readonly kind: 'drop-and-reset' }
  /** Held (with everything behind it on that connection) until `until` settles, then forwarded. */
  | { readonly kind: 'hold'; readonly until: Promise<unknown> };

const forward: Verdict = { kind: 'forward' };

/**
 * Sees one connection's traffic as units. The default passes raw chunks; a protocol-aware one
 * (Kafka's) cuts frames and decides per frame.
 */
export interface Inspector {
  /** The complete units in `chunk` (plus what was buffered before); keeps an incomplete tail. */
  units(direction: Direction, chunk: Buffer): Buffer[];
  decide(direction: Direction, unit: Buffer): Verdict;
}

const rawInspector = (): Inspector => ({ units: (_direction, chunk) => [chunk], decide: () => forward });

export interface Target {
  readonly host: string;
  readonly port: number;
}

interface Connection {
  readonly client: Socket;
  readonly upstream: Socket;
}

/**
 * A TCP proxy in front of one service, so one link can be delayed, partitioned, made to lose
 * replies or reset without touching the others. Chosen over network namespaces and `tc`: it needs
 * no privileges, hits one link only, and is deterministic, down to a single request when an
 * inspector understands the protocol.
 */
export class Link {
  private current: LinkState = { kind: 'healthy' };
  private healed: Promise<void> = Promise.resolve();
  private heal: () => void = () => {};
  private readonly connections = new Set<Connection>();
  /** Bytes forwarded per direction, for tests and progress lines. */
  readonly forwarded = { request: 0, reply: 0 };

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly target: Target,
    private readonly inspect: () => Inspector,
  ) {}

  /**
   * Listens on `port` (0: any free loopback port) and forwards every connection to `target`.
   * Rejects with EADDRINUSE when the port is taken.
   */
  static async open(target: Target, options: { port?: number; inspector?: () => Inspector } = {}): Promise<Link> {
    let link: Link | undefined;
    const server = createServer((client) => link?.accept(client));
    server.listen(options.port ?? 0, '127.0.0.1');
    await Promise.race([
      once(server, 'listening'),
      once(server, 'error').then(([error]) => {
        throw error;
      }),
    ]);
    link = new Link(server, (server.address() as AddressInfo).port, target, options.inspector ?? rawInspector);
    return link;
  }

  get state(): LinkState {
    return this.current;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  set(state: LinkState): void {
    const wasPartitioned = this.current.kind === 'partitioned';
    this.current = state;
    if (state.kind === 'partitioned' && !wasPartitioned) this.healed = new Promise((resolve) => (this.heal = resolve));
    if (state.kind !== 'partitioned' && wasPartitioned) this.heal();
    if (state.kind === 'refusing') this.reset();
  }

  /** Resets every open connection (both peers see the connection die); new ones are accepted. */
  reset(): void {
    for (const { client, upstream } of this.connections) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.connections.clear();
  }

  async close(): Promise<void> {
    this.set({ kind: 'healthy' });
    this.reset();
    this.server.close();
    await once(this.server, 'close');
  }

  private accept(client: Socket): void {
    if (this.current.kind === 'refusing') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(this.target.port, this.target.host);
    const connection = { client, upstream };
    this.connections.add(connection);
    // A peer that is down refuses connections: the client's is reset, not closed in good order, as
    // it would be if the proxy were not in between.
    const refused = () => client.resetAndDestroy();
    upstream.once('error', refused);
    upstream.once('connect', () => upstream.off('error', refused));
    const inspector = this.inspect();
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        this.connections.delete(connection);
        client.destroy();
        upstream.destroy();
      });
    }
    this.relay('request', client, upstream, inspector, connection);
    this.relay('reply', upstream, client, inspector, connection);
  }

  /**
   * Forwards `from` → `to` unit by unit, in order: each one decided by the inspector, held while
   * the link is partitioned, sent no earlier than its arrival plus the delay.
   */
  private relay(direction: Direction, from: Socket, to: Socket, inspector: Inspector, connection: Connection): void {
    const queue: { unit: Buffer; arrived: number; verdict: Verdict }[] = [];
    let pumping = false;
    const pump = async () => {
      pumping = true;
      while (queue.length > 0 && !to.destroyed) {
        const next = queue[0];
        if (!next) break;
        if (this.current.kind === 'partitioned') {
          await this.healed;
          continue;
        }
        if (next.verdict.kind === 'hold') await next.verdict.until.catch(() => {});
        if (this.current.kind === 'delayed') {
          const wait = next.arrived + this.current.ms - Date.now();
          if (wait > 0) {
            await sleep(wait);
            continue;
          }
        }
        queue.shift();
        if (next.verdict.kind === 'drop' || (direction === 'reply' && this.current.kind === 'replies-lost')) continue;
        if (next.verdict.kind === 'drop-and-reset') {
          connection.client.resetAndDestroy();
          connection.upstream.resetAndDestroy();
          break;
        }
        this.forwarded[direction] += next.unit.length;
        if (!to.write(next.unit)) await once(to, 'drain').catch(() => {});
      }
      pumping = false;
      if (from.isPaused() && queue.length < 1_000) from.resume();
    };
    from.on('data', (chunk: Buffer) => {
      const arrived = Date.now();
      for (const unit of inspector.units(direction, chunk)) queue.push({ unit, arrived, verdict: inspector.decide(direction, unit) });
      // Backpressure: a held link must not buffer without bound.
      if (queue.length >= 1_000) from.pause();
      if (!pumping) void pump();
    });
    from.on('end', () => {
      const drained = () => (queue.length === 0 ? to.end() : setTimeout(drained, 10));
      drained();
    });
  }
}

import type { Writable } from 'node:stream';
import type { ConsoleEvent } from '../shared/protocol.js';
import { SseClient } from './sse-client.js';

/** Every page watching, each with its own bounded queue: one slow page slows no other. */
export class StreamHub {
  private readonly clients = new Set<SseClient>();
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly maxQueuedPerClient: number) {
    this.pinger = setInterval(() => {
      for (const client of this.clients) client.ping();
    }, 15_000);
    this.pinger.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Starts a page's stream with `first` (the state so far); it ends when the socket closes. */
  attach(out: Writable, first: ConsoleEvent): SseClient {
    const client = new SseClient(out, this.maxQueuedPerClient);
    this.clients.add(client);
    out.on('close', () => this.clients.delete(client));
    client.send(first);
    return client;
  }

  publish(event: ConsoleEvent): void {
    for (const client of this.clients) client.send(event);
  }

  close(): void {
    clearInterval(this.pinger);
  }
}

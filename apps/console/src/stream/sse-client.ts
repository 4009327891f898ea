import type { Writable } from 'node:stream';
import type { ConsoleEvent } from '../shared/protocol.js';

/** The Server-Sent Events framing of one event. */
export const frame = (event: ConsoleEvent): string => `event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;

/** Events that stand for a state: a newer one replaces an older one still queued. */
const latestOnly: ReadonlySet<ConsoleEvent['type']> = new Set(['live', 'race', 'snapshot']);

/**
 * One page's stream, with backpressure. While the socket takes what it is given, events are written
 * at once. Once it does not (`write` returned false: the page reads too slowly), events wait in a
 * bounded queue until it drains: a state replaces the one of its kind already waiting, and when the
 * queue is full the oldest order step is dropped and counted. So a slow page never grows the
 * console's memory nor slows what it watches, and learns how much it missed.
 */
export class SseClient {
  private readonly queue: ConsoleEvent[] = [];
  private blocked = false;
  private dropped = 0;
  private closed = false;

  constructor(
    private readonly out: Writable,
    private readonly maxQueued: number,
  ) {
    out.on('drain', () => this.flush());
    out.on('close', () => {
      this.closed = true;
      this.queue.length = 0;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** How many events wait for the socket now. */
  get queued(): number {
    return this.queue.length;
  }

  send(event: ConsoleEvent): void {
    if (this.closed) return;
    if (!this.blocked) {
      this.write(event);
      return;
    }
    if (latestOnly.has(event.type)) {
      const index = this.queue.findIndex((queued) => queued.type === event.type);
      if (index >= 0) this.queue.splice(index, 1);
    }
    this.queue.push(event);
    while (this.queue.length > this.maxQueued) {
      const oldestStep = this.queue.findIndex((queued) => queued.type === 'step');
      if (oldestStep < 0) break;
      this.queue.splice(oldestStep, 1);
      this.dropped++;
    }
  }

  /** A comment line: keeps proxies from closing an idle stream. */
  ping(): void {
    if (!this.closed && !this.blocked) this.blocked = !this.out.write(': ping\n\n');
  }

  private write(event: ConsoleEvent): void {
    this.blocked = !this.out.write(frame(event));
  }

  private flush(): void {
    this.blocked = false;
    if (this.dropped > 0) {
      const count = this.dropped;
      this.dropped = 0;
      this.write({ type: 'dropped', data: { count } });
    }
    while (!this.blocked && this.queue.length > 0) {
      const next = this.queue.shift();
      if (next) this.write(next);
    }
  }
}

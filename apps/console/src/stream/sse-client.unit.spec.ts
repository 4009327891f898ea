import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ConsoleEvent, OrderStep } from '../shared/protocol.js';
import { frame, SseClient } from './sse-client.js';

/** A socket that takes everything (`reading`), or holds what it gets until `drain()`, refusing more past 1 byte. */
class SlowSocket extends Writable {
  readonly written: string[] = [];
  private pending: (() => void)[] = [];
  constructor(private readonly reading: boolean) {
    super({ highWaterMark: 1, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: string, callback: () => void): void {
    this.written.push(String(chunk));
    if (this.reading) callback();
    else this.pending.push(callback);
  }
  drain(): void {
    const callbacks = this.pending;
    this.pending = [];
    for (const callback of callbacks) callback();
  }
  events(): string[] {
    return this.written.map((text) => text.split('\n')[0]?.replace('event: ', '') ?? '');
  }
}

const step = (n: number): ConsoleEvent => ({
  type: 'step',
  data: { orderId: `order-${n}`, step: 'command', at: n, detail: `p0@${n}` } satisfies OrderStep,
});
const race = (message: string): ConsoleEvent => ({ type: 'race', data: { phase: 'running', message, contenders: [], unavailable: [] } });

describe('SseClient', () => {
  it('writes each event at once while the page keeps up, in the SSE framing', async () => {
    // given
    const socket = new SlowSocket(true);
    const client = new SseClient(socket, 10);

    // when
    client.send(step(1));
    await new Promise((resolve) => setImmediate(resolve));
    client.send(race('a'));
    await new Promise((resolve) => setImmediate(resolve));

    // then
    expect(socket.written).toEqual([frame(step(1)), frame(race('a'))]);
  });

  it('queues at most its bound for a slow page, drops the oldest steps, keeps only the latest state, then says how many it dropped', async () => {
    // given a socket that is full after the first event
    const socket = new SlowSocket(false);
    const client = new SseClient(socket, 3);
    client.send(step(1));

    // when the page stops reading while 10 steps and 2 race states arrive
    for (let n = 2; n <= 6; n++) client.send(step(n));
    client.send(race('old'));
    for (let n = 7; n <= 11; n++) client.send(step(n));
    client.send(race('new'));

    // then nothing more was written and the queue stayed bounded
    expect(socket.written).toHaveLength(1);
    expect(client.queued).toBeLessThanOrEqual(3);

    // when the page reads again
    socket.drain();
    await new Promise((resolve) => setImmediate(resolve));

    // then it learns what it missed, gets the newest race state only and the latest steps, in order
    expect(socket.events()).toEqual(['step', 'dropped']);
    expect(socket.written[1]).toContain('"count":8');
    for (let round = 0; round < 5; round++) {
      socket.drain();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(socket.events()).toEqual(['step', 'dropped', 'step', 'step', 'race']);
    expect([socket.written[2], socket.written[3]].map((text) => text?.match(/order-\d+/)?.[0])).toEqual(['order-10', 'order-11']);
    expect(socket.written[4]).toContain('"message":"new"');
  });
});

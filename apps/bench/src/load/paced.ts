// An open-loop load at a fixed offered rate: request i is due at start + i / rate, whatever became
// of the requests before it. autocannon's own rate limit is not that: each connection sends its
// quota for the second back to back when the second begins, then waits for the next one, so "1,000
// orders/s" over 64 connections arrives as a burst at the top of every second and then silence.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

/** How many requests are due by `elapsedMs` after the start, at `rate` a second (the first at 0 ms), never more than `total`. */
export function dueBy(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1000) + 1);
}

export interface PacedOptions {
  readonly url: string;
  readonly path: string;
  readonly body: string;
  readonly rate: number;
  readonly durationSec: number;
  /** Sockets kept open at most; requests due while all are busy wait for one (and their latency counts the wait). */
  readonly connections: number;
  readonly timeoutMs?: number;
  /** Called with each answer: its status and body. */
  readonly onResponse?: (status: number, body: string) => void;
}

export interface PacedResult {
  readonly sent: number;
  /** From the first request to the last answer: a server that falls behind the offered rate answers over a longer time. */
  readonly durationSec: number;
  /** Status code → count. */
  readonly statuses: ReadonlyMap<number, number>;
  readonly errors: number;
  readonly timeouts: number;
  /** Per answered request, from when it was due (not when a socket took it) to its last byte, in ms. */
  readonly latenciesMs: readonly number[];
}

/** Sends `rate × durationSec` POSTs, each at its due time, and waits for every answer. */
export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const total = Math.round(options.rate * options.durationSec);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const target = new URL(options.path, options.url);
  const statuses = new Map<number, number>();
  const latenciesMs: number[] = [];
  let errors = 0;
  let timeouts = 0;
  const inFlight = new Set<Promise<void>>();

  const send = (dueAt: number) => {
    const done = new Promise<void>((resolve) => {
      let timedOut = false;
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(options.body) },
          timeout: options.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            latenciesMs.push(performance.now() - dueAt);
            const status = res.statusCode ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            options.onResponse?.(status, Buffer.concat(chunks).toString());
            resolve();
          });
          res.on('error', () => {
            errors++;
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        timedOut = true;
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        if (!timedOut) errors++;
        resolve();
      });
      req.end(options.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = dueBy(performance.now() - start, options.rate, total);
    for (; sent < due; sent++) send(start + (sent * 1000) / options.rate);
    // Timers fire about every millisecond: at 2,000/s that is two requests a tick, each at its due time or within a tick of it.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const durationSec = (performance.now() - start) / 1000;
  agent.destroy();
  return { sent, durationSec, statuses, errors, timeouts, latenciesMs };
}

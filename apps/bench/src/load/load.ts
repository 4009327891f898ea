// The load generator, run as its own process so it does not share an event loop with what it
// measures. Reads its job as JSON from argv[2], prints the result as JSON on the last stdout line.
//   mode "http": requests paced evenly at a fixed offered rate (paced.ts, open loop), or autocannon at
//                saturation; HTTP latency and throughput.
//   mode "e2e":  the same, plus a read_committed consumer on the output topic; for every accepted
//                order, the time from its 202 to its event being visible.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
import { runPaced } from './paced.js';
import { percentiles, round } from './stats.js';

export interface LoadJob {
  readonly mode: 'http' | 'e2e';
  readonly url: string;
  readonly durationSec: number;
  /** Offered rate in requests per second across all connections; absent = saturation. */
  readonly rate?: number;
  readonly connections: number;
  readonly kafkaBrokers?: readonly string[];
  readonly topic?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
const body = JSON.stringify({ customerId: 'bench', currency: 'EUR', items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }] });
const answered = new Map<string, number>();
const visible = new Map<string, number>();

async function consume(): Promise<() => Promise<void>> {
  const kafka = new Kafka({ clientId: 'bench-e2e', brokers: [...(job.kafkaBrokers ?? [])], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-e2e-${process.pid}-${Date.now()}`, readUncommitted: false, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: job.topic ?? '', fromBeginning: false });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    // A group of its own, read once: nothing to commit. kafkajs' default commits after every batch,
    // a round trip to the group coordinator between one fetch and the next, which made this reader
    // see each event about 35 ms late at 1,000 orders/s.
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const now = performance.now();
      for (const message of batch.messages) {
        const key = message.key?.toString();
        if (key && !visible.has(key)) visible.set(key, now);
      }
    },
  });
  await joined;
  return () => consumer.disconnect();
}

const stopConsumer = job.mode === 'e2e' ? await consume() : undefined;
const onResponse = (status: number, responseBody: string) => {
  if (job.mode === 'e2e' && status === 202) answered.set((JSON.parse(responseBody) as { orderId: string }).orderId, performance.now());
};

interface Outcome {
  readonly durationSec: number;
  readonly accepted: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p99_9: number; max: number };
}

/** At a fixed offered rate: requests paced evenly (open loop). At saturation: autocannon, every connection as busy as it can be. */
async function generate(): Promise<Outcome> {
  if (job.rate) {
    const paced = await runPaced({
      url: job.url,
      path: '/orders',
      body,
      rate: job.rate,
      durationSec: job.durationSec,
      connections: job.connections,
      onResponse,
    });
    const count = (ok: (status: number) => boolean) => [...paced.statuses].reduce((sum, [status, n]) => sum + (ok(status) ? n : 0), 0);
    const { p50, p90, p99, p99_9, max } = percentiles(paced.latenciesMs);
    return {
      durationSec: paced.durationSec,
      accepted: count((status) => status >= 200 && status < 300),
      non2xx: count((status) => status < 200 || status >= 300),
      errors: paced.errors,
      timeouts: paced.timeouts,
      latencyMs: {
        p50: p50 ?? Number.NaN,
        p90: p90 ?? Number.NaN,
        p99: p99 ?? Number.NaN,
        p99_9: p99_9 ?? Number.NaN,
        max: max ?? Number.NaN,
      },
    };
  }
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationSec,
    requests: [{ method: 'POST', path: '/orders', headers: { 'content-type': 'application/json' }, body, onResponse }],
  });
  return {
    durationSec: result.duration,
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
    },
  };
}

const outcome = await generate();

let e2e: Record<string, unknown> | undefined;
if (stopConsumer) {
  // Wait for the stragglers (bounded): an order never seen is reported, not hidden.
  const deadline = performance.now() + 30_000;
  while ([...answered.keys()].some((id) => !visible.has(id)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const samples = [...answered].flatMap(([id, at]) => {
    const seen = visible.get(id);
    // Visible before the 202 reached the client counts as 0 ms: it was there when the client looked.
    return seen === undefined ? [] : [Math.max(0, seen - at)];
  });
  e2e = {
    orders: answered.size,
    neverSeen: answered.size - samples.length,
    ...percentiles(samples),
    samples: samples.map((s) => round(s, 1)),
  };
  await stopConsumer();
}

console.log(
  JSON.stringify({
    offeredRate: job.rate ?? null,
    durationSec: round(outcome.durationSec),
    accepted: outcome.accepted,
    non2xx: outcome.non2xx,
    errors: outcome.errors,
    timeouts: outcome.timeouts,
    throughput: round(outcome.accepted / outcome.durationSec),
    latencyMs: outcome.latencyMs,
    e2e,
  }),
);

// The load generator, run as its own process so it does not share an event loop with what it
// measures. Reads its job as JSON from argv[2], prints the result as JSON on the last stdout line.
//   mode "http": autocannon at a fixed offered rate or at saturation; HTTP latency and throughput.
//   mode "e2e":  the same, plus a read_committed consumer on the output topic; for every accepted
//                order, the time from its 202 to its event being visible.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { Kafka, logLevel } from 'kafkajs';
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
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.durationSec,
  ...(job.rate ? { overallRate: job.rate } : {}),
  requests: [
    {
      method: 'POST',
      path: '/orders',
      headers: { 'content-type': 'application/json' },
      body,
      onResponse: (status: number, responseBody: string) => {
        if (job.mode === 'e2e' && status === 202)
          answered.set((JSON.parse(responseBody) as { orderId: string }).orderId, performance.now());
      },
    },
  ],
});

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

const seconds = result.duration;
console.log(
  JSON.stringify({
    offeredRate: job.rate ?? null,
    durationSec: round(seconds),
    accepted: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    throughput: round(result['2xx'] / seconds),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      p99_9: result.latency.p99_9,
      max: result.latency.max,
    },
    e2e,
  }),
);

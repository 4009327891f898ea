import { performance } from 'node:perf_hooks';
import { startApp } from '@ouro/app-runner';
import { kafkaSender } from '@ouro/baselines';
import { loadConnections } from '@ouro/config';
import { createKafka, waitForGroupToCatchUp } from '@ouro/messaging';
import { provisionNamespace } from '@ouro/provisioning';
import { v7 as uuidv7 } from 'uuid';
import { peakRssMb } from '../processes.js';
import { readMetrics, transactionProfile } from '../processor/phases.js';

/** A backlog of `count` commands, then a fresh processor drains it: orders per second from ready to caught up. */
export async function catchUp(
  count: number,
  say: (text: string) => void,
  {
    profileDir,
    measure = (_pid, drain) => drain(),
  }: {
    profileDir?: string;
    /** Runs the drain, given the fresh processor's pid (CPU accounting wraps it). */
    measure?: (processorPid: number, drain: () => Promise<void>) => Promise<void>;
  } = {},
) {
  const namespace = await provisionNamespace(`bench-catchup-${Date.now()}`, { partitions: 6 });
  const sender = await kafkaSender(namespace.commandsTopic);
  for (let produced = 0; produced < count; produced += 1_000) {
    const records = await Promise.all(
      Array.from({ length: Math.min(1_000, count - produced) }, async () => {
        // Time-ordered ids, as order-api makes them: each insert lands at the right edge of the index.
        const orderId = uuidv7();
        const value = await sender.encode({
          orderId,
          eventId: uuidv7(),
          acceptedAt: Date.now(),
          customerId: 'bench-catch-up',
          currency: 'EUR',
          items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }],
          totalCents: 3998,
        });
        return { key: orderId, value };
      }),
    );
    await sender.sendEncoded(records);
  }
  say(`  backlog of ${count.toLocaleString('en')} commands written`);

  const admin = createKafka({ brokers: loadConnections().kafkaBrokers, clientId: 'bench-catch-up' }).admin();
  await admin.connect();
  const processor = await startApp('order-processor', namespace.env, {
    bundle: true,
    ...(profileDir ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  const metricsBefore = await readMetrics(processor.url);
  const from = performance.now();
  await measure(processor.pid, () => waitForGroupToCatchUp(admin, namespace.groupId, namespace.commandsTopic, 900_000));
  const seconds = (performance.now() - from) / 1000;
  const peak = peakRssMb(processor.pid);
  const transactions = transactionProfile(metricsBefore, await readMetrics(processor.url));
  await processor.kill('SIGTERM');
  await admin.disconnect();
  return {
    orders: count,
    seconds: Math.round(seconds * 10) / 10,
    ordersPerSecond: Math.round(count / seconds),
    peakRssMb: peak,
    transactions,
  };
}

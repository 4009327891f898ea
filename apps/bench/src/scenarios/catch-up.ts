import { performance } from 'node:perf_hooks';
import { startApp } from '@ouro/app-runner';
import { kafkaSender } from '@ouro/baselines';
import { loadConnections } from '@ouro/config';
import { pollUntil } from '@ouro/infra';
import { createKafka, waitForGroupToCatchUp } from '@ouro/messaging';
import { provisionNamespace } from '@ouro/provisioning';
import type { Admin } from 'kafkajs';
import { v7 as uuidv7 } from 'uuid';
import { peakRssMb } from '../processes.js';
import { readMetrics, transactionProfile } from '../processor/phases.js';

/**
 * A backlog of `count` commands, then `members` fresh processors (each its own process, as many
 * deployments run them) drain it: orders per second from the moment all are up to caught up, counting
 * only the orders still uncommitted at that moment (the first members may have started on it while
 * the others were starting).
 */
export async function catchUp(
  count: number,
  say: (text: string) => void,
  {
    members = 1,
    profileDir,
    measure = (_pids, drain) => drain(),
  }: {
    members?: number;
    profileDir?: string;
    /** Runs the drain, given the fresh processors' pids and the commands it drains (CPU accounting wraps it). */
    measure?: (processorPids: readonly number[], drain: () => Promise<void>, drained: number) => Promise<void>;
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
  const processors = await Promise.all(
    Array.from({ length: members }, () =>
      startApp('order-processor', namespace.env, {
        bundle: true,
        ...(profileDir ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
      }),
    ),
  );
  // Joining members make the group rebalance, and a rebalance stops every member for a moment: the
  // drain is timed from the moment the group is stable with all of them.
  await stableGroup(admin, namespace.groupId, members);
  // Where one member's transactions spend their time (with several, each has its own figures: not merged).
  const profiled = members === 1 ? processors[0] : undefined;
  const metricsBefore = profiled ? await readMetrics(profiled.url) : '';
  const from = performance.now();
  const drained = count - (await committedCommands(admin, namespace.groupId, namespace.commandsTopic));
  await measure(
    processors.map((processor) => processor.pid),
    () => waitForGroupToCatchUp(admin, namespace.groupId, namespace.commandsTopic, 900_000),
    drained,
  );
  const seconds = (performance.now() - from) / 1000;
  const peak = Math.max(...processors.map((processor) => peakRssMb(processor.pid)));
  const transactions = profiled ? transactionProfile(metricsBefore, await readMetrics(profiled.url)) : undefined;
  await Promise.all(processors.map((processor) => processor.kill('SIGTERM')));
  await admin.disconnect();
  return {
    orders: drained,
    members,
    seconds: Math.round(seconds * 10) / 10,
    ordersPerSecond: Math.round(drained / seconds),
    /** The largest member's. */
    peakRssMb: peak,
    transactions,
  };
}

/** Resolves once the group is stable with `members` members. */
function stableGroup(admin: Admin, groupId: string, members: number): Promise<void> {
  return pollUntil(
    async () => {
      const [group] = (await admin.describeGroups([groupId])).groups;
      return group?.state === 'Stable' && group.members.length === members;
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
}

/** The commands the group has committed so far, over all partitions of the topic. */
async function committedCommands(admin: Admin, groupId: string, topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return (offsets?.partitions ?? []).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
}

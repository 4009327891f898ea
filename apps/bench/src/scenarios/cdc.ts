// The CDC baseline measured as the others are: the command API at the same offered rates, end to end
// at Ouro's rates (which include the polling outbox's). Then what only change data capture has: a
// backlog of outbox rows written while the connector was stopped, relayed once it resumes (catch-up,
// its task's start included), and the Connect JVM's memory.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  awaitConnectorRunning,
  awaitConnectorStopped,
  deleteOutboxRows,
  insertOutboxRows,
  KafkaConnect,
  type OutboxRow,
  removeOutboxConnector,
  replicationNames,
  replicationSlot,
} from '@ouro/cdc';
import { loadConnections } from '@ouro/config';
import { orderCreatedFrom } from '@ouro/domain';
import { connectWorkerPid, loadStackConfig, stackDown, stackUp } from '@ouro/infra';
import { createKafka, ensureTopics } from '@ouro/messaging';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { deployCdcRelay, publishedCount, startCdcServer } from '../cdc/baseline.js';
import { cdcTables } from '../cdc/tables.js';
import { type LoadResult, peakRssMb, runLoad } from '../processes.js';

export const cdcServerName = 'CDC outbox (Debezium)';

export interface CdcPlan {
  readonly saturationSec: number;
  readonly fixedSec: number;
  readonly fixedShares: readonly number[];
  /** Ouro's end-to-end rates, which include the polling outbox's. */
  readonly e2eRates: readonly number[];
  readonly e2eSec: number;
  readonly backlog: number;
  readonly connections: number;
}

export interface CdcMeasurements {
  /** Fixed offered rates, then saturation, as the other servers' runs. */
  readonly commandApi: LoadResult[];
  readonly endToEnd: LoadResult[];
  readonly catchUp: { readonly events: number; readonly seconds: number; readonly eventsPerSecond: number; readonly walHeldMb: number };
  /** Peak RSS (VmHWM) of the Connect worker's JVM after the load, after the catch-up, and its heap limit. */
  readonly connect: { readonly peakRssMbUnderLoad: number; readonly peakRssMb: number; readonly heap: string };
  readonly serverPeakRssMb: number;
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/**
 * A Connect worker of the benchmark's own, on its own port (BENCH_CONNECT_URL), started fresh: its
 * peak RSS is this run's, and no other connector shares its CPU. Stopped when the phase ends.
 */
function benchConnectStack() {
  return loadStackConfig({ ...process.env, KAFKA_CONNECT_URL: process.env.BENCH_CONNECT_URL ?? 'http://127.0.0.1:28085' });
}

/** Rows per outbox statement while writing the backlog. */
const backlogChunk = 1_000;

function backlogRows(count: number): OutboxRow[] {
  return Array.from({ length: count }, () => {
    const orderId = uuidv7();
    const event = orderCreatedFrom({
      orderId,
      customerId: 'bench-catch-up',
      currency: 'EUR',
      items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }],
      acceptedAt: Date.now(),
      committedAt: Date.now(),
      requestEventId: uuidv7(),
    });
    return { id: event.eventId, aggregateType: 'order', aggregateId: orderId, type: 'OrderCreated', payload: event };
  });
}

export async function measureCdc({
  plan,
  ouroSaturation,
  stamp,
  say,
}: {
  plan: CdcPlan;
  /** order-api's saturation alone in this run: the fixed rates are its shares, as for every server. */
  ouroSaturation: number;
  stamp: string;
  say: (text: string) => void;
}): Promise<CdcMeasurements> {
  const connections = loadConnections();
  const stack = benchConnectStack();
  say(`${cdcServerName}: a Connect worker of its own at ${stack.connect.url}`);
  await stackDown(stack, ['connect']);
  await stackUp(stack, ['connect']);
  const connect = new KafkaConnect(stack.connect.url);
  const pool = new pg.Pool({ connectionString: connections.databaseUrl, max: 4 });
  const clients = { connect, pool };
  // A connector an earlier run left behind (it was stopped mid-way) would come back with the worker.
  for (const stale of await connect.connectors()) await removeOutboxConnector(clients, stale);

  const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'bench-cdc' });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `bench-cdc-${stamp}.events`;
  await ensureTopics(admin, [{ topic, numPartitions: 6 }]);
  const tables = cdcTables({});
  const server = await startCdcServer('cdc-outbox', tables);
  const name = `bench-cdc-${stamp}`;
  await deployCdcRelay(clients, {
    name,
    tables,
    topic,
    databaseUrl: connections.databaseUrl,
    schemaRegistryUrl: connections.schemaRegistryUrl,
  });

  // Between runs, the relay publishes what the last one left (the topic is this phase's own).
  const since = new Date();
  const settle = async () => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const { rows } = await pool.query<{ count: string }>(`select count(*) from ${tables.orders} where accepted_at >= $1`, [since]);
      if ((await publishedCount(admin, topic)) >= Number(rows[0]?.count ?? 0)) return;
      if (Date.now() > deadline) throw new Error(`${name} has not published every order after 300 s`);
      await sleep(200);
    }
  };

  try {
    say(`command API · ${cdcServerName} · saturation (${plan.connections} connections, ${plan.saturationSec}s)`);
    const saturation = await runLoad({ mode: 'http', url: server.url, durationSec: plan.saturationSec, connections: plan.connections });
    say(`  ${saturation.throughput} orders/s, p99 ${saturation.latencyMs.p99} ms`);
    await settle();
    const commandApi: LoadResult[] = [];
    for (const share of plan.fixedShares) {
      const rate = Math.max(50, Math.round((ouroSaturation * share) / 50) * 50);
      say(`command API · ${cdcServerName} · ${rate}/s offered (${share * 100}% of order-api's saturation alone)`);
      const result = await runLoad({ mode: 'http', url: server.url, durationSec: plan.fixedSec, rate, connections: plan.connections });
      commandApi.push(result);
      say(`  ${result.throughput} orders/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`);
      await settle();
    }
    commandApi.push(saturation);

    const endToEnd: LoadResult[] = [];
    for (const rate of plan.e2eRates) {
      say(`end to end · ${cdcServerName} · ${rate}/s for ${plan.e2eSec}s`);
      const result = await runLoad({
        mode: 'e2e',
        url: server.url,
        durationSec: plan.e2eSec,
        rate,
        connections: plan.connections,
        kafkaBrokers: connections.kafkaBrokers,
        topic,
      });
      endToEnd.push(result);
      say(`  p50 ${result.e2e?.p50} ms, p99 ${result.e2e?.p99} ms, never seen ${result.e2e?.neverSeen}`);
      await settle();
    }

    const pid = connectWorkerPid(stack);
    if (!pid) throw new Error(`the Connect worker at ${stack.connect.url} is not running`);
    const peakRssMbUnderLoad = peakRssMb(pid);
    const serverPeakRssMb = peakRssMb(server.pid);
    say(`  peak RSS: Connect worker (JVM, -Xmx${stack.connect.heap}) ${peakRssMbUnderLoad} MB, CDC server ${serverPeakRssMb} MB`);

    say(`catch-up · ${cdcServerName} · ${plan.backlog.toLocaleString('en')} outbox rows written while the connector is stopped`);
    await connect.stopConnector(name);
    await awaitConnectorStopped(connect, name);
    const before = await publishedCount(admin, topic);
    for (let written = 0; written < plan.backlog; written += backlogChunk) {
      const rows = backlogRows(Math.min(backlogChunk, plan.backlog - written));
      const client = await pool.connect();
      try {
        await client.query('begin');
        await insertOutboxRows(client, tables.outbox, rows);
        await deleteOutboxRows(
          client,
          tables.outbox,
          rows.map((row) => row.id),
        );
        await client.query('commit');
      } finally {
        client.release();
      }
    }
    const walHeldMb = mb((await replicationSlot(pool, replicationNames(name).slot))?.retainedWalBytes ?? 0);
    say(`  backlog written; the stopped connector's slot holds ${walHeldMb} MB of WAL`);
    const from = performance.now();
    await connect.resumeConnector(name);
    await awaitConnectorRunning(connect, name);
    while ((await publishedCount(admin, topic)) < before + plan.backlog) {
      if (performance.now() - from > 900_000) throw new Error(`${name} has not relayed the backlog after 900 s`);
      await sleep(100);
    }
    const seconds = (performance.now() - from) / 1000;
    const catchUp = {
      events: plan.backlog,
      seconds: Math.round(seconds * 10) / 10,
      eventsPerSecond: Math.round(plan.backlog / seconds),
      walHeldMb,
    };
    say(`  ${catchUp.eventsPerSecond} events/s (${catchUp.seconds}s)`);
    const connectMemory = { peakRssMbUnderLoad, peakRssMb: peakRssMb(pid), heap: stack.connect.heap };
    return { commandApi, endToEnd, catchUp, connect: connectMemory, serverPeakRssMb };
  } finally {
    await server.kill('SIGTERM');
    await removeOutboxConnector(clients, name).catch((error: unknown) => say(`  could not remove ${name}: ${String(error)}`));
    await stackDown(stack, ['connect']);
    await admin.disconnect();
    await pool.end();
  }
}

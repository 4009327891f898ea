import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  awaitConnectorRunning,
  createOutboxTable,
  deployOutboxConnector,
  dropPublication,
  dropReplicationSlot,
  insertOutboxRows,
  KafkaConnect,
  removeOutboxConnector,
  replicationNames,
} from '@ouro/cdc';
import { eventually, readToEnd, stackEnv, uniqueName } from '@ouro/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { connectFiles, connectGroup } from '../src/connect-worker.js';
import { crashService, startService } from '../src/faults.js';
import { isPortOpen } from '../src/process.js';
import { isReady, services, stackDown, stackUp } from '../src/stack.js';

// A Connect worker of its own on another port (its own group and internal topics) beside the
// stack's, which other tests use: this one is crashed. It shares the stack's downloads, Kafka,
// PostgreSQL and registry.
const config = loadStackConfig({ ...process.env, KAFKA_CONNECT_URL: 'http://127.0.0.1:28083' });
const [service] = services(config, ['connect']);
const env = stackEnv();
const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 4 });
const connect = new KafkaConnect(config.connect.url);
const kafka = new Kafka({ clientId: 'ouro-connect-test', brokers: [...env.kafkaBrokers], logLevel: logLevel.NOTHING });

const run = uniqueName('crash');
const table = `cdc_${run.replace('-', '_')}`;
const topic = `cdc.${run}`;
const connector = run;

/** Writes one outbox row every `intervalMs`, each in its own transaction, until stopped (at most 3,000). */
function startWriter(intervalMs: number) {
  const ids: string[] = [];
  let stopped = false;
  const writing = (async () => {
    while (!stopped && ids.length < 3_000) {
      const id = randomUUID();
      await insertOutboxRows(pool, table, [
        { id, aggregateType: 'order', aggregateId: `order-${ids.length % 7}`, type: 'OrderCreated', payload: { seq: ids.length } },
      ]);
      ids.push(id);
      // Pacing a steady writer, not waiting for an outcome.
      await sleep(intervalMs);
    }
  })();
  return {
    count: () => ids.length,
    stop: async () => {
      stopped = true;
      await writing;
      return [...ids];
    },
  };
}

async function recordCount(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, { high }) => sum + Number(high), 0);
  } finally {
    await admin.disconnect();
  }
}

let startedInMs = 0;

beforeAll(async () => {
  const started = Date.now();
  await stackUp(config, ['connect']);
  startedInMs = Date.now() - started;
  await createOutboxTable(pool, table);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
}, 180_000);

afterAll(async () => {
  // Whatever happened above, no slot is left behind and the worker's state goes with it.
  if (service && (await isReady(service))) await removeOutboxConnector({ connect, pool }, connector).catch(() => {});
  await stackDown(config, ['connect']);
  rmSync(connectFiles(config).home, { recursive: true, force: true });
  const { slot, publication } = replicationNames(connector);
  await dropReplicationSlot(pool, slot, { timeoutMs: 30_000 });
  await dropPublication(pool, publication);
  await pool.query(`drop table if exists ${table}`);
  await pool.end();
  const admin = kafka.admin();
  await admin.connect();
  const { configs, offsets, status } = connectGroup(config);
  await admin.deleteTopics({ topics: [configs, offsets, status] }).catch(() => {});
  await admin.disconnect();
}, 120_000);

describe('the stack’s Kafka Connect service (a second worker, on port 28083)', () => {
  it('starts from the stack’s downloads, logs under .stack/logs and offers Debezium, its outbox router and the Avro converter', async () => {
    console.info(`connect started in ${(startedInMs / 1000).toFixed(1)} s`);
    expect(service?.isOwned()).toBe(true);
    expect(existsSync(connectFiles(config).logFile)).toBe(true);
    const response = await fetch(`${config.connect.url}/connector-plugins?connectorsOnly=false`);
    const plugins = ((await response.json()) as Array<{ class: string }>).map((plugin) => plugin.class);

    expect(plugins).toEqual(
      expect.arrayContaining([
        'io.debezium.connector.postgresql.PostgresConnector',
        'io.debezium.transforms.outbox.EventRouter',
        'io.apicurio.registry.utils.converter.AvroConverter',
      ]),
    );
  });

  it('loses no outbox event when SIGKILLed mid-stream and started again (at least once: duplicates counted)', async () => {
    await deployOutboxConnector(
      { connect, pool },
      { name: connector, databaseUrl: env.databaseUrl, table: `public.${table}`, schemaRegistryUrl: env.schemaRegistryUrl, topic },
    );
    const writer = startWriter(10);
    await eventually(async () => expect(await recordCount()).toBeGreaterThanOrEqual(50), { timeoutMs: 30_000, intervalMs: 100 });

    await crashService(config, 'connect');
    const writtenAtCrash = writer.count();
    await startService(config, 'connect');
    const writtenAtRestart = writer.count();
    await awaitConnectorRunning(connect, connector);
    await eventually(() => expect(writer.count()).toBeGreaterThan(writtenAtRestart + 50), { timeoutMs: 30_000 });
    const written = await writer.stop();

    const records = await eventually(
      async () => {
        const all = await readToEnd(kafka, topic);
        const seen = new Set(all.map((record) => record.headers.id?.toString()));
        expect(written.filter((id) => !seen.has(id))).toEqual([]);
        return all;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const distinct = new Set(records.map((record) => record.headers.id?.toString()));
    const duplicates = records.length - distinct.size;
    console.info(
      `written ${written.length} (${writtenAtRestart - writtenAtCrash} while Connect was down), published ${records.length}, duplicates ${duplicates}, lost 0`,
    );
    // The outage was real: rows were committed while nothing read the slot.
    expect(writtenAtRestart).toBeGreaterThan(writtenAtCrash);
    // Nothing but what was written: every distinct event is one of the rows.
    expect(distinct.size).toBe(written.length);
  });

  it('stops when asked, and is gone', async () => {
    await removeOutboxConnector({ connect, pool }, connector);

    await stackDown(config, ['connect']);

    expect(service?.isOwned()).toBe(false);
    expect(await isPortOpen(config.connect.host, config.connect.port)).toBe(false);
  });
});

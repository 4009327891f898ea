import { setTimeout as sleep } from 'node:timers/promises';
import { type RunningApp, uniqueName } from '@ouro/app-runner';
import { storedOrderIds } from '@ouro/baselines';
import { type CdcTables, deployCdcRelay, startCdcServer } from '@ouro/bench/cdc';
import { KafkaConnect, removeOutboxConnector } from '@ouro/cdc';
import { linkedEnvironment, signal } from '@ouro/harness';
import { ensureTopics } from '@ouro/messaging';
import type { Availability, ContenderSpec } from './contenders.js';
import { serverWriter } from './server-writer.js';

/** How long a race's end keeps asking Connect to remove its connector. */
const removeForMs = 180_000;

/** `act` until it succeeds, or its last failure once `ms` have passed. */
async function untilDone(act: () => Promise<void>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await act();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(2_000);
    }
  }
}

/** What one CDC relay in a race owns: its connector (and so its slot and publication), its topic and its tables. */
export interface CdcRelayNames {
  readonly connector: string;
  readonly topic: string;
  readonly tables: CdcTables;
}

/** Names from one unique name (`console-race-cdc-1a2b3c4d`): tables are plain SQL identifiers. */
export function cdcRelayNames(unique: string): CdcRelayNames {
  const base = unique.toLowerCase().replace(/[^a-z0-9]/g, '_');
  return { connector: unique, topic: `${unique}.events`, tables: { orders: `${base}_orders`, outbox: `${base}_outbox` } };
}

/**
 * Drained when every order it stored has been seen in its topic. Debezium confirms a WAL position to
 * its slot only when outbox rows pass, so once the load stops the slot says nothing more: what was
 * published is the only measure of what is left.
 */
export function relayedAll(stored: readonly string[], announced: (orderId: string) => boolean): boolean {
  return stored.every(announced);
}

/** The page's words when Connect does not answer: where it was looked for, how to bring it up. */
export function connectMissing(url: string, error: unknown): Availability {
  const why = error instanceof Error ? error.message : String(error);
  return {
    available: false,
    reason: `Kafka Connect does not answer at ${url} (${why}): \`npm run stack -- up --with cdc\` (or \`npm start -- --with cdc\`) brings it up, and the next race includes the CDC relay`,
  };
}

/**
 * The transactional outbox relayed by change data capture: `apps/bench`'s CDC server (order and
 * outbox row in one transaction, nothing on the request path talks to Kafka) through the race's
 * links, and Debezium's outbox connector on the stack's Kafka Connect publishing each row. The
 * worker reaches PostgreSQL and Kafka directly: a fault on a link hits the server, as it does the
 * other designs' writers.
 */
export const cdcRelay: ContenderSpec = {
  name: 'cdc-relay',
  title: 'CDC relay (Debezium)',
  summary: 'order + outbox row in one transaction; Debezium reads the insert from the WAL and publishes it',
  async availability({ connections }) {
    try {
      await new KafkaConnect(connections.kafkaConnectUrl).connectors();
      return { available: true };
    } catch (error) {
      return connectMissing(connections.kafkaConnectUrl, error);
    }
  },
  async start({ connections, stack, links, pool, admin }) {
    const names = cdcRelayNames(uniqueName('console-race-cdc'));
    const connect = new KafkaConnect(connections.kafkaConnectUrl);
    await ensureTopics(admin, [{ topic: names.topic, numPartitions: 6 }]);
    const launch = () => startCdcServer('cdc-relay', names.tables, linkedEnvironment(links, connections));
    let app: RunningApp = await launch();
    const dropTables = () => pool.query(`drop table if exists ${names.tables.orders}, ${names.tables.outbox}`);
    try {
      await deployCdcRelay(
        { connect, pool },
        {
          name: names.connector,
          tables: names.tables,
          topic: names.topic,
          databaseUrl: connections.databaseUrl,
          schemaRegistryUrl: connections.schemaRegistryUrl,
          exactlyOnce: stack.connect.exactlyOnce,
        },
      );
    } catch (error) {
      await app.kill('SIGTERM');
      await removeOutboxConnector({ connect, pool }, names.connector).catch(() => {});
      await dropTables();
      throw error;
    }
    return {
      summary: `${cdcRelay.summary}, ${stack.connect.exactlyOnce ? 'exactly once (records and offsets in one Kafka transaction)' : 'at least once (a restarted task publishes again what it had not confirmed)'}`,
      urls: () => [app.url],
      writer: serverWriter(
        'cdc-server',
        () => app,
        async () => (app = await launch()),
      ),
      announcedIn: names.topic,
      storedIn: names.tables.orders,
      storedOrderIds: () => storedOrderIds(pool, names.tables.orders),
      drained: async (announced) => relayedAll(await storedOrderIds(pool, names.tables.orders), announced),
      close: async () => {
        signal(app, 'SIGCONT');
        await app.kill('SIGTERM');
        // The slot goes with the connector: left behind, it would hold the WAL for ever. After a
        // fault on Kafka the worker may still be rejoining its group and refuse: asked again.
        await untilDone(() => removeOutboxConnector({ connect, pool }, names.connector), removeForMs);
        await dropTables();
      },
    };
  },
};

import { join } from 'node:path';
import { KafkaConnect, removeOutboxConnector } from '@ouro/cdc';
import { loadStackConfig, type StackConfig, stackDown, stackUp } from '@ouro/infra';
import pg from 'pg';

/**
 * Where the change-data-capture scenarios run: a Kafka node and a PostgreSQL of their own (under
 * `.stack/chaos-cdc`, on other ports), and a Connect worker of its own (its own port, group and
 * internal topics, the stack's downloads). They crash all three, and nothing else uses them; the
 * stack's services go on serving everyone else. The schema registry is the stack's, never faulted.
 */
export interface CdcStacks {
  /** The Kafka node and PostgreSQL. */
  readonly services: StackConfig;
  /** The Connect worker, bootstrapped to that Kafka node. */
  readonly connect: StackConfig;
}

export function cdcStackConfigs(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): CdcStacks {
  const kafka = { KAFKA_BROKERS: env.CHAOS_CDC_KAFKA_BROKERS ?? '127.0.0.1:29092', KAFKA_NODES: '1' };
  return {
    services: loadStackConfig(
      {
        ...env,
        ...kafka,
        OURO_STACK_DIR: join(stack.stateDir, 'chaos-cdc'),
        DATABASE_URL: env.CHAOS_CDC_DATABASE_URL ?? 'postgres://ouro:ouro@127.0.0.1:25432/ouro',
      },
      stack.root,
    ),
    connect: loadStackConfig(
      { ...env, ...kafka, OURO_STACK_DIR: stack.stateDir, KAFKA_CONNECT_URL: env.CHAOS_CDC_CONNECT_URL ?? 'http://127.0.0.1:28086' },
      stack.root,
    ),
  };
}

/**
 * Brings the three up (Kafka before Connect, which keeps its state there) and removes any connector
 * an interrupted run left behind on the worker, with its replication slot: it would come back with
 * the worker and read a slot nobody needs.
 */
export async function cdcStackUp(stacks: CdcStacks): Promise<void> {
  await stackUp(stacks.services, ['kafka', 'postgres']);
  await stackUp(stacks.connect, ['connect']);
  const connect = new KafkaConnect(stacks.connect.connect.url);
  const pool = new pg.Pool({ connectionString: stacks.services.postgres.url, max: 1 });
  try {
    for (const stale of await connect.connectors()) await removeOutboxConnector({ connect, pool }, stale);
  } finally {
    await pool.end();
  }
}

export async function cdcStackDown(stacks: CdcStacks): Promise<void> {
  await stackDown(stacks.connect, ['connect']);
  await stackDown(stacks.services, ['kafka', 'postgres']);
}

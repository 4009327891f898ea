import { join } from 'node:path';
import { KafkaConnect, removeOutboxConnector } from '@ouro/cdc';
import { loadStackConfig, type StackConfig, stackDown, stackUp } from '@ouro/infra';
import pg from 'pg';

/**
 * How the relay delivers: at least once (Connect's default: offsets flushed every second, a crash
 * replays what came after), or exactly once (KIP-618: records and offsets in one Kafka transaction).
 */
export type Delivery = 'at-least-once' | 'exactly-once';

export const deliveries: readonly Delivery[] = ['at-least-once', 'exactly-once'];

/**
 * Where the change-data-capture scenarios run: a Kafka node and a PostgreSQL of their own (under
 * `.stack/chaos-cdc`, on other ports), and a Connect worker of their own per delivery (its own port,
 * group and internal topics, the stack's downloads). They crash all of them, and nothing else uses
 * them; the stack's services go on serving everyone else. The schema registry is the stack's, never
 * faulted.
 */
export interface CdcStacks {
  /** The Kafka node and PostgreSQL. */
  readonly services: StackConfig;
  /** The Connect workers, bootstrapped to that Kafka node. */
  readonly workers: { readonly [D in Delivery]: StackConfig };
}

export function cdcStackConfigs(stack: StackConfig, env: NodeJS.ProcessEnv = process.env): CdcStacks {
  const kafka = { KAFKA_BROKERS: env.CHAOS_CDC_KAFKA_BROKERS ?? '127.0.0.1:29092', KAFKA_NODES: '1' };
  const worker = (url: string, exactlyOnce: boolean) =>
    loadStackConfig(
      { ...env, ...kafka, OURO_STACK_DIR: stack.stateDir, KAFKA_CONNECT_URL: url, CONNECT_EXACTLY_ONCE: String(exactlyOnce) },
      stack.root,
    );
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
    workers: {
      'at-least-once': worker(env.CHAOS_CDC_CONNECT_URL ?? 'http://127.0.0.1:28086', false),
      'exactly-once': worker(env.CHAOS_CDC_EXACTLY_ONCE_CONNECT_URL ?? 'http://127.0.0.1:28087', true),
    },
  };
}

/**
 * Brings Kafka and PostgreSQL up, then the workers the scenarios need (Connect keeps its state in
 * Kafka), and removes any connector an interrupted run left behind on them, with its replication
 * slot: it would come back with the worker and read a slot nobody needs.
 */
export async function cdcStackUp(stacks: CdcStacks, needed: readonly Delivery[]): Promise<void> {
  await stackUp(stacks.services, ['kafka', 'postgres']);
  const pool = new pg.Pool({ connectionString: stacks.services.postgres.url, max: 1 });
  try {
    for (const delivery of needed) {
      await stackUp(stacks.workers[delivery], ['connect']);
      const connect = new KafkaConnect(stacks.workers[delivery].connect.url);
      for (const stale of await connect.connectors()) await removeOutboxConnector({ connect, pool }, stale);
    }
  } finally {
    await pool.end();
  }
}

/** Stops every worker this stack started, then Kafka and PostgreSQL. */
export async function cdcStackDown(stacks: CdcStacks): Promise<void> {
  for (const delivery of deliveries) await stackDown(stacks.workers[delivery], ['connect']);
  await stackDown(stacks.services, ['kafka', 'postgres']);
}

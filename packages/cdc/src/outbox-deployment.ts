import type pg from 'pg';
import { awaitConnectorGone, awaitConnectorRunning } from './await-connector.js';
import type { KafkaConnect } from './kafka-connect.js';
import { type OutboxConnectorSpec, outboxConnectorConfig, replicationNames } from './outbox-connector.js';
import { awaitSlotActive, dropPublication, dropReplicationSlot } from './replication-slot.js';

/** What an outbox connector lives in: a Connect cluster, and the database whose WAL it reads. */
export interface CdcClients {
  readonly connect: KafkaConnect;
  /** The outbox's database, to watch and drop the connector's replication slot. */
  readonly pool: pg.Pool;
}

/**
 * Creates (or updates) the outbox connector and resolves once it streams: the connector and its
 * task RUNNING and its replication slot active, so every outbox row committed from then on is
 * published. Rejects with ConnectorFailed at once when Debezium cannot start.
 */
export async function deployOutboxConnector({ connect, pool }: CdcClients, spec: OutboxConnectorSpec, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  await connect.putConnectorConfig(spec.name, outboxConnectorConfig(spec));
  await awaitConnectorRunning(connect, spec.name, { timeoutMs });
  await awaitSlotActive(pool, replicationNames(spec.name).slot, { timeoutMs: Math.max(1_000, deadline - Date.now()) });
}

/**
 * Deletes the connector for good: the connector (until Connect no longer reports it), then its
 * replication slot (once its task has let go of it) and its publication. Without this, PostgreSQL would keep the WAL from the slot's
 * position on for ever. Safe to repeat. (Connect keeps the connector's last offset in its offsets
 * topic; a connector created again under the same name starts from a new slot, with no snapshot.)
 */
export async function removeOutboxConnector({ connect, pool }: CdcClients, name: string, { timeoutMs = 60_000 } = {}) {
  const { slot, publication } = replicationNames(name);
  const deadline = Date.now() + timeoutMs;
  await connect.deleteConnector(name);
  await awaitConnectorGone(connect, name, { timeoutMs });
  await dropReplicationSlot(pool, slot, { timeoutMs: Math.max(1_000, deadline - Date.now()) });
  await dropPublication(pool, publication);
}

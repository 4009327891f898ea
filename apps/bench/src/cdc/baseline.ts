import { join } from 'node:path';
import { listening, type RunningApp, startScript } from '@ouro/app-runner';
import { type CdcClients, deployOutboxConnector } from '@ouro/cdc';
import type { Admin } from 'kafkajs';
import { type CdcTables, cdcTablesEnv } from './tables.js';

/** The CDC baseline's request side: an HTTP server that writes the order and its outbox row. */
export const cdcServerScript = join(import.meta.dirname, '../servers/cdc-outbox.ts');

/** One CDC server as its own process; resolves once it listens, its tables made. `env` adds to (or overrides) the caller's. */
export function startCdcServer(label: string, tables: CdcTables, env: Readonly<Record<string, string>> = {}): Promise<RunningApp> {
  return startScript(label, cdcServerScript, { ...cdcTablesEnv(tables), ...env }, listening);
}

export interface CdcRelaySpec {
  /** The connector's name: also its replication slot's and publication's. */
  readonly name: string;
  readonly tables: CdcTables;
  /** Where the events go; it must exist (Connect creates no topic). */
  readonly topic: string;
  /** The database as the Connect worker reaches it. */
  readonly databaseUrl: string;
  readonly schemaRegistryUrl: string;
  /** Records and offsets in one Kafka transaction (the worker must allow it); at least once otherwise. */
  readonly exactlyOnce?: boolean;
}

/**
 * The relay: Debezium's outbox connector on the baseline's outbox table, publishing each row to
 * `topic`. Resolves once it streams. Deploy it after a server made the tables: its publication
 * names the outbox table.
 */
export function deployCdcRelay(clients: CdcClients, spec: CdcRelaySpec): Promise<void> {
  return deployOutboxConnector(clients, {
    name: spec.name,
    databaseUrl: spec.databaseUrl,
    table: `public.${spec.tables.outbox}`,
    schemaRegistryUrl: spec.schemaRegistryUrl,
    topic: spec.topic,
    ...(spec.exactlyOnce ? { exactlyOnce: true } : {}),
  });
}

/** Records in the topic (every partition's end): what the relay has published so far, duplicates included. */
export async function publishedCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, { high, low }) => sum + Number(high) - Number(low), 0);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApp, uniqueName } from '@ouro/app-runner';
import { type CdcTables, deployCdcRelay, startCdcServer } from '@ouro/bench/cdc';
import { KafkaConnect, removeOutboxConnector, replicationNames } from '@ouro/cdc';
import { loadConnections } from '@ouro/config';
import { kafkaAddresses } from '@ouro/infra';
import { createKafka, ensureTopics } from '@ouro/messaging';
import type { Admin } from 'kafkajs';
import pg from 'pg';
import type { CdcStacks, Delivery } from './stack.js';

/** What a CDC deployment reaches: its Kafka, PostgreSQL and Connect worker, and the stack's registry. */
export interface CdcConnections {
  readonly kafkaBrokers: readonly string[];
  readonly databaseUrl: string;
  readonly connectUrl: string;
  /** The worker commits records and offsets in one transaction: the connector is made to as well. */
  readonly exactlyOnce: boolean;
  readonly schemaRegistryUrl: string;
}

export function cdcConnections(stacks: CdcStacks, delivery: Delivery): CdcConnections {
  const worker = stacks.workers[delivery].connect;
  return {
    kafkaBrokers: kafkaAddresses(stacks.services),
    databaseUrl: stacks.services.postgres.url,
    connectUrl: worker.url,
    exactlyOnce: worker.exactlyOnce,
    schemaRegistryUrl: loadConnections().schemaRegistryUrl,
  };
}

/**
 * One CDC deployment on the CDC stack: tables, topic and connector of its own (so its verdict reads
 * only its orders), and its servers as real processes, which the load sees through `urls()`.
 */
export class CdcDeployment {
  private readonly servers: { label: string; app: RunningApp }[] = [];

  private constructor(
    readonly name: string,
    readonly tables: CdcTables,
    readonly topic: string,
    readonly connections: CdcConnections,
    /** The deployment's PostgreSQL (for its slot); drops idle connections a restart cuts. */
    readonly pool: pg.Pool,
    readonly admin: Admin,
    readonly connect: KafkaConnect,
    private readonly logDir: string | undefined,
  ) {}

  static async start(scenario: string, servers: number, connections: CdcConnections, logDir?: string): Promise<CdcDeployment> {
    const name = uniqueName(`chaos-${scenario}`);
    const base = name.replace(/[^a-z0-9]/g, '_');
    const tables = { orders: `${base}_orders`, outbox: `${base}_outbox` };
    const topic = `${name}.events`;
    const pool = new pg.Pool({ connectionString: connections.databaseUrl, max: 2 });
    pool.on('error', () => {});
    const admin = createKafka({ brokers: connections.kafkaBrokers, clientId: 'ouro-chaos-cdc' }).admin();
    await admin.connect();
    await ensureTopics(admin, [{ topic, numPartitions: 6 }]);
    const deployment = new CdcDeployment(
      name,
      tables,
      topic,
      connections,
      pool,
      admin,
      new KafkaConnect(connections.connectUrl),
      logDir && join(logDir, scenario),
    );
    await Promise.all(Array.from({ length: servers }, (_, index) => deployment.startServer(index)));
    await deployCdcRelay(
      { connect: deployment.connect, pool },
      {
        name,
        tables,
        topic,
        databaseUrl: connections.databaseUrl,
        schemaRegistryUrl: connections.schemaRegistryUrl,
        exactlyOnce: connections.exactlyOnce,
      },
    );
    return deployment;
  }

  get slot(): string {
    return replicationNames(this.name).slot;
  }

  urls(): string[] {
    return this.servers.map(({ app }) => app.url);
  }

  private async startServer(index: number): Promise<void> {
    const label = `cdc-server-${index + 1}`;
    const app = await startCdcServer(label, this.tables, { DATABASE_URL: this.connections.databaseUrl });
    this.servers[index] = { label, app };
  }

  /** Stops the servers, then removes the connector with its slot: a slot left behind would hold the WAL for ever. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.servers.map(({ app }) => app.kill('SIGTERM')));
    this.saveLogs();
    await removeOutboxConnector({ connect: this.connect, pool: this.pool }, this.name);
    await this.admin.disconnect();
    await this.pool.end();
  }

  private saveLogs(): void {
    if (!this.logDir) return;
    mkdirSync(this.logDir, { recursive: true });
    for (const { label, app } of this.servers) writeFileSync(join(this.logDir, `${label}.log`), `${app.output.join('\n')}\n`);
  }

  /** The last lines every server printed, for a failure report. */
  tails(lines = 15): string {
    return this.servers.map(({ label, app }) => `--- ${label}\n${app.output.slice(-lines).join('\n')}`).join('\n');
  }
}

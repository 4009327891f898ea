import { listening, type RunningApp, startScript, uniqueName } from '@ouro/app-runner';
import { type BaselineName, baselineServers, storedOrderIds } from '@ouro/baselines';
import type { Connections } from '@ouro/config';
import { deploy, type Links, linkedEnvironment, signal } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import { hasCaughtUp } from '@ouro/messaging';
import { provisionNamespace } from '@ouro/provisioning';
import { type AcceptedEntry, reconcile } from '@ouro/reconciler';
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import type { Writer } from '../fault-catalog.js';
import { ouroWriter } from '../ouro-writer.js';
import { cdcRelay } from './cdc-relay.js';
import { serverWriter } from './server-writer.js';

export interface ContenderContext {
  readonly connections: Connections;
  readonly stack: StackConfig;
  /** One set of links for every contender: a fault on a link hits them all at the same moment. */
  readonly links: Links;
  /** Straight to PostgreSQL, not through the links: the checks read what is there. */
  readonly pool: pg.Pool;
  /** Straight to the brokers: topics of its own. */
  readonly admin: Admin;
  readonly logDir?: string | undefined;
}

/** One design in the race, running. */
export interface Contender {
  /** What it is in this race, when that depends on the stack (the spec's summary otherwise). */
  readonly summary?: string;
  urls(): readonly string[];
  readonly writer: Writer;
  /** The topic its orders are announced in, and the table they are stored in. */
  readonly announcedIn: string;
  readonly storedIn: string;
  /** Which of these orders (and, for a table of its own, every other) it has stored. */
  storedOrderIds(candidates: readonly string[]): Promise<string[]>;
  /**
   * Nothing left in flight inside it: its processors caught up, its outbox empty, its relay past
   * every stored order (`announced`: whether an order has been seen in its topic, for a relay whose
   * progress shows nowhere else).
   */
  drained(announced: (orderId: string) => boolean): Promise<boolean>;
  /** Every invariant the reconciler knows for this design, at rest (Ouro only: the cache included). */
  reconcile?(accepted: readonly AcceptedEntry[]): Promise<{ ok: boolean; violations: readonly string[] }>;
  close(): Promise<void>;
}

/** Whether a design can run here; if not, why and how to make it run. */
export type Availability = { readonly available: true } | { readonly available: false; readonly reason: string };

/** An entry of the race: adding a design is adding one. */
export interface ContenderSpec {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  /** Asked before each race; a design that needs more than the core stack says so. Absent: always. */
  availability?(context: Pick<ContenderContext, 'connections' | 'stack'>): Promise<Availability>;
  start(context: ContenderContext): Promise<Contender>;
}

const ouro: ContenderSpec = {
  name: 'ouro',
  title: 'Ouro',
  summary: 'one write (the command to Kafka); the processor stores and announces in one transaction',
  async start({ connections, stack, links, pool, logDir }) {
    const deployed = await deploy('race-ouro', { apis: 1, processors: 1 }, { connections, stack, links, prefix: 'console', logDir });
    const { namespace, deployment, admin } = deployed;
    return {
      urls: () => deployment.urls(),
      writer: ouroWriter(deployment),
      announcedIn: namespace.eventsTopic,
      storedIn: 'orders',
      storedOrderIds: async (candidates) => {
        const { rows } = await pool.query<{ id: string }>('select id from orders where id = any($1::uuid[])', [candidates]);
        return rows.map((row) => row.id);
      },
      drained: () => hasCaughtUp(admin, namespace.groupId, namespace.commandsTopic).catch(() => false),
      reconcile: async (accepted) => {
        const report = await reconcile({ connections, topics: namespace, accepted });
        return { ok: report.ok, violations: report.violations };
      },
      close: () => deployed.close(),
    };
  },
};

/** A baseline server (`@ouro/baselines`) in a process of its own, with a table of its own, through the shared links. */
function baseline(name: BaselineName, title: string, summary: string, outbox: boolean): ContenderSpec {
  return {
    name,
    title,
    summary,
    async start({ connections, links, pool }) {
      const namespace = await provisionNamespace(uniqueName(`console-race-${name}`), { partitions: 6, connections });
      const table = namespace.commandsTopic.replace(/\.commands$/, '').replace(/[^a-z0-9]/gi, '_');
      const env = {
        ...linkedEnvironment(links, connections),
        BENCH_TOPIC: namespace.commandsTopic,
        BENCH_ORDERS_TABLE: table,
        BENCH_OUTBOX_TABLE: `${table}_outbox`,
      };
      const launch = () => startScript(name, baselineServers[name], env, listening);
      let app: RunningApp = await launch();
      return {
        urls: () => [app.url],
        writer: serverWriter(
          name,
          () => app,
          async () => (app = await launch()),
        ),
        announcedIn: namespace.commandsTopic,
        storedIn: table,
        storedOrderIds: () => storedOrderIds(pool, table),
        drained: async () => {
          if (!outbox) return true;
          const { rows } = await pool.query<{ left: string }>(`select count(*) as left from ${table}_outbox`);
          return Number(rows[0]?.left ?? 1) === 0;
        },
        close: async () => {
          signal(app, 'SIGCONT');
          await app.kill('SIGTERM');
          await pool.query(`drop table if exists ${table}, ${table}_outbox`);
        },
      };
    },
  };
}

/** The designs raced, in the order the page shows them. */
export const contenders: readonly ContenderSpec[] = [
  ouro,
  baseline('dual-write', 'Naive dual write', 'INSERT into PostgreSQL, then send to Kafka, inside the request', false),
  baseline('polling-outbox', 'Polling outbox', 'order + outbox row in one transaction; a poller publishes every 500 ms', true),
  cdcRelay,
];

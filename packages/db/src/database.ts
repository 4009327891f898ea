import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from './schema.js';

export type Database = NodePgDatabase<typeof schema>;

export interface DatabaseHandle {
  readonly db: Database;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export interface ConnectOptions {
  readonly max?: number;
  /**
   * How long a query may wait for its answer before it fails (client side). Without it, a query
   * sent into a network partition waits forever and stalls whatever awaits it.
   */
  readonly queryTimeoutMs?: number;
}

export function connectDatabase(url: string, { max = 10, queryTimeoutMs = 15_000 }: ConnectOptions = {}): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5_000, query_timeout: queryTimeoutMs, keepAlive: true });
  // An idle client losing its connection (a PostgreSQL restart) must not crash the process.
  pool.on('error', () => {});
  return { db: drizzle(pool, { schema }), pool, close: () => pool.end() };
}

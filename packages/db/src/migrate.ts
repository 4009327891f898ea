import { resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const migrationsFolder = resolve(import.meta.dirname, '../migrations');

/**
 * Applies the generated migrations. An advisory lock on the migrating connection makes concurrent
 * starts (several processors, parallel tests) take turns instead of racing.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('ouro.migrations'))`);
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}

import { stackEnv, uniqueName } from '@ouro/testing';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new pg.Pool({ connectionString: stackEnv().databaseUrl, max: 2 });
const db = drizzle(pool);
afterAll(() => pool.end());

describe('PostgreSQL (pg and drizzle-orm against the local cluster)', () => {
  it('answers a query on a cluster with logical decoding enabled', async () => {
    const { rows } = await pool.query<{ wal_level: string }>('show wal_level');

    expect(rows[0]?.wal_level).toBe('logical');
  });

  it('commits a transaction as a whole and rolls a failed one back as a whole', async () => {
    const table = sql.identifier(uniqueName('stack_tx').replace('-', '_'));
    await db.execute(sql`create table ${table} (id int primary key)`);

    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into ${table} values (1)`);
      await tx.execute(sql`insert into ${table} values (2)`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into ${table} values (3)`);
        await tx.execute(sql`insert into ${table} values (1)`); // duplicate key: the whole transaction fails
      }),
    ).rejects.toThrow();

    const { rows } = await db.execute<{ id: number }>(sql`select id from ${table} order by id`);
    expect(rows.map((row) => row.id)).toEqual([1, 2]);
    await db.execute(sql`drop table ${table}`);
  });
});

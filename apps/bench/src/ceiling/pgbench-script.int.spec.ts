import { createRequire } from 'node:module';
import { loadConnections } from '@ouro/config';
import { persistOrdersQuery } from '@ouro/db';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgbenchInsertScript } from './pgbench-script.js';

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): string };

const order = (n: number) => ({
  id: `0190a000-0000-7000-8000-00000000000${n}`,
  customerId: 'bench',
  currency: 'EUR',
  items: [{ sku: 'BENCH-1', quantity: 1, unitPriceCents: 100 }],
  totalCents: 100,
  acceptedAt: new Date(),
  requestEventId: `0190a000-0000-7000-9000-00000000000${n}`,
  sourceTopic: 'bench.commands',
  sourcePartition: 0,
  sourceOffset: n,
});

describe('the ids the pgbench script generates, run by PostgreSQL', () => {
  const client = new pg.Client({ connectionString: loadConnections().databaseUrl });
  beforeAll(() => client.connect());
  afterAll(() => client.end());

  it('are time-ordered UUIDs of version 7, as order-api makes them, fresh in every row', async () => {
    const rows = [order(1), order(2), order(3)];
    const { script } = pgbenchInsertScript(
      persistOrdersQuery(rows),
      { ids: rows.map((row) => row.id), eventIds: rows.map((row) => row.requestEventId), offsets: rows.map((row) => row.sourceOffset) },
      prepareValue,
    );
    // The script's generating line, with pgbench's variable as pgbench would set it.
    const line = script.split('\n').find((text) => text.endsWith('\\gset')) ?? '';
    const before = Date.now();
    const { rows: generated } = await client.query<{ ids: string; event_ids: string }>(
      line.replace(' \\gset', '').replaceAll(':offset::bigint', '41::bigint'),
    );
    const after = Date.now();

    const ids = [generated[0]?.ids, generated[0]?.event_ids].flatMap((array) => (array ?? '').replace(/[{}]/g, '').split(','));
    expect(ids).toHaveLength(6);
    expect(new Set(ids).size).toBe(6);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const millis = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(millis).toBeGreaterThanOrEqual(before - 1_000);
      expect(millis).toBeLessThanOrEqual(after + 1_000);
    }
  });
});

import { createRequire } from 'node:module';
import { persistOrdersQuery } from '@ouro/db';
import { describe, expect, it } from 'vitest';
import { copyCsvLines, pgbenchInsertScript } from './pgbench-script.js';

const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue(value: unknown): string };

const order = (n: number) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  customerId: 'bench',
  currency: 'EUR',
  items: [{ sku: 'BENCH-1', quantity: 2, unitPriceCents: 1999 }],
  totalCents: 3998,
  acceptedAt: new Date(Date.UTC(2026, 10, 30)),
  requestEventId: `00000000-0000-4000-9000-00000000000${n}`,
  sourceTopic: 'bench.commands',
  sourcePartition: 2,
  sourceOffset: 40 + n,
});

describe('pgbenchInsertScript', () => {
  const rows = [order(1), order(2)];
  const { script, variables } = pgbenchInsertScript(
    persistOrdersQuery(rows),
    { ids: rows.map((row) => row.id), eventIds: rows.map((row) => row.requestEventId), offsets: rows.map((row) => row.sourceOffset) },
    prepareValue,
  );

  it('replays persistOrders’ statement with fresh ids, event ids and offsets, generated per transaction', () => {
    expect(script).toContain('generate_series(0, 1) as n \\gset');
    expect(script).toContain('insert into orders (id, customer_id, currency, items, total_cents, accepted_at, request_event_id');
    expect(script).toContain(':ids::uuid[], :p2::text[]');
    expect(script).toContain(':event_ids::uuid[]');
    expect(script).toContain(':offsets::bigint[])');
    expect(script).toContain('on conflict do nothing');
    expect(script).toContain('returning id, committed_at');
    expect(script).not.toMatch(/\$\d/);
  });

  it('binds the other columns as the driver serialises them', () => {
    expect(variables).toMatchObject({
      p2: '{"bench","bench"}',
      p3: '{"EUR","EUR"}',
      p4: '{"[{\\"sku\\":\\"BENCH-1\\",\\"quantity\\":2,\\"unitPriceCents\\":1999}]","[{\\"sku\\":\\"BENCH-1\\",\\"quantity\\":2,\\"unitPriceCents\\":1999}]"}',
      p9: '{"2","2"}',
    });
    expect(Object.keys(variables)).not.toContain('p1');
  });

  it('refuses a statement in which the ids are not one parameter (every transaction would only conflict)', () => {
    expect(() =>
      pgbenchInsertScript({ sql: 'select $1', params: [['x']] }, { ids: ['a'], eventIds: ['b'], offsets: [1] }, prepareValue),
    ).toThrow(/no parameter holding the rows' ids/);
  });
});

describe('copyCsvLines', () => {
  it('repeats the sample rows with fresh ids and consecutive offsets, quoting text as CSV does', () => {
    let next = 0;
    const lines = [...copyCsvLines([{ ...order(1), customerId: 'say "hi", bench' }], 2, () => `id-${next++}`)];

    expect(lines).toEqual([
      'id-0,"say ""hi"", bench","EUR","[{""sku"":""BENCH-1"",""quantity"":2,""unitPriceCents"":1999}]",3998,2026-11-30T00:00:00.000Z,id-1,"bench.commands",2,0\n',
      'id-2,"say ""hi"", bench","EUR","[{""sku"":""BENCH-1"",""quantity"":2,""unitPriceCents"":1999}]",3998,2026-11-30T00:00:00.000Z,id-3,"bench.commands",2,1\n',
    ]);
  });
});

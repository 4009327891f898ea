import { describe, expect, it } from 'vitest';
import { cdcTables, cdcTablesEnv } from './tables.js';

describe('cdcTables', () => {
  it('names the benchmark’s own tables unless told otherwise, and gives them back as the environment', () => {
    expect(cdcTables({})).toEqual({ orders: 'bench_cdc_orders', outbox: 'bench_cdc_outbox' });
    const tables = cdcTables({ CDC_ORDERS_TABLE: 'chaos_1_orders', CDC_OUTBOX_TABLE: 'chaos_1_outbox' });
    expect(cdcTables(cdcTablesEnv(tables))).toEqual(tables);
  });

  it('refuses a name that would not be a plain identifier in SQL', () => {
    expect(() => cdcTables({ CDC_ORDERS_TABLE: 'orders; drop table x' })).toThrow(/CDC_ORDERS_TABLE/);
    expect(() => cdcTables({ CDC_OUTBOX_TABLE: 'Outbox' })).toThrow(/CDC_OUTBOX_TABLE/);
  });
});

/** The two tables of one CDC baseline: its orders, and the outbox its connector reads. */
export interface CdcTables {
  readonly orders: string;
  readonly outbox: string;
}

/** Interpolated into SQL as they are: plain lowercase identifiers only. */
const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function checked(name: string, variable: string): string {
  if (!identifier.test(name)) throw new Error(`${variable}=${name}: a table name is lowercase letters, digits and _ (at most 63)`);
  return name;
}

/** The tables named by CDC_ORDERS_TABLE and CDC_OUTBOX_TABLE; the benchmark's own by default. */
export function cdcTables(env: NodeJS.ProcessEnv): CdcTables {
  return Object.freeze({
    orders: checked(env.CDC_ORDERS_TABLE ?? 'bench_cdc_orders', 'CDC_ORDERS_TABLE'),
    outbox: checked(env.CDC_OUTBOX_TABLE ?? 'bench_cdc_outbox', 'CDC_OUTBOX_TABLE'),
  });
}

/** The environment that gives a CDC server these tables. */
export const cdcTablesEnv = (tables: CdcTables): Record<string, string> => ({
  CDC_ORDERS_TABLE: tables.orders,
  CDC_OUTBOX_TABLE: tables.outbox,
});

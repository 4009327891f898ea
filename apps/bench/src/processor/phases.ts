// Where the processor's transactions spent their time during a phase of the benchmark, from its own
// Prometheus metrics read before and after: the mean of each phase of a committed transaction
// (`ouro_processor_transaction_phase_seconds`), how many orders a transaction carried, and how long
// after its acceptance an order's transaction committed.

export const transactionPhases = ['waiting', 'verify', 'build', 'send', 'offsets', 'commit'] as const;
export type TransactionPhaseName = (typeof transactionPhases)[number];

export interface TransactionProfile {
  readonly transactions: number;
  readonly ordersPerTransaction: number;
  /** Mean milliseconds per committed transaction, by phase. */
  readonly meanMs: Readonly<Record<TransactionPhaseName, number>>;
  /** Mean milliseconds from an order's acceptance (order-api's 202) to the commit that announced it (`ouro_order_freshness_seconds`). */
  readonly acceptedToCommittedMs: number;
}

/** order-processor's metrics as it exposes them (`url`: its /metrics, /live and /ready base). */
export const readMetrics = async (url: string): Promise<string> => (await fetch(`${url}/metrics`)).text();

/** The samples of a Prometheus text exposition, by name and labels as written (`name{label="x"}`). */
export function parseSamples(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    const value = Number(line.slice(split + 1));
    if (split > 0 && Number.isFinite(value)) samples.set(line.slice(0, split), value);
  }
  return samples;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Pure: what happened between two readings of the processor's metrics. */
export function transactionProfile(before: string, after: string): TransactionProfile {
  const [from, to] = [parseSamples(before), parseSamples(after)];
  const delta = (key: string) => (to.get(key) ?? 0) - (from.get(key) ?? 0);
  const transactions = delta('ouro_processor_transactions_total{outcome="committed"}');
  const orders = delta('ouro_processor_orders_processed_total');
  const meanMs = Object.fromEntries(
    transactionPhases.map((phase) => {
      const count = delta(`ouro_processor_transaction_phase_seconds_count{phase="${phase}"}`);
      const sum = delta(`ouro_processor_transaction_phase_seconds_sum{phase="${phase}"}`);
      return [phase, count > 0 ? round((sum / count) * 1000) : 0];
    }),
  ) as Record<TransactionPhaseName, number>;
  const announced = delta('ouro_order_freshness_seconds_count');
  const freshness = delta('ouro_order_freshness_seconds_sum');
  return {
    transactions,
    ordersPerTransaction: transactions > 0 ? round(orders / transactions) : 0,
    meanMs,
    acceptedToCommittedMs: announced > 0 ? round((freshness / announced) * 1000) : 0,
  };
}

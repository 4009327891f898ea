import { describe, expect, it } from 'vitest';
import { parseSamples, transactionProfile } from './phases.js';

const reading = (
  transactions: number,
  orders: number,
  buildSeconds: number,
  buildCount: number,
) => `# HELP ouro_processor_transactions_total Transactions
# TYPE ouro_processor_transactions_total counter
ouro_processor_transactions_total{outcome="committed"} ${transactions}
ouro_processor_transactions_total{outcome="failed"} 3
ouro_processor_orders_processed_total ${orders}
ouro_processor_transaction_phase_seconds_bucket{le="0.01",phase="build"} ${buildCount}
ouro_processor_transaction_phase_seconds_sum{phase="build"} ${buildSeconds}
ouro_processor_transaction_phase_seconds_count{phase="build"} ${buildCount}
ouro_order_freshness_seconds_sum ${buildSeconds * 10}
ouro_order_freshness_seconds_count ${orders}
`;

describe('the processor transactions of a benchmark phase', () => {
  it('reads samples by name and labels as written', () => {
    const samples = parseSamples(reading(10, 200, 0.5, 10));
    expect(samples.get('ouro_processor_transactions_total{outcome="failed"}')).toBe(3);
    expect(samples.get('ouro_processor_transaction_phase_seconds_bucket{le="0.01",phase="build"}')).toBe(10);
  });

  it('gives the mean of each phase and the orders per transaction between two readings, zero for a phase never seen', () => {
    // 40 transactions of 1,000 orders in between, 0.2 s of building
    const profile = transactionProfile(reading(10, 200, 0.5, 10), reading(50, 1_200, 0.7, 50));
    expect(profile.transactions).toBe(40);
    expect(profile.ordersPerTransaction).toBe(25);
    expect(profile.meanMs.build).toBe(5);
    expect(profile.meanMs.commit).toBe(0);
    // 2 s of freshness over 1,000 orders
    expect(profile.acceptedToCommittedMs).toBe(2);
  });
});

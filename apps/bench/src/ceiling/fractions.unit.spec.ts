import { describe, expect, it } from 'vitest';
import { ceilingFractions } from './fractions.js';

const ceiling = (overrides: { copy?: number; insert?: number } = {}) =>
  ({
    kafka: {
      producerIdempotent: { recordsPerSec: 40_000 },
      exactlyOnceCopy: { recordsPerSec: overrides.copy ?? 10_000 },
      consumerReadCommitted: { fetchRecordsPerSec: 100_000 },
      endToEndLatency: { avgMs: 2, p99Ms: 5 },
    },
    postgres: { insert: { rowsPerSec: overrides.insert ?? 20_000 }, copy: { rowsPerSec: 80_000 } },
    redis: { settle: { requestsPerSec: 50_000 } },
  }) as unknown as Parameters<typeof ceilingFractions>[1];

const ouro = {
  commandApi: {
    'Ouro order-api alone': [
      { offeredRate: 1_000, throughput: 1_000 },
      { offeredRate: null, throughput: 2_000 },
    ],
    'Ouro order-api + processor': [{ offeredRate: null, throughput: 900 }],
  },
  endToEnd: { 'Ouro order-api + processor': [{ offeredRate: 500, e2e: { p50: 100, p99: 400 } }] },
  catchUp: { ordersPerSecond: 5_000 },
};

describe('ceilingFractions', () => {
  it('puts the command API’s saturation against the idempotent producer', () => {
    const [alone] = ceilingFractions(ouro, ceiling());

    expect(alone).toMatchObject({ ouro: 2_000, ceilingValue: 40_000, fraction: 0.05 });
  });

  it('puts catch-up against the lower of the insert and the exactly-once copy, and names which it was', () => {
    const byCopy = ceilingFractions(ouro, ceiling({ copy: 10_000, insert: 20_000 }))[2];
    const byInsert = ceilingFractions(ouro, ceiling({ copy: 30_000, insert: 20_000 }))[2];

    expect(byCopy).toMatchObject({ figure: 'processor catch-up (orders/s)', ceilingValue: 10_000, fraction: 0.5 });
    expect(byCopy?.ceiling).toMatch(/= ExactlyOnceCopy/);
    expect(byInsert).toMatchObject({ ceilingValue: 20_000, fraction: 0.25 });
    expect(byInsert?.ceiling).toMatch(/= pgbench, the processor's insert$/);
  });

  it('puts a latency the other way round: the floor over Ouro’s, p50 against the average and p99 against the p99', () => {
    const [p50, p99] = ceilingFractions(ouro, ceiling()).slice(-2);

    expect(p50).toMatchObject({ figure: 'end to end p50 at 500/s (ms)', ouro: 100, ceilingValue: 2, fraction: 0.02 });
    expect(p99).toMatchObject({ figure: 'end to end p99 at 500/s (ms)', ouro: 400, ceilingValue: 5, fraction: 0.013 });
  });
});

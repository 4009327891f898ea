import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../processes.js';
import { cdcLines, evaluateTargets } from './markdown.js';

const run = (offeredRate: number | null, throughput: number, p99: number, e2eP99?: number): LoadResult => ({
  offeredRate,
  durationSec: 10,
  accepted: throughput * 10,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  throughput,
  latencyMs: { p50: 1, p90: 2, p99, p99_9: p99, max: p99 },
  ...(e2eP99 === undefined
    ? {}
    : { e2e: { orders: 1, neverSeen: 0, p50: 1, p90: 1, p99: e2eP99, p99_9: e2eP99, max: e2eP99, samples: [] } }),
});

const results = (overrides: { ouro?: number; halfP99?: number; e2e?: number; catchUp?: number; rss?: number } = {}) => ({
  date: '',
  mode: 'quick',
  command: '',
  commit: '',
  machine: { cpus: 2, memoryGb: 24, node: 'v20' },
  commandApi: {
    'bare Fastify': [run(null, 4_000, 10)],
    'Ouro order-api alone': [run(1_000, 1_000, overrides.halfP99 ?? 20), run(null, overrides.ouro ?? 2_000, 40)],
    'Ouro order-api + processor': [run(null, 900, 60)],
    'naive dual write': [run(null, 1_000, 50)],
  },
  endToEnd: { 'Ouro order-api + processor': [run(1_000, 1_000, 0, overrides.e2e ?? 40)] },
  catchUp: { orders: 100_000, seconds: 5, ordersPerSecond: overrides.catchUp ?? 20_000, peakRssMb: 100 },
  memory: { 'order-api': overrides.rss ?? 150, 'order-processor': 120 },
});

describe('evaluateTargets', () => {
  it('meets every target when each figure is at its bound', () => {
    expect(evaluateTargets(results()).map((row) => row.met)).toEqual([true, true, true, true, true, true]);
  });

  it('misses each target whose figure is past its bound', () => {
    const missed = evaluateTargets(results({ ouro: 1_900, halfP99: 26, e2e: 51, catchUp: 19_999, rss: 201 }));

    expect(missed.map((row) => row.met)).toEqual([false, false, false, false, false, false]);
  });

  it('judges the p99 target at the fixed rate nearest half of order-api saturation', () => {
    const [, , half] = evaluateTargets(results());

    expect(half?.measured).toBe('20 ms at 1000/s offered');
  });
});

describe('cdcLines', () => {
  it('reports the relay’s catch-up with the WAL its stopped slot held, and the Connect JVM’s peak beside its heap limit', () => {
    const text = cdcLines({
      catchUp: { events: 20_000, seconds: 4, eventsPerSecond: 5_000, walHeldMb: 12.5 },
      connect: { peakRssMbUnderLoad: 400, peakRssMb: 450, heap: '512m' },
      serverPeakRssMb: 120,
    }).join('\n');

    expect(text).toContain('20,000 outbox rows');
    expect(text).toContain('held 12.5 MB of WAL');
    expect(text).toContain('**5000 events/s**');
    expect(text).toContain('`-Xmx512m`): 400 MB after the load, 450 MB after the catch-up');
  });
});

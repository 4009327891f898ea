import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../processes.js';
import { type BenchRun, type ChaosRun, figuresEnd, figuresStart, renderPatternFigures, replaceFigures } from './patterns.js';

const run = (offeredRate: number | null, throughput: number, p99: number, e2e?: { p50: number; p99: number }): LoadResult => ({
  offeredRate,
  durationSec: 10,
  accepted: throughput * 10,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  throughput,
  latencyMs: { p50: 5, p90: 9, p99, p99_9: p99, max: p99 },
  ...(e2e
    ? { e2e: { orders: 10, neverSeen: 0, p50: e2e.p50, p90: e2e.p99, p99: e2e.p99, p99_9: e2e.p99, max: e2e.p99, samples: [] } }
    : {}),
});

const bench: BenchRun = {
  date: '2026-11-30T15:30:00.000Z',
  command: 'npm run bench -- --quick',
  commit: 'abc1234',
  plan: { fixedShares: [0.25, 0.5, 0.75] },
  commandApi: {
    'naive dual write': [run(250, 250, 11), run(500, 500, 12), run(750, 700, 13), run(null, 900, 14)],
    'polling outbox': [run(250, 250, 21), run(500, 500, 22), run(750, 600, 23), run(null, 650, 24)],
    'CDC outbox (Debezium)': [run(250, 250, 31), run(500, 500, 32), run(750, 740, 33), run(null, 800, 34)],
    'Ouro order-api alone': [run(null, 1_000, 40)],
    'Ouro order-api + processor': [run(250, 250, 41), run(500, 480, 42), run(750, 600, 43), run(null, 610, 44)],
  },
  endToEnd: {
    'polling outbox': [run(500, 500, 0, { p50: 300, p99: 600 })],
    'CDC outbox (Debezium)': [run(500, 500, 0, { p50: 90, p99: 250 }), run(1_000, 1_000, 0, { p50: 95, p99: 260 })],
    'Ouro order-api + processor': [run(500, 500, 0, { p50: 120, p99: 380 }), run(1_000, 1_000, 0, { p50: 150, p99: 390 })],
  },
  catchUp: { ordersPerSecond: 4_800 },
  memory: { 'order-api': 190, 'order-processor': 180, 'order-processor (catch-up)': 298 },
  cdc: { catchUp: { eventsPerSecond: 7_000, walHeldMb: 21.5 }, connect: { peakRssMb: 610, heap: '512m' }, serverPeakRssMb: 120 },
};

const fault = (scenario: string, accepted: number, duplicated = 0) => ({ scenario, accepted, lost: 0, duplicated, ok: true });

const chaos: ChaosRun[] = [
  {
    command: 'npm run chaos -- --record',
    commit: 'def5678',
    startedAt: '2026-11-30T13:45:48.215Z',
    results: [fault('processor-crash', 5_999), fault('broker-kills', 81_003)],
  },
  {
    command: 'npm run chaos -- --scenario cdc-connect-crash',
    startedAt: '2026-11-30T15:40:00.000Z',
    cdc: [
      { ...fault('cdc-connect-crash', 3_000, 40), duplicateRecords: 52, topology: '1 CDC server · 1 Connect worker (at-least-once)' },
      {
        ...fault('cdc-connect-crash-exactly-once', 3_000),
        duplicateRecords: 0,
        topology: '1 CDC server · 1 Connect worker (exactly-once)',
      },
    ],
  },
];

const row = (table: string, label: string) => table.split('\n').find((line) => line.startsWith(`| ${label}`));

describe('renderPatternFigures', () => {
  const figures = renderPatternFigures(bench, chaos);

  it('sets each approach’s saturation and its latency at the lowest offered rate side by side', () => {
    expect(row(figures, 'command API at saturation')).toBe(
      '| command API at saturation (orders/s) | 900 | 650 | 800 | 1000 (order-api alone), 610 (with its processor on the same cores) |',
    );
    expect(row(figures, 'command API p50 / p99')).toContain(
      '| 5 / 11 ms at 250/s | 5 / 21 ms at 250/s | 5 / 31 ms at 250/s | 5 / 41 ms at 250/s |',
    );
  });

  it('compares end to end at the lowest rate every relaying path ran at, and says the dual write has none', () => {
    expect(row(figures, 'end to end')).toBe(
      '| end to end (202 → event read, read_committed) p50 / p99 at 500/s | none: the event is sent before the 202 | 300 / 600 ms (never seen: 0) | 90 / 250 ms (never seen: 0) | 120 / 380 ms (never seen: 0) |',
    );
  });

  it('adds up the fault runs per approach: CDC by delivery, duplicates and extra records shown', () => {
    expect(row(figures, 'under faults')).toBe(
      '| under faults (`npm run chaos`) | not faulted | not faulted | at least once: 1 scenario, 3,000 orders: lost 0, duplicated 40 (52 extra records); exactly once: 1 scenario, 3,000 orders: lost 0, duplicated 0 (0 extra records) | 2 scenarios, 87,002 orders: lost 0, duplicated 0 |',
    );
  });

  it('names every run it comes from, with its command and commit', () => {
    expect(figures).toContain('- Benchmark: `npm run bench -- --quick` at commit `abc1234`, 2026-11-30T15:30:00.000Z.');
    expect(figures).toContain('- Faults: `npm run chaos -- --record` at commit `def5678`, started 2026-11-30T13:45:48.215Z.');
    expect(figures).toContain(
      '- Faults: `npm run chaos -- --scenario cdc-connect-crash` (its file records no commit), started 2026-11-30T15:40:00.000Z.',
    );
  });

  it('marks a failed fault run instead of summing it away', () => {
    const failed = renderPatternFigures(bench, [{ ...chaos[0], results: [{ ...fault('api-crash', 10), lost: 2, ok: false }] } as ChaosRun]);

    expect(row(failed, 'under faults')).toContain('lost 2, duplicated 0, **1 failed**');
  });
});

describe('replaceFigures', () => {
  it('replaces only what lies between the markers', () => {
    const document = `# Title\n\n${figuresStart}\n\nold table\n\n${figuresEnd}\n\nWhen to choose.\n`;

    expect(replaceFigures(document, 'new table')).toBe(`# Title\n\n${figuresStart}\n\nnew table\n\n${figuresEnd}\n\nWhen to choose.\n`);
  });

  it('refuses a document without the section', () => {
    expect(() => replaceFigures('# Title\n', 'new table')).toThrow(/no <!-- figures: start/);
  });
});

import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../processes.js';
import { cdcLines, consoleLines, evaluateTargets, transactionLines } from './markdown.js';

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

type Overrides = {
  ouro?: number;
  whole?: number;
  e2e?: number;
  outboxE2e?: number;
  catchUp?: number;
  ceilingShare?: number | null;
  rss?: number;
};

const results = (overrides: Overrides = {}) => ({
  date: '',
  mode: 'quick',
  command: '',
  commit: '',
  machine: { cpus: 2, memoryGb: 24, node: 'v20' },
  commandApi: {
    'bare Fastify': [run(null, 4_000, 10)],
    'Ouro order-api alone': [run(1_000, 1_000, 20), run(null, overrides.ouro ?? 2_400, 40)],
    'Ouro order-api + processor': [run(null, overrides.whole ?? 1_000, 60)],
    'naive dual write': [run(null, 1_000, 50)],
  },
  endToEnd: {
    'Ouro order-api + processor': [run(500, 500, 0, 30), run(1_000, 1_000, 0, overrides.e2e ?? 100)],
    'polling outbox': [run(500, 500, 0, 200), run(1_000, 1_000, 0, overrides.outboxE2e ?? 400)],
  },
  catchUp: { orders: 100_000, seconds: 5, ordersPerSecond: overrides.catchUp ?? 12_000, peakRssMb: 100 },
  memory: { 'order-api': overrides.rss ?? 200, 'order-processor': 120 },
  ...(overrides.ceilingShare === null
    ? {}
    : {
        ceiling: {
          fractions: [
            {
              figure: 'processor catch-up (orders/s)',
              ouro: 12_000,
              ceiling: 'pgbench insert',
              ceilingValue: 12_000 / (overrides.ceilingShare ?? 0.7),
              unit: 'rows/s',
              fraction: overrides.ceilingShare ?? 0.7,
            },
          ],
        },
      }),
});

describe('evaluateTargets', () => {
  it('meets every target when each figure is at its bound', () => {
    expect(evaluateTargets(results() as never).map((row) => row.met)).toEqual([true, true, true, true, true, true, true]);
  });

  it('misses each target whose figure is past its bound', () => {
    const missed = evaluateTargets(
      results({ e2e: 101, outboxE2e: 403, whole: 999, catchUp: 11_999, ceilingShare: 0.69, ouro: 2_399, rss: 201 }) as never,
    );

    expect(missed.map((row) => row.met)).toEqual([false, false, false, false, false, false, false]);
  });

  it('judges catch-up on one processor, and shows what several processors drained beside it', () => {
    const withMembers = {
      ...results({ catchUp: 11_999 }),
      catchUpMembers: { orders: 99_000, members: 3, seconds: 5, ordersPerSecond: 19_800, peakRssMb: 120 },
    };
    const catchUp = evaluateTargets(withMembers as never)[3];

    expect(catchUp).toMatchObject({ met: false, measured: '11999 orders/s (one processor); 3 processors: 19800 orders/s' });
  });

  it('compares end to end with the outbox at the highest rate both were measured at', () => {
    const [, outbox] = evaluateTargets(results() as never);

    expect(outbox?.measured).toBe('0.25× (100 vs 400 ms at 1000/s)');
  });

  it('does not call the ceiling target met without a ceiling', () => {
    const rows = evaluateTargets(results({ ceilingShare: null }) as never);

    expect(rows[4]).toMatchObject({ measured: 'no ceiling measured', met: false });
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

describe('consoleLines', () => {
  it('gives the console process its own row per phase: CPU as a share of a core, memory, the stream and the sampling', () => {
    const phase = { seconds: 15, rssMb: 180.5, streamEventsPerSecond: 40, streamKbPerSecond: 12.3 };
    const text = consoleLines({
      phases: [
        { ...phase, label: 'idle, one page open', ratePerSecond: 0, orders: 0, cpuShareOfCore: 0.024, sampleEvery: 1 },
        { ...phase, label: '200 orders/s, one page open', ratePerSecond: 200, orders: 3_000, cpuShareOfCore: 0.153, sampleEvery: 10 },
      ],
      peakRssMb: 240.2,
    }).join('\n');

    expect(text).toContain('| idle, one page open | 0 | 2.4% | 180.5 | 40 | 12.3 | every order |');
    expect(text).toContain('| 200 orders/s, one page open | 3000 | 15.3% | 180.5 | 40 | 12.3 | 1 in 10 |');
    expect(text).toContain('console process: 240.2 MB');
  });
});

describe('transactionLines', () => {
  it('gives each measured phase of the run a row of mean milliseconds per transaction phase, and leaves out one not measured', () => {
    const meanMs = { waiting: 20, verify: 0, build: 4.5, send: 6, offsets: 3, commit: 2.5 };
    const text = transactionLines({
      'end to end · 1000/s': { transactions: 300, ordersPerTransaction: 50, meanMs, acceptedToCommittedMs: 41.5 },
      'catch-up': undefined,
    }).join('\n');

    expect(text).toContain(
      '| phase of the run | transactions | orders per transaction | waiting | verify | build | send | offsets | commit | accepted → committed, mean |',
    );
    expect(text).toContain('| end to end · 1000/s | 300 | 50 | 20 | 0 | 4.5 | 6 | 3 | 2.5 | 41.5 |');
    expect(text).not.toContain('catch-up');
  });
});

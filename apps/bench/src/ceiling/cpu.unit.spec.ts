import { describe, expect, it } from 'vitest';
import { CpuMeter, type CpuSample, phaseCpu, treeTicks } from './cpu.js';

const hz = 100;
const sample = (atMs: number, busy: number, total: number, groups: Record<string, number>): CpuSample => ({
  atMs,
  machine: { busy, total },
  groups,
});

describe('phaseCpu', () => {
  it('gives CPU seconds per group and per 1,000 orders, against 2 cores × wall time', () => {
    // 10 s on 2 cores: 2,000 ticks of capacity, 1,900 busy.
    const phase = phaseCpu(
      'saturation',
      sample(0, 5_000, 10_000, { 'order-api': 100, Kafka: 300 }),
      sample(10_000, 6_900, 12_000, { 'order-api': 700, Kafka: 1_100 }),
      20_000,
      hz,
    );

    expect(phase).toMatchObject({ wallSec: 10, orders: 20_000, capacitySec: 20, machineCpuSec: 19, listedCpuSec: 14, busyShare: 0.95 });
    expect(phase.processes).toEqual([
      { name: 'order-api', cpuSec: 6, perThousandOrders: 0.3 },
      { name: 'Kafka', cpuSec: 8, perThousandOrders: 0.4 },
    ]);
    expect(phase.verdict).toBe('CPU-bound');
  });

  it('calls a phase that left the cores idle waiting', () => {
    const phase = phaseCpu('end to end', sample(0, 0, 0, {}), sample(10_000, 1_000, 2_000, {}), 5_000, hz);

    expect(phase).toMatchObject({ busyShare: 0.5, verdict: 'waiting' });
  });

  it('does not invent a per-order figure for a phase without orders', () => {
    const phase = phaseCpu('idle', sample(0, 0, 0, { Redis: 0 }), sample(1_000, 10, 200, { Redis: 5 }), 0, hz);

    expect(phase.processes[0]?.perThousandOrders).toBeNaN();
  });
});

describe('CpuMeter', () => {
  it("adds a phase's extra processes to a group it has, and counts a group only the phase has", () => {
    // given groups that read fixed tick counts, moving between the two samples
    let ticks = 0;
    const meter = new CpuMeter({ 'order-api': () => ticks });
    const end = meter.start('console', { 'order-api': () => 2 * ticks, console: () => 3 * ticks });
    ticks = 100;

    // when
    const phase = end(1_000);

    // then
    expect(phase.processes.map(({ name }) => name)).toEqual(['order-api', 'console']);
    expect(phase.processes.map(({ cpuSec }) => cpuSec).map((sec) => Math.round(sec * 100))).toEqual([300, 300]);
  });
});

describe('treeTicks', () => {
  it('adds the live children to the root’s own and reaped time', () => {
    expect(
      treeTicks(
        () => 100,
        () => 40,
      ),
    ).toBe(140);
  });

  it('reads again when a child was reaped while the children were listed, so its time is counted once', () => {
    // A backend with 50 ticks exits during the first listing: the listing misses it, the root's
    // reaped count gains it. The second reading is consistent.
    const roots = [100, 150, 150];
    const children = [40, 40];
    const total = treeTicks(
      () => roots.shift() ?? Number.NaN,
      () => children.shift() ?? Number.NaN,
    );

    expect(total).toBe(190);
  });
});

// CPU accounting around a phase of the benchmark: CPU seconds per process group (from /proc), the
// machine's busy time, and whether the phase used up the cores (CPU-bound) or left them idle
// (waiting: on round trips, locks, timers). The arithmetic is pure; `CpuMeter` does the reading.
import { performance } from 'node:perf_hooks';
import { childrenOf, readMachineStat, readProcessTimes, ticksPerSecond } from './proc.js';

/** A named set of processes, read at each sample: its CPU so far, in clock ticks. */
export type ProcessGroup = () => number;

export interface CpuSample {
  readonly atMs: number;
  readonly machine: { readonly busy: number; readonly total: number };
  readonly groups: Readonly<Record<string, number>>;
}

export interface PhaseCpu {
  readonly phase: string;
  readonly wallSec: number;
  readonly orders: number;
  /** CPU seconds per group over the phase, and per 1,000 orders. */
  readonly processes: ReadonlyArray<{ readonly name: string; readonly cpuSec: number; readonly perThousandOrders: number }>;
  /** The groups above together. */
  readonly listedCpuSec: number;
  /** Every process on the machine (/proc/stat), including anything that is not the benchmark's. */
  readonly machineCpuSec: number;
  /** cores × wall time. */
  readonly capacitySec: number;
  /** Machine busy time over capacity, 0–1. */
  readonly busyShare: number;
  readonly verdict: 'CPU-bound' | 'waiting';
}

/** At or above this share of cores × wall time busy, the phase had no CPU left to go faster with. */
export const cpuBoundShare = 0.9;

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Pure: the difference between two samples, per group and for the machine. */
export function phaseCpu(phase: string, before: CpuSample, after: CpuSample, orders: number, hz: number): PhaseCpu {
  const wallSec = (after.atMs - before.atMs) / 1000;
  const machineTotal = after.machine.total - before.machine.total;
  const busyShare = machineTotal > 0 ? (after.machine.busy - before.machine.busy) / machineTotal : 0;
  const processes = Object.keys(after.groups).map((name) => {
    const cpuSec = Math.max(0, ((after.groups[name] ?? 0) - (before.groups[name] ?? 0)) / hz);
    return { name, cpuSec: round(cpuSec), perThousandOrders: orders > 0 ? round((cpuSec / orders) * 1000, 3) : Number.NaN };
  });
  return {
    phase,
    wallSec: round(wallSec),
    orders,
    processes,
    listedCpuSec: round(processes.reduce((sum, process) => sum + process.cpuSec, 0)),
    machineCpuSec: round((after.machine.busy - before.machine.busy) / hz),
    // /proc/stat's total counts every core's ticks, busy or idle: cores × wall time, as the kernel saw it.
    capacitySec: round(machineTotal / hz),
    busyShare: round(busyShare, 3),
    verdict: busyShare >= cpuBoundShare ? 'CPU-bound' : 'waiting',
  };
}

/** The CPU of these processes, their own and that of their children they have reaped. */
export const processes =
  (...pids: readonly number[]): ProcessGroup =>
  () =>
    pids.reduce((sum, pid) => {
      const times = readProcessTimes(pid);
      return sum + (times ? times.own + times.reapedChildren : 0);
    }, 0);

/**
 * A process and all its live children, plus the children it has reaped: PostgreSQL's postmaster,
 * whose backends come and go during a phase. A backend that exits moves its time into the
 * postmaster's reaped children. One that is reaped while the children are listed would be in
 * neither reading (gone from the list, not yet in the root's count when that was read) or in both,
 * so the root is read before and after the list, and the reading repeats until nothing was reaped
 * in between.
 */
export function treeTicks(readRoot: () => number, readChildren: () => number, attempts = 20): number {
  let before = readRoot();
  for (let attempt = 1; ; attempt++) {
    const children = readChildren();
    const after = readRoot();
    if (after === before || attempt >= attempts) return after + children;
    before = after;
  }
}

export const processTree =
  (root: number): ProcessGroup =>
  () =>
    treeTicks(processes(root), () => childrenOf(root).reduce((sum, child) => sum + child.own + child.reapedChildren, 0));

/** This process's own threads (the benchmark's driver). */
export const thisProcess: ProcessGroup = () => readProcessTimes(process.pid)?.own ?? 0;

/** The children this process has waited for: load generators and tools, each counted once it exits. */
export const reapedChildren: ProcessGroup = () => readProcessTimes(process.pid)?.reapedChildren ?? 0;

/** Measures phases: samples before and after, keeps every phase's result in `phases`. */
export class CpuMeter {
  readonly phases: PhaseCpu[] = [];

  constructor(private readonly groups: Readonly<Record<string, ProcessGroup>>) {}

  private sample(extra: Readonly<Record<string, ProcessGroup>>): CpuSample {
    const groups: Record<string, number> = {};
    for (const [name, group] of Object.entries(this.groups)) groups[name] = group() + (extra[name]?.() ?? 0);
    // A group only this phase has (the console's own process, say).
    for (const [name, group] of Object.entries(extra)) if (!(name in this.groups)) groups[name] = group();
    return { atMs: performance.now(), machine: readMachineStat(), groups };
  }

  /**
   * Starts a phase; the function it returns ends it with the orders it moved and records it. `extra`
   * adds processes to a group for this phase only (the processor a catch-up starts), or a group of
   * its own.
   */
  start(phase: string, extra: Readonly<Record<string, ProcessGroup>> = {}): (orders: number) => PhaseCpu {
    const before = this.sample(extra);
    return (orders) => {
      const measured = phaseCpu(phase, before, this.sample(extra), orders, ticksPerSecond);
      this.phases.push(measured);
      return measured;
    };
  }

  /** `work` as one phase. */
  async around<T>(
    phase: string,
    work: () => Promise<T>,
    orders: (result: T) => number,
    extra: Readonly<Record<string, ProcessGroup>> = {},
  ): Promise<T> {
    const end = this.start(phase, extra);
    const result = await work();
    end(orders(result));
    return result;
  }
}

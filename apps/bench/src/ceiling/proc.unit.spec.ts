import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMachineStat, parseProcessStat } from './proc.js';

// Lines read from /proc on the development machine: the Kafka JVM, a kernel worker, a process whose
// name holds spaces, and /proc/stat.
const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', name), 'utf8');

describe('parseProcessStat', () => {
  it('reads utime + stime and cutime + cstime (fields 14–17) and the parent', () => {
    expect(parseProcessStat(sample('proc-pid-stat-kafka.txt'))).toEqual({ pid: 21785, ppid: 1, own: 11830 + 3749, reapedChildren: 0 });
  });

  it('counts fields after the last parenthesis, so a name with spaces or slashes does not shift them', () => {
    expect(parseProcessStat(sample('proc-pid-stat-spaces.txt'))).toEqual({ pid: 10587, ppid: 10585, own: 35 + 7, reapedChildren: 0 });
    expect(parseProcessStat(sample('proc-pid-stat-kworker.txt'))).toMatchObject({ pid: 44, ppid: 2, own: 1609 });
  });

  it('refuses what is not a stat line', () => {
    expect(() => parseProcessStat('no such process')).toThrow(/not a \/proc/);
  });
});

describe('parseMachineStat', () => {
  it('counts user, nice, system, irq, softirq and steal as busy, and idle and iowait on top for the total', () => {
    const busy = 938268 + 20694 + 180547 + 0 + 19488 + 425;

    expect(parseMachineStat(sample('proc-stat.txt'))).toEqual({ busy, total: busy + 623365 + 4792 });
  });
});

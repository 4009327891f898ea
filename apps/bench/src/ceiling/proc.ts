// Reading Linux's process accounting: /proc/<pid>/stat and /proc/stat. The parsers are pure (unit
// tested with real lines); the readers are the only I/O.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of one process, in clock ticks, and its parent. */
export interface ProcessTimes {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime: its own threads. */
  readonly own: number;
  /** cutime + cstime: its children that have exited and been waited for (a backend, a load generator). */
  readonly reapedChildren: number;
}

/** One line of /proc/<pid>/stat. The command name may hold spaces and parentheses: fields start after the last `)`. */
export function parseProcessStat(line: string): ProcessTimes {
  const close = line.lastIndexOf(')');
  const pid = Number(line.slice(0, line.indexOf(' ')));
  // Fields from the 3rd (state) on; utime is the 14th field of the line, so index 11 here.
  const fields = line
    .slice(close + 2)
    .trim()
    .split(' ')
    .map(Number);
  const [ppid, utime, stime, cutime, cstime] = [fields[1], fields[11], fields[12], fields[13], fields[14]];
  if (close < 0 || [pid, ppid, utime, stime, cutime, cstime].some((value) => value === undefined || !Number.isFinite(value))) {
    throw new Error(`not a /proc/<pid>/stat line: ${line.slice(0, 200)}`);
  }
  return { pid, ppid: ppid ?? 0, own: (utime ?? 0) + (stime ?? 0), reapedChildren: (cutime ?? 0) + (cstime ?? 0) };
}

/** The machine's busy and total clock ticks over all cores, from the first line of /proc/stat. */
export function parseMachineStat(text: string): { readonly busy: number; readonly total: number } {
  const fields = text
    .match(/^cpu\s+(.*)$/m)?.[1]
    ?.trim()
    .split(/\s+/)
    .map(Number);
  if (!fields || fields.length < 8) throw new Error('no cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

export function readProcessTimes(pid: number): ProcessTimes | undefined {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // Gone between listing and reading: its time is in its parent's reaped children, if anywhere.
    return undefined;
  }
}

/** Every live process whose parent is `ppid` (PostgreSQL's backends under the postmaster). */
export function childrenOf(ppid: number): ProcessTimes[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      const times = readProcessTimes(Number(name));
      return times && times.ppid === ppid ? [times] : [];
    });
}

export const readMachineStat = () => parseMachineStat(readFileSync('/proc/stat', 'utf8'));

/** Clock ticks per second (USER_HZ), as the kernel counts the figures above. */
export const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

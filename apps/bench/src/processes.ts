import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadJob } from './load/load.js';

const here = import.meta.dirname;

/** Runs one load job in its own process and returns its JSON result. */
export function runLoad<T = LoadResult>(job: LoadJob): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(here, 'load/load.ts'), JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`load generator exited ${code}: ${output.slice(-500)}`));
      else resolvePromise(JSON.parse(last) as T);
    });
  });
}

export interface LoadResult {
  readonly offeredRate: number | null;
  readonly durationSec: number;
  readonly accepted: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly throughput: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p99_9: number; max: number };
  readonly e2e?: {
    orders: number;
    neverSeen: number;
    p50: number;
    p90: number;
    p99: number;
    p99_9: number;
    max: number;
    samples: number[];
  };
}

/** A process's resident set size now (VmRSS) or its peak so far (VmHWM), in MB. */
export function residentMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Peak resident set size of a process so far (VmHWM), in MB. */
export const peakRssMb = (pid: number): number => residentMb(pid, 'VmHWM');

// The console's own cost: the console process (its server, its watchers of the live deployment, its
// load generator's client and one page's stream), not the order-api and order-processor it deploys,
// which are processes of their own and accounted as Ouro's apps. Measured idle, then while its load
// generator sends orders at each rate, with a page following the stream as a browser would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@ouro/infra';
import { type CpuMeter, processes } from '../ceiling/index.js';
import { childrenOf, readProcessTimes } from '../ceiling/proc.js';
import { peakRssMb, residentMb } from '../processes.js';

const root = resolve(import.meta.dirname, '../../../..');

export interface ConsolePhase {
  readonly label: string;
  /** The load generator's rate; 0 when idle. */
  readonly ratePerSecond: number;
  readonly seconds: number;
  /** Orders the console's deployment took in the phase, by the console's own per-second counts. */
  readonly orders: number;
  /** The console process's CPU, as a share of one core. */
  readonly cpuShareOfCore: number;
  /** Resident set of the console process at the end of the phase. */
  readonly rssMb: number;
  /** What the page received: events and kB a second. */
  readonly streamEventsPerSecond: number;
  readonly streamKbPerSecond: number;
  /** The console followed 1 order in this many step by step (1: every order). */
  readonly sampleEvery: number;
}

export interface ConsoleCost {
  readonly phases: readonly ConsolePhase[];
  readonly peakRssMb: number;
}

interface Snapshot {
  readonly live: { readonly state: string; readonly message?: string };
  readonly metrics: ReadonlyArray<{ readonly t: number; readonly commandsPerSecond: number; readonly sampleEvery: number }>;
}

/** One page's stream, read to the end and counted: what a browser following the console receives. */
function followStream(url: string) {
  const counted = { events: 0, bytes: 0 };
  const abort = new AbortController();
  const done = fetch(`${url}/api/stream`, { signal: abort.signal })
    .then(async (response) => {
      if (!response.body) throw new Error('the stream has no body');
      for await (const chunk of response.body) {
        const text = Buffer.from(chunk as Uint8Array);
        counted.bytes += text.length;
        counted.events += text.toString().split('\n\n').length - 1;
      }
    })
    .catch((error: unknown) => {
      if (!abort.signal.aborted) throw error;
    });
  const stop = () => {
    abort.abort();
    return done;
  };
  return { counted, stop };
}

export async function measureConsole({
  rates,
  phaseSec,
  cpu,
  say,
}: {
  readonly rates: readonly number[];
  readonly phaseSec: number;
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}): Promise<ConsoleCost> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // As `npm start` runs it (through tsx), its faults on the stack's own services off.
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'apps/console/src/main.ts')], {
    cwd: root,
    env: { ...process.env, CONSOLE_PORT: String(port), CONSOLE_STACK_FAULTS: 'off', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid ?? -1;
  const exited = new Promise((gone) => child.once('exit', gone));
  const snapshot = async () => (await (await fetch(`${url}/api/state`)).json()) as Snapshot;
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const state = await snapshot().catch(() => undefined);
      if (state?.live.state === 'running') break;
      if (state?.live.state === 'failed') throw new Error(`the console's deployment failed: ${state.live.message}`);
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('the console did not get its deployment running in 180 s');
      await sleep(500);
    }
    // Its deployment's apps are its children: accounted as Ouro's apps, not as the console.
    const children = childrenOf(pid).map((times) => ({ pid: times.pid, command: readFileSync(`/proc/${times.pid}/cmdline`, 'utf8') }));
    const appPids = (name: string) => children.filter(({ command }) => command.includes(`apps/${name}/`)).map((app) => app.pid);
    const ownOnly = () => readProcessTimes(pid)?.own ?? 0;
    const page = followStream(url);
    const phases: ConsolePhase[] = [];
    for (const rate of [0, ...rates]) {
      const label = rate === 0 ? 'idle, one page open' : `${rate} orders/s, one page open`;
      say(`console · ${label} (${phaseSec}s)`);
      await fetch(`${url}/api/load`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ratePerSecond: rate }),
      });
      await sleep(3_000);
      const from = Date.now();
      const before = { events: page.counted.events, bytes: page.counted.bytes };
      const end = cpu.start(`console · ${label}`, {
        console: ownOnly,
        'order-api': processes(...appPids('order-api')),
        'order-processor': processes(...appPids('order-processor')),
      });
      await sleep(phaseSec * 1_000);
      const seconds = (Date.now() - from) / 1000;
      const points = (await snapshot()).metrics.filter((point) => point.t > from && point.t <= Date.now());
      const orders = points.reduce((sum, point) => sum + point.commandsPerSecond, 0);
      // The console's own CPU, as the phase's accounting read it.
      const consoleCpuSec = end(orders).processes.find((process) => process.name === 'console')?.cpuSec ?? 0;
      phases.push({
        label,
        ratePerSecond: rate,
        seconds: Math.round(seconds * 10) / 10,
        orders,
        cpuShareOfCore: Math.round((consoleCpuSec / seconds) * 1000) / 1000,
        rssMb: residentMb(pid, 'VmRSS'),
        streamEventsPerSecond: Math.round((page.counted.events - before.events) / seconds),
        streamKbPerSecond: Math.round(((page.counted.bytes - before.bytes) / 1024 / seconds) * 10) / 10,
        sampleEvery: Math.max(1, ...points.map((point) => point.sampleEvery)),
      });
    }
    await fetch(`${url}/api/load`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"ratePerSecond":0}' });
    await page.stop();
    return { phases, peakRssMb: peakRssMb(pid) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../../..');

/**
 * The Node flags production runs the bundles with (the image's `NODE_OPTIONS`): stack traces in
 * source terms, and an old generation sized for one app instead of V8's default for a whole
 * machine. Left to its default, V8 lets the old generation grow with the allocation rate long
 * before it collects: 300–350 MB resident under load for a live set of a few tens of MB. Capped at
 * 128 MB, order-api peaked at 165–175 MB at saturation, and held 8,000 requests waiting on a
 * partitioned Kafka link (a 223 MB peak) and served again once it healed. The young generation
 * keeps its default: halving it cost order-api half as much time again in the garbage collector.
 */
export const productionNodeOptions: readonly string[] = ['--enable-source-maps', '--max-old-space-size=128'];

export type AppName = 'order-api' | 'order-processor';

export interface RunningApp {
  readonly name: string;
  readonly pid: number;
  /** Where the app serves (a free port): order-api's base URL, order-processor's /metrics, /live and /ready. */
  readonly url: string;
  /** Every log line so far, for failure messages. */
  readonly output: string[];
  /** Sends `signal` and resolves with the exit code (or signal name) once the process is gone and its output read. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface LogLine {
  readonly msg?: string;
  readonly url?: string;
}

/** When a started process counts as ready. */
export interface ReadyWhen {
  /** Recognises the JSON log line that says where the process serves; its value is the process's URL. */
  readonly serving: (line: LogLine) => string | undefined;
  /** Then, if given, the path polled at that URL until it answers 200 (a readiness probe). */
  readonly probe?: string;
}

/** Ready when a Fastify server says where it listens; the value is its URL. */
export const listening = (line: LogLine) => line.msg?.match(/^Server listening at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];

const isReady: Record<AppName, ReadyWhen> = {
  'order-api': { serving: listening },
  // Its own readiness, as an orchestrator probes it: in its consumer group, no partition stalled.
  'order-processor': {
    serving: (line) => (line.msg === 'serving /metrics, /live and /ready' ? line.url : undefined),
    probe: '/ready',
  },
};

export interface StartOptions {
  readonly timeoutMs?: number;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeOptions?: readonly string[];
  /** The working directory (default: the repository). */
  readonly cwd?: string;
  /**
   * Runs the app's esbuild bundles (`dist/instrumentation.js`, then `dist/main.js`, built by `turbo
   * run build`) on plain Node with `productionNodeOptions`, as the image does, instead of its sources through tsx.
   */
  readonly bundle?: boolean;
}

/**
 * Runs an app as its own process, as `npm start` does, so tests can kill it for real (SIGKILL
 * included). Resolves once it is ready: order-api listening, order-processor's /ready answering 200.
 */
export function startApp(
  name: AppName,
  env: Readonly<Record<string, string>>,
  { nodeOptions = [], bundle, ...options }: StartOptions = {},
): Promise<RunningApp> {
  const app = (file: string) => resolve(root, 'apps', name, file);
  // Its instrumentation first, as `npm start` and the image load it: tracing hooks the libraries before the app imports them.
  const command = bundle
    ? [process.execPath, ...productionNodeOptions, ...nodeOptions, '--import', app('dist/instrumentation.js'), app('dist/main.js')]
    : [process.execPath, ...nodeOptions, '--import', 'tsx', '--import', app('src/instrumentation.ts'), app('src/main.ts')];
  return startCommand(name, command, env, isReady[name], options);
}

/** Runs any TypeScript entry point as its own process; ready when `ready` recognises a JSON log line (and its probe answers). */
export function startScript(
  name: string,
  script: string,
  env: Readonly<Record<string, string>>,
  ready: ReadyWhen | ReadyWhen['serving'],
  { nodeOptions = [], ...options }: StartOptions = {},
): Promise<RunningApp> {
  // `--import tsx`, not the tsx CLI: the CLI runs the app in a child of its own, which a SIGKILL would miss.
  return startCommand(name, [process.execPath, ...nodeOptions, '--import', 'tsx', script], env, ready, options);
}

/** Ready as `startApp` waits for it: order-api listening, order-processor's /ready answering 200. */
export const appIsReady = (name: AppName) => isReady[name];

/**
 * Runs any command as its own process (a built app's launcher, say); ready when `ready` recognises
 * a JSON log line and, if it names a probe, that probe answers 200. The environment is the test's,
 * with `env` over it.
 */
export function startCommand(
  name: string,
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  ready: ReadyWhen | ReadyWhen['serving'],
  { timeoutMs = 60_000, cwd = root }: Omit<StartOptions, 'nodeOptions' | 'bundle'> = {},
): Promise<RunningApp> {
  const [program = '', ...args] = command;
  const child: ChildProcess = spawn(program, args, {
    cwd,
    // Free ports: tests and chaos runs start several apps side by side.
    env: { ...process.env, API_PORT: '0', PROCESSOR_HTTP_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  // 'close', not 'exit': by then the process's output has been read to the end, so `output` is complete.
  const exited = new Promise<number | string>((resolveExit) =>
    child.once('close', (code, signal) => resolveExit(code ?? signal ?? 'unknown')),
  );

  const { serving, probe } = typeof ready === 'function' ? { serving: ready, probe: undefined } : ready;
  return new Promise((resolveStart, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`)), timeoutMs);
    const succeed = (url: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveStart({
        name,
        pid: child.pid ?? -1,
        url,
        output,
        kill: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    /** Polls the probe until it answers 200, or the start has failed (timed out, exited). */
    const probeUntilReady = async (url: string, path: string) => {
      while (!settled) {
        const status = await fetch(`${url}${path}`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 200) return succeed(url);
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
    };
    let served = false;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (text) => {
        output.push(text);
        if (served) return;
        let line: LogLine = {};
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        const url = serving(line);
        if (!url) return;
        served = true;
        if (probe) void probeUntilReady(url, probe);
        else succeed(url);
      });
    }
    void exited.then((code) => fail(new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`)));
  });
}

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../../..');

export type AppName = 'order-api' | 'order-processor';

export interface RunningApp {
  readonly name: string;
  readonly pid: number;
  /** order-api's base URL (it listens on a free port). */
  readonly url: string;
  /** Every log line so far, for failure messages. */
  readonly output: string[];
  /** Sends `signal` and resolves with the exit code (or signal name) once the process is gone and its output read. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

export interface LogLine {
  readonly msg?: string;
}

/** Ready when a Fastify server says where it listens; the value is its URL. */
export const listening = (line: LogLine) => line.msg?.match(/^Server listening at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];

const isReady: Record<AppName, (line: LogLine) => string | undefined> = {
  'order-api': listening,
  'order-processor': (line) => (line.msg === 'joined the consumer group' ? 'ready' : undefined),
};

export interface StartOptions {
  readonly timeoutMs?: number;
  /** Extra Node flags, e.g. `--cpu-prof`. */
  readonly nodeOptions?: readonly string[];
  /** The working directory (default: the repository). */
  readonly cwd?: string;
  /** Runs the app's esbuild bundle (`dist/main.js`, built by `turbo run build`) on plain Node, as production does, instead of its sources through tsx. */
  readonly bundle?: boolean;
}

/**
 * Runs an app as its own process, as `npm start` does, so tests can kill it for real (SIGKILL
 * included). Resolves once it reports ready: order-api listening, order-processor in its group.
 */
export function startApp(
  name: AppName,
  env: Readonly<Record<string, string>>,
  { bundle, ...options }: StartOptions = {},
): Promise<RunningApp> {
  if (bundle) {
    const main = resolve(root, 'apps', name, 'dist/main.js');
    return startCommand(
      name,
      [process.execPath, '--enable-source-maps', ...(options.nodeOptions ?? []), main],
      env,
      isReady[name],
      options,
    );
  }
  return startScript(name, resolve(root, 'apps', name, 'src/main.ts'), env, isReady[name], options);
}

/** Runs any TypeScript entry point as its own process; ready when `ready` recognises a JSON log line. */
export function startScript(
  name: string,
  script: string,
  env: Readonly<Record<string, string>>,
  ready: (line: LogLine) => string | undefined,
  { nodeOptions = [], ...options }: StartOptions = {},
): Promise<RunningApp> {
  // `--import tsx`, not the tsx CLI: the CLI runs the app in a child of its own, which a SIGKILL would miss.
  return startCommand(name, [process.execPath, ...nodeOptions, '--import', 'tsx', script], env, ready, options);
}

/** Ready as `startApp` waits for it: order-api listening, order-processor in its group. */
export const appIsReady = (name: AppName) => isReady[name];

/**
 * Runs any command as its own process (a built app's launcher, say); ready when `ready` recognises
 * a JSON log line. The environment is the test's, with `env` over it.
 */
export function startCommand(
  name: string,
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  ready: (line: LogLine) => string | undefined,
  { timeoutMs = 60_000, cwd = root }: Omit<StartOptions, 'nodeOptions'> = {},
): Promise<RunningApp> {
  const [program = '', ...args] = command;
  const child: ChildProcess = spawn(program, args, {
    cwd,
    env: { ...process.env, API_PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  // 'close', not 'exit': by then the process's output has been read to the end, so `output` is complete.
  const exited = new Promise<number | string>((resolveExit) =>
    child.once('close', (code, signal) => resolveExit(code ?? signal ?? 'unknown')),
  );

  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} not ready after ${timeoutMs} ms:\n${output.slice(-20).join('\n')}`)),
      timeoutMs,
    );
    let started = false;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (text) => {
        output.push(text);
        if (started) return;
        let line: LogLine = {};
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          return;
        }
        const readyValue = ready(line);
        if (!readyValue) return;
        started = true;
        clearTimeout(timer);
        resolveStart({
          name,
          pid: child.pid ?? -1,
          url: readyValue,
          output,
          kill: (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      });
    }
    void exited.then((code) => {
      if (started) return;
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-20).join('\n')}`));
    });
  });
}

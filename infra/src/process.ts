import { type SpawnOptions, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`\`${command}\` exited with ${exitCode}\n${output.trim().split('\n').slice(-15).join('\n')}`);
  }
}

/** Runs a command to completion, capturing its output; throws CommandFailed on a non-zero exit. */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', (error) => reject(new CommandFailed([command, ...args].join(' '), null, error.message)));
    child.on('close', (code) =>
      code === 0 ? resolvePromise(output) : reject(new CommandFailed([command, ...args].join(' '), code, output)),
    );
  });
}

export async function commandExists(command: string): Promise<boolean> {
  try {
    await run('sh', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

/** Starts a long-running process detached from us, output appended to `logFile`, pid recorded in `pidFile`. */
export function spawnDaemon(command: string, args: readonly string[], logFile: string, pidFile: string, cwd?: string): number {
  mkdirSync(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', log, log] });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  return child.pid;
}

/**
 * The live process a pid file names. With `command`, only if its command line contains that text
 * (or matches that pattern): a pid left behind by a crash may since have been given to an unrelated process.
 */
export function readPid(pidFile: string, command?: string | RegExp): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim().split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const line = command === undefined ? '' : commandLine(pid);
  if (typeof command === 'string' && !line.includes(command)) return undefined;
  if (command instanceof RegExp && !command.test(line)) return undefined;
  return pid;
}

/** The process's command line (Linux `/proc`), arguments joined by spaces; empty when unknown. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Alive and not a zombie: a killed child of ours is a zombie until reaped, and gone for every purpose. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // `pid (command) S …`: the state follows the last parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Resolves once the process is gone. */
export async function waitForExit(pid: number): Promise<void> {
  while (isAlive(pid)) await sleep(50);
}

/** SIGKILL, as a crash: no shutdown hook runs. Resolves once the process is gone. */
export async function killProcess(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  await waitForExit(pid);
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(pid: number, graceMs = 30_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) await killProcess(pid);
}

export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** True when something accepts TCP connections on host:port. */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolvePromise(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls `check` until it returns true, or throws after `timeoutMs` with the last error seen. */
export async function pollUntil(
  check: () => Promise<boolean>,
  { timeoutMs, intervalMs = 250, isFatal }: { timeoutMs: number; intervalMs?: number; isFatal?: () => string | undefined },
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      lastError = error;
    }
    const fatal = isFatal?.();
    if (fatal) throw new Error(fatal);
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`not ready after ${Math.round(timeoutMs / 1000)}s${reason}`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Stopping, crashing and recognising a daemon the stack started and knows by its pid file. `ownedPid`
 * answers only for a process that is still ours (its command line checked), so a pid reused by
 * another process is never signalled.
 */
export function daemonLifecycle(pidFile: string, ownedPid: () => number | undefined, stopGraceMs?: number) {
  return {
    async stop(): Promise<void> {
      const running = ownedPid();
      if (running) await stopProcess(running, stopGraceMs);
      removeFile(pidFile);
    },
    async crash(): Promise<void> {
      const running = ownedPid();
      if (running) await killProcess(running);
    },
    isOwned: () => ownedPid() !== undefined,
  };
}

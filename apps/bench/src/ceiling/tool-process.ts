import { spawn } from 'node:child_process';
import { relative } from 'node:path';

export interface ToolRun {
  readonly stdout: string;
  readonly stderr: string;
  /** The command line as it can be typed again from the repository (long arguments elided). */
  readonly command: string;
  readonly seconds: number;
}

/** How a command is shown in the report: paths from the repository, bulky arguments (row arrays) by their size. */
export function displayCommand(root: string, command: string, args: readonly string[]): string {
  const shown = [command, ...args].map((arg) => {
    const text = arg.replaceAll(`${root}/`, '');
    if (text.length > 160) return `${text.slice(0, text.indexOf('=') + 1 || 40)}<${text.length} characters>`;
    return /^[\w@%+=:,./*-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
  });
  return shown.join(' ');
}

/** Runs a tool to its end; rejects with the end of its stderr when it fails, so no failed run becomes a figure. */
export function runTool(
  root: string,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): Promise<ToolRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const shown = displayCommand(root, command, args);
      if (code !== 0) reject(new Error(`\`${shown}\` exited with ${code}:\n${(stderr || stdout).slice(-2_000)}`));
      else resolve({ stdout, stderr, command: shown, seconds: Math.round((performance.now() - started) / 100) / 10 });
    });
  });
}

export const fromRoot = (root: string, path: string) => relative(root, path);

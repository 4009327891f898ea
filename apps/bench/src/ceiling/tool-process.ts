import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface ToolRun {
  readonly stdout: string;
  readonly stderr: string;
  /** The command line as it can be typed again from the repository (long arguments elided). */
  readonly command: string;
  readonly seconds: number;
}

export interface ToolOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** Shown instead of a literal argument: `"$DATABASE_URL"` rather than the URL and its password. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Keeps the tool's whole output in this file, for a look at a figure later. */
  readonly keep?: string;
}

/**
 * How a command is shown: paths from the repository, aliases, and arguments longer than `bulky`
 * (pgbench's row arrays, in the report) by their size. With `bulky` = Infinity it can be pasted
 * into a shell as it is.
 */
export function displayCommand(
  root: string,
  command: string,
  args: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
  bulky = 1_000,
): string {
  const shown = [command, ...args].map((arg) => {
    const alias = Object.entries(aliases).find(([literal]) => arg.includes(literal));
    if (alias) return arg.replace(alias[0], alias[1]);
    const text = arg.replaceAll(`${root}/`, '');
    if (text.length > bulky) return `${text.slice(0, text.indexOf('=') + 1 || 40)}<${text.length} characters>`;
    return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
  });
  return shown.join(' ');
}

/** Runs a tool to its end; rejects with the end of its output when it fails, so no failed run becomes a figure. */
export function runTool(root: string, command: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
      const shown = displayCommand(root, command, args, options.aliases);
      // The kept output starts with the whole command, every argument in full: it runs again as it is.
      const whole = displayCommand(root, command, args, options.aliases, Number.POSITIVE_INFINITY);
      if (options.keep) writeFileSync(options.keep, `$ ${whole}\n${stdout}\n--- stderr ---\n${stderr}`);
      if (code !== 0) reject(new Error(`\`${shown}\` exited with ${code}:\n${(stderr || stdout).slice(-2_000)}`));
      else resolve({ stdout, stderr, command: shown, seconds: Math.round((performance.now() - started) / 100) / 10 });
    });
  });
}

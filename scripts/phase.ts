import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');

const color = process.stdout.isTTY && !process.env.NO_COLOR;
export const bold = (text: string) => (color ? `\x1b[1m${text}\x1b[0m` : text);

/** Runs one named phase of a command and prints how long it took. */
export async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const started = Date.now();
  console.log(bold(`\n── ${name}`));
  const result = await body();
  console.log(bold(`── ${name} done in ${((Date.now() - started) / 1000).toFixed(1)}s`));
  return result;
}

/** Ends the command on an error that has already been explained, with its message and no stack trace. */
export function exitWith(error: unknown): never {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

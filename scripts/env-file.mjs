// `.env` (see .env.example) at the repository's root, for every command `scripts/ouro.mjs` runs and
// every process it starts. Plain Node, like ouro.mjs, which imports it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `<root>/.env`, if there is one, into `env`: a variable already set (by the shell, say)
 * wins over the file. Returns the names it set.
 */
export function loadEnvFile(root, env = process.env) {
  const file = join(root, '.env');
  if (!existsSync(file)) return [];
  const set = [];
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, 'utf8')))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    set.push(name);
  }
  return set;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall } from './install.js';
import { commandExists } from './process.js';
import type { Report } from './service.js';
import { findBinDir } from './services/postgres.js';

/** PostgreSQL's and Redis's own client tools, as absolute paths or commands on the PATH. */
export interface ClientTools {
  readonly pgbench: string;
  readonly psql: string;
  readonly redisCli: string;
  readonly redisBenchmark: string;
}

/**
 * pgbench and psql of the newest PostgreSQL installed from Debian's packages (Debian ships pgbench
 * with the server, so the same `postgresql` package the stack installs), redis-cli and
 * redis-benchmark from `redis-tools`: installed with apt-get when missing, as the stack installs its
 * servers, so that the benchmark also runs against a stack that lives elsewhere.
 */
export async function ensureClientTools(report: Report = () => {}): Promise<ClientTools> {
  let binDir = findBinDir();
  if (!binDir || !existsSync(join(binDir, 'pgbench'))) {
    await aptInstall(['postgresql'], report);
    binDir = findBinDir();
  }
  if (!binDir || !existsSync(join(binDir, 'pgbench')) || !existsSync(join(binDir, 'psql'))) {
    throw new Error('postgresql installed, but no pgbench and psql under /usr/lib/postgresql/*/bin');
  }
  if (!(await commandExists('redis-benchmark')) || !(await commandExists('redis-cli'))) await aptInstall(['redis-tools'], report);
  return { pgbench: join(binDir, 'pgbench'), psql: join(binDir, 'psql'), redisCli: 'redis-cli', redisBenchmark: 'redis-benchmark' };
}

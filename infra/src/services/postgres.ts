import type { SpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { StackConfig } from '../config.js';
import { aptInstall } from '../install.js';
import { isAlive, run, waitForExit } from '../process.js';
import type { Service } from '../service.js';

const isRoot = process.getuid?.() === 0;

/** The newest PostgreSQL server installed from Debian's packages, if any. */
export function findBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((version) => existsSync(join(base, version, 'bin/initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(base, versions[0], 'bin') : undefined;
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root: initdb and the server refuse root. */
function asServerUser(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  return isRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args], options) : run(command, args, options);
}

/** PostgreSQL from Debian's packages, in a cluster of its own under the stack directory. */
export function postgresService(config: StackConfig): Service {
  const { host, port, url, database, user } = config.postgres;
  const link = join(config.stateDir, 'postgres');
  let binDir = findBinDir();

  const bin = (tool: string) => join(binDir ?? '', tool);
  /** The cluster's real directory: `postgres` must reach every path it is given, so no symlinks. */
  const home = () => (existsSync(link) ? realpathSync(link) : link);
  const dataDir = () => join(home(), 'data');
  const socketDir = () => join(home(), 'run');
  const log = () => join(home(), 'server.log');

  /**
   * The server runs as `postgres`, which must reach its directory. When the checkout sits under a
   * directory that user cannot enter (a private temp dir), the cluster goes to /var/tmp behind a symlink.
   */
  async function prepareHome(): Promise<void> {
    if (existsSync(link)) return;
    mkdirSync(link, { recursive: true });
    if (!isRoot) {
      mkdirSync(socketDir(), { recursive: true });
      return;
    }
    await run('chown', ['postgres:postgres', link]);
    const reachable = await run('runuser', ['-u', 'postgres', '--', 'test', '-w', link]).then(
      () => true,
      () => false,
    );
    if (!reachable) {
      await run('rmdir', [link]);
      const outside = `/var/tmp/ouro-postgres-${createHash('sha256').update(config.stateDir).digest('hex').slice(0, 12)}`;
      mkdirSync(outside, { recursive: true });
      await run('chown', ['postgres:postgres', outside]);
      symlinkSync(outside, link);
    }
    await asServerUser('mkdir', ['-p', socketDir()]);
  }

  async function ensureDatabase(): Promise<void> {
    const admin = new pg.Client({ host, port, user, database: 'postgres', connectionTimeoutMillis: 2_000 });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [database]);
      if (!rowCount) await admin.query(`create database "${database.replaceAll('"', '""')}"`);
    } finally {
      await admin.end();
    }
  }

  function serverPid(): number | undefined {
    const file = join(dataDir(), 'postmaster.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && isAlive(pid) ? pid : undefined;
  }

  async function pgCtlStop(mode: 'fast' | 'immediate'): Promise<void> {
    const pid = serverPid();
    if (!pid) return;
    await asServerUser(bin('pg_ctl'), ['-D', dataDir(), '-m', mode, '-w', 'stop']);
    await waitForExit(pid);
  }

  return {
    name: 'postgres',
    address: url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1@'),
    get logFile() {
      return log();
    },
    startTimeoutMs: 60_000,
    hints: [
      `port ${port} taken by another PostgreSQL (Debian's own cluster? \`pg_lsclusters\`, or \`ss -ltnp\`)`,
      'the postgresql package could not be installed (apt-get output is in the error above)',
    ],
    async isReady() {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      await client.connect();
      try {
        await client.query('select 1');
        return true;
      } finally {
        await client.end();
      }
    },
    async provision(report) {
      if (!binDir) {
        await aptInstall(['postgresql'], report);
        binDir = findBinDir();
        if (!binDir) throw new Error('postgresql installed, but no initdb under /usr/lib/postgresql/*/bin');
      }
      await prepareHome();
      if (!existsSync(join(dataDir(), 'PG_VERSION'))) {
        report('initialising a new cluster');
        await asServerUser(bin('initdb'), ['-D', dataDir(), '-U', user, '--auth=trust', '-E', 'UTF8', '--locale=C']);
      }
    },
    async start() {
      // Detached: the server must not share our process group, or Ctrl-C on `npm start` would stop it.
      const options = [`-p ${port}`, `-k ${socketDir()}`, `-c listen_addresses=${host}`, '-c wal_level=logical', '-c max_connections=200'];
      await asServerUser(bin('pg_ctl'), ['-D', dataDir(), '-l', log(), '-w', '-t', '60', '-o', options.join(' '), 'start'], {
        detached: true,
      });
      await ensureDatabase();
    },
    async stop() {
      await pgCtlStop('fast');
    },
    async crash() {
      // Immediate: the server quits without a checkpoint and recovers from the WAL at the next start.
      // A SIGKILL of the postmaster alone would leave its children and shared memory behind.
      await pgCtlStop('immediate');
    },
    isOwned: () => serverPid() !== undefined,
    dataDirs: () => [dataDir()],
  };
}

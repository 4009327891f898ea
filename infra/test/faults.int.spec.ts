import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { crashService, NotStartedByStack, startService } from '../src/faults.js';
import { isPortOpen } from '../src/process.js';
import { stackDown, stackUp } from '../src/stack.js';

// A PostgreSQL and a Redis of their own, in a directory of their own on other ports: crashing the
// default stack's would disturb everyone using it.
const stateDir = mkdtempSync('/tmp/ouro-faults-');
// The server runs as `postgres`, which must be able to enter the directory.
chmodSync(stateDir, 0o755);
const config = loadStackConfig({
  ...process.env,
  OURO_STACK_DIR: stateDir,
  KAFKA_BROKERS: '127.0.0.1:28192',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:28181/apis/ccompat/v7',
  DATABASE_URL: 'postgres://ouro:ouro@127.0.0.1:25432/ouro',
  REDIS_URL: 'redis://127.0.0.1:26379',
});
const postgresDir = () => realpathSync(join(stateDir, 'postgres'));

async function query<T>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: config.postgres.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** The postmaster and its children, from its pid file. */
function postgresProcesses(): number[] {
  const postmaster = Number(readFileSync(join(postgresDir(), 'data/postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('pgrep', ['-P', String(postmaster)])
    .toString()
    .trim()
    .split('\n')
    .map(Number);
  return [postmaster, ...children];
}

const isRunning = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

beforeAll(() => stackUp(config, ['postgres', 'redis']), 120_000);

afterAll(async () => {
  const outside = existsSync(join(stateDir, 'postgres')) ? postgresDir() : undefined;
  await stackDown(config, ['postgres', 'redis']);
  rmSync(stateDir, { recursive: true, force: true });
  if (outside) rmSync(outside, { recursive: true, force: true });
}, 60_000);

describe('fault primitives on PostgreSQL and Redis (a second instance)', () => {
  it('crashes PostgreSQL with all its processes, and starts it again with what was committed', async () => {
    await query('create table if not exists fault_probe (id int primary key)');
    await query('insert into fault_probe values (1) on conflict do nothing');
    const processes = postgresProcesses();

    await crashService(config, 'postgres');

    expect(processes.filter(isRunning)).toEqual([]);
    await startService(config, 'postgres');
    expect(await query('select id from fault_probe')).toEqual([{ id: 1 }]);
    expect(readFileSync(join(postgresDir(), 'server.log'), 'utf8')).toMatch(/not properly shut down; automatic recovery in progress/);
  });

  it('kills Redis, and starts it again with what it had acknowledged', async () => {
    const redis = new Redis(config.redis.url);
    await redis.set('fault-probe', 'kept');
    redis.disconnect();

    await crashService(config, 'redis');

    expect(await isPortOpen(config.redis.host, config.redis.port)).toBe(false);
    await startService(config, 'redis');
    const again = new Redis(config.redis.url);
    expect(await again.get('fault-probe')).toBe('kept');
    again.disconnect();
  });

  it('refuses to touch what this stack did not start', async () => {
    await expect(crashService(config, 'kafka')).rejects.toThrow(NotStartedByStack);
    await expect(crashService(config, 'connect')).rejects.toThrow(NotStartedByStack);
    await expect(crashService(config, 'kafka-2')).rejects.toThrow(/runs 1 Kafka node/);
  });
});

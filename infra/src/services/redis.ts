import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { StackConfig } from '../config.js';
import { aptInstall } from '../install.js';
import { logFile, pidFile, serviceDir } from '../paths.js';
import { commandExists, daemonLifecycle, pollUntil, readPid, run } from '../process.js';
import type { Service } from '../service.js';

/** Redis from Debian's packages. */
export function redisService(config: StackConfig): Service {
  const { host, port, url } = config.redis;
  const dataDir = join(serviceDir(config, 'redis'), 'data');
  const log = logFile(config, 'redis');
  const pid = pidFile(config, 'redis');
  // Started as `redis-server --port N …`, a daemonised redis-server soon titles itself `redis-server host:N`.
  const ownedPid = () => readPid(pid, new RegExp(`^redis-server .*[ :]${port}( |$)`));

  return {
    name: 'redis',
    address: url,
    logFile: log,
    startTimeoutMs: 15_000,
    hints: [`port ${port} taken by another program (\`ss -ltnp\`)`, 'redis-server could not be installed (apt-get output above)'],
    async isReady() {
      const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {});
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    async provision(report) {
      if (!(await commandExists('redis-server'))) await aptInstall(['redis-server'], report);
      await run('mkdir', ['-p', dataDir]);
    },
    async start() {
      await run('redis-server', [
        '--port',
        String(port),
        '--bind',
        host,
        '--daemonize',
        'yes',
        '--pidfile',
        pid,
        '--dir',
        dataDir,
        '--logfile',
        log,
        // The cache holds pending orders that exist nowhere else yet: an append-only file keeps them
        // across a restart (at most one second lost, see docs), and nothing is ever evicted.
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--maxmemory-policy',
        'noeviction',
      ]);
      // The daemon writes its pid file a moment after the command returns; until then it would look gone.
      await pollUntil(async () => ownedPid() !== undefined, { timeoutMs: 10_000, intervalMs: 50 });
    },
    // Stopped with SIGTERM, which is Redis's SHUTDOWN: the append-only file is flushed before it exits.
    ...daemonLifecycle(pid, ownedPid),
    dataDirs: () => [dataDir],
  };
}

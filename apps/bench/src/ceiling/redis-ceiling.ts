// Redis's ceiling on this machine for the processor's cache work: the cache's own settle script
// (the Lua of OrderCache), driven by redis-benchmark with keys and values of Ouro's shape.
import { join } from 'node:path';
import { committedChannel, settleScript } from '@ouro/cache';
import type { ClientTools } from '@ouro/infra';
import type { CpuMeter } from './cpu.js';
import type { StoredOrder } from './record-sizes.js';
import { parseRedisBenchmarkCsv, type RedisBenchmarkFigures } from './redis-output.js';
import { runTool } from './tool-process.js';

export interface RedisCeilingPlan {
  readonly requests: number;
}

export interface RedisCeiling {
  readonly settle: RedisBenchmarkFigures & { readonly pipeline: number; readonly clients: number; readonly valueBytes: number };
  readonly commands: readonly string[];
}

interface RedisCeilingInput {
  readonly root: string;
  readonly tools: Pick<ClientTools, 'redisCli' | 'redisBenchmark'>;
  readonly redisUrl: string;
  /** A stored order: the committed entry the processor writes for it is the value. */
  readonly order: StoredOrder;
  /** The processor settles a chunk's orders in one pipeline, `clients` chunks at once. */
  readonly pipeline: number;
  readonly clients: number;
  readonly plan: RedisCeilingPlan;
  readonly workDir: string;
  readonly cpu: CpuMeter;
  readonly say: (text: string) => void;
}

export async function measureRedisCeiling(input: RedisCeilingInput): Promise<RedisCeiling> {
  const { root, tools, redisUrl, order, pipeline, clients, plan, workDir, cpu, say } = input;
  const commands: string[] = [];
  const load = await runTool(root, tools.redisCli, ['-u', redisUrl, 'SCRIPT', 'LOAD', settleScript], {
    aliases: { [redisUrl]: '"$REDIS_URL"' },
  });
  commands.push(`redis-cli -u "$REDIS_URL" SCRIPT LOAD "<settleScript of packages/cache/src/order-cache.ts>"`);
  const sha = load.stdout.trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new Error(`redis-cli SCRIPT LOAD answered ${load.stdout.slice(0, 200)}`);
  // The entry as markCommitted writes it (orderViewFrom + status), for an order of this run.
  const value = JSON.stringify({
    orderId: order.id,
    status: 'committed',
    customerId: order.customerId,
    currency: order.currency,
    items: order.items,
    totalCents: order.totalCents,
    acceptedAt: order.acceptedAt.getTime(),
    committedAt: order.committedAt.getTime(),
  });
  // Keys as long as the cache's (`ouro:order:` + a UUID) but apart from them, fresh ones as in a
  // catch-up, where no pending entry exists yet. A channel of its own: the apps' subscribers must not
  // receive these. A short TTL: the entries are this run's alone, and SET EX costs the same whatever the TTL.
  const id = '00000000-0000-4000-8000-__rand_int__';
  say(`  redis-benchmark: EVALSHA of the settle script, pipelines of ${pipeline}, ${clients} clients`);
  const settle = await cpu.around(
    'ceiling · redis-benchmark, settle script',
    async () => {
      const run = await runTool(
        root,
        tools.redisBenchmark,
        [
          '-u',
          redisUrl,
          '-n',
          String(plan.requests),
          '-c',
          String(clients),
          '-P',
          String(pipeline),
          '-r',
          '1000000000',
          '--csv',
          'EVALSHA',
          sha,
          '1',
          `ceil:order:${id}`,
          value,
          '60',
          `${committedChannel}:ceiling`,
          id,
        ],
        { aliases: { [redisUrl]: '"$REDIS_URL"' }, keep: join(workDir, 'redis-benchmark.txt') },
      );
      commands.push(run.command);
      const [figures] = parseRedisBenchmarkCsv(run.stdout);
      if (!figures) throw new Error('redis-benchmark measured nothing');
      return figures;
    },
    () => plan.requests,
  );
  say(`    ${settle.requestsPerSec} settles/s`);
  return { settle: { ...settle, pipeline, clients, valueBytes: Buffer.byteLength(value) }, commands };
}

import type { Connections } from '@ouro/config';
import { type OrderCreated, type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import type { StackConfig } from '@ouro/infra';
import { AvroSerde, createKafka, createRegistry } from '@ouro/messaging';
import type { FastifyServerOptions } from 'fastify';
import { Redis } from 'ioredis';
import pg from 'pg';
import { buildConsoleApp } from './app.js';
import { ConsoleState } from './console-state.js';
import { faultInfos } from './fault-catalog.js';
import { FlowWatcher } from './live/flow-watcher.js';
import { LiveSystem } from './live/live-system.js';
import { lookupOrder } from './live/lookup.js';
import { contenders } from './race/contenders.js';
import { Race } from './race/race.js';
import { StreamHub } from './stream/hub.js';

export interface ConsoleOptions {
  readonly connections: Connections;
  readonly stack: StackConfig;
  /** Whether the broker and Redis buttons may crash the stack's own services (never on a stack others use). */
  readonly stackFaults: boolean;
  readonly publicDir?: string;
  readonly logDir?: string | undefined;
  readonly logger?: FastifyServerOptions['logger'];
  /** Orders a second above which the console follows one in N step by step. */
  readonly followAllBelowPerSecond?: number;
  readonly maxLoadPerSecond?: number;
}

const cacheKeyPrefix = 'ouro:order:';

/**
 * ioredis reconnects by itself, but with no one listening it prints every failed attempt as an
 * unhandled error (a restart of Redis: one a second until it is back). Said once per outage instead.
 */
function sayOutages(client: Redis, name: string, warn: (message: string) => void): Redis {
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    warn(`${name}: ${error.message}; reconnecting`);
  });
  client.on('ready', () => {
    down = false;
  });
  return client;
}

/**
 * Opens what the console watches with (its own Kafka clients, Redis and PostgreSQL connections,
 * straight to the services so that no fault on the deployments' links blinds it), starts its live
 * deployment in the background and builds the app; `app.close()` stops and closes everything.
 */
export async function composeConsole(options: ConsoleOptions) {
  const { connections, stack } = options;
  const registry = createRegistry(connections.schemaRegistryUrl);
  const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'console' });
  const admin = kafka.admin();
  await admin.connect();
  // The app's logger once it is built (the clients are opened before it).
  let warn = (message: string) => console.warn(message);
  const redis = sayOutages(new Redis(connections.redisUrl, { maxRetriesPerRequest: 1 }), 'console Redis', (message) => warn(message));
  const pool = new pg.Pool({ connectionString: connections.databaseUrl, max: 4 });
  const hub = new StreamHub(500);
  const state = new ConsoleState(faultInfos, (event) => hub.publish(event));

  const live = new LiveSystem({
    connections,
    stack,
    logDir: options.logDir,
    watch: async (topics, processorGroup) => {
      const [commands, events] = await Promise.all([
        AvroSerde.forSubject<OrderCreationRequested>(registry, subjectFor(topics.commands), readSchema(schemaFiles.commands)),
        AvroSerde.forSubject<OrderCreated>(registry, subjectFor(topics.events), readSchema(schemaFiles.events)),
      ]);
      const watcher = new FlowWatcher({
        kafka,
        admin,
        topics,
        processorGroup,
        commands,
        events,
        redis,
        subscriber: sayOutages(new Redis(connections.redisUrl), 'console Redis subscriber', (message) => warn(message)),
        pool,
        cacheKeyPrefix,
        sampling: { followAllBelowPerSecond: options.followAllBelowPerSecond ?? 20 },
        remember: 20_000,
        onStep: state.onStep,
        onMetrics: state.onMetrics,
      });
      await watcher.start();
      return watcher;
    },
    onStatus: state.onLive,
    onFault: state.onFault,
    nextFaultId: state.nextFaultId,
  });

  const race = new Race({
    specs: contenders,
    connections,
    stack,
    kafka,
    admin,
    pool,
    logDir: options.logDir,
    onState: state.onRace,
    onFault: state.onFault,
    nextFaultId: state.nextFaultId,
  });

  const app = await buildConsoleApp({
    state,
    hub,
    live,
    race,
    lookup: (orderId) =>
      lookupOrder(orderId, { pool, redis, cacheKeyPrefix, topics: () => live.status.topics, seen: (id) => live.lookup(id) }),
    stackFaults: options.stackFaults,
    maxLoadPerSecond: options.maxLoadPerSecond ?? 200,
    ...(options.publicDir ? { publicDir: options.publicDir } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  warn = (message) => app.log.warn(message);
  const started = live.start();
  // So that the page says from the start which designs a race would leave out, and why.
  void race.designs().catch(() => {});
  app.addHook('onClose', async () => {
    await started;
    await race.stop();
    await live.stop();
    await Promise.allSettled([admin.disconnect(), redis.quit(), pool.end()]);
  });
  return { app, live, race, state, ready: started };
}

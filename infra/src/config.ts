import { resolve } from 'node:path';
import { loadConnections, parseHostPort } from '@ouro/config';

/** Where every service of the local stack listens, and where its files live. */
export interface StackConfig {
  readonly root: string;
  readonly stateDir: string;
  readonly kafka: { readonly host: string; readonly port: number; readonly controllerPort: number; readonly heap: string };
  readonly registry: { readonly url: string; readonly host: string; readonly port: number; readonly heap: string };
  readonly postgres: {
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
  };
  readonly redis: { readonly url: string; readonly host: string; readonly port: number };
}

/** The local stack runs the first broker of KAFKA_BROKERS and the other addresses as they are. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env, root = resolve(import.meta.dirname, '../..')): StackConfig {
  const connections = loadConnections(env);
  const kafka = parseHostPort(connections.kafkaBrokers[0] ?? '', 'KAFKA_BROKERS');
  const database = new URL(connections.databaseUrl);
  return Object.freeze({
    root,
    stateDir: resolve(root, env.OURO_STACK_DIR ?? '.stack'),
    kafka: Object.freeze({ ...kafka, controllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? kafka.port + 1), heap: env.KAFKA_HEAP ?? '768m' }),
    registry: Object.freeze({
      url: connections.schemaRegistryUrl,
      ...parseHostPort(connections.schemaRegistryUrl, 'SCHEMA_REGISTRY_URL'),
      heap: env.REGISTRY_HEAP ?? '384m',
    }),
    postgres: Object.freeze({
      url: connections.databaseUrl,
      ...parseHostPort(connections.databaseUrl, 'DATABASE_URL'),
      database: decodeURIComponent(database.pathname.slice(1)) || 'ouro',
      user: decodeURIComponent(database.username) || 'ouro',
    }),
    redis: Object.freeze({ url: connections.redisUrl, ...parseHostPort(connections.redisUrl, 'REDIS_URL') }),
  });
}

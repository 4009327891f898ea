import { resolve } from 'node:path';

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

export const defaults = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  DATABASE_URL: 'postgres://ouro:ouro@127.0.0.1:5432/ouro',
  REDIS_URL: 'redis://127.0.0.1:6379',
} as const;

function hostPort(value: string, name: string): { host: string; port: number } {
  const url = new URL(value.includes('://') ? value : `tcp://${value}`);
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port <= 0) {
    throw new Error(`${name}=${value} does not name a host and port`);
  }
  return { host: url.hostname, port };
}

/** Reads the stack's addresses from the environment (see .env.example); frozen. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env, root = resolve(import.meta.dirname, '../..')): StackConfig {
  const brokers = env.KAFKA_BROKERS ?? defaults.KAFKA_BROKERS;
  const firstBroker = brokers.split(',')[0] ?? '';
  const kafka = hostPort(firstBroker, 'KAFKA_BROKERS');
  const registryUrl = env.SCHEMA_REGISTRY_URL ?? defaults.SCHEMA_REGISTRY_URL;
  const postgresUrl = env.DATABASE_URL ?? defaults.DATABASE_URL;
  const pg = new URL(postgresUrl);
  const redisUrl = env.REDIS_URL ?? defaults.REDIS_URL;
  return Object.freeze({
    root,
    stateDir: resolve(root, env.OURO_STACK_DIR ?? '.stack'),
    kafka: Object.freeze({
      ...kafka,
      controllerPort: Number(env.KAFKA_CONTROLLER_PORT ?? kafka.port + 1),
      heap: env.KAFKA_HEAP ?? '768m',
    }),
    registry: Object.freeze({ url: registryUrl, ...hostPort(registryUrl, 'SCHEMA_REGISTRY_URL'), heap: env.REGISTRY_HEAP ?? '384m' }),
    postgres: Object.freeze({
      url: postgresUrl,
      ...hostPort(postgresUrl, 'DATABASE_URL'),
      database: decodeURIComponent(pg.pathname.slice(1)) || 'ouro',
      user: decodeURIComponent(pg.username) || 'ouro',
    }),
    redis: Object.freeze({ url: redisUrl, ...hostPort(redisUrl, 'REDIS_URL') }),
  });
}

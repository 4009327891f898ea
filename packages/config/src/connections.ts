/** The defaults every tool shares; `.env.example` documents them. */
export const connectionDefaults = Object.freeze({
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081/apis/ccompat/v7',
  DATABASE_URL: 'postgres://ouro:ouro@127.0.0.1:5432/ouro',
  REDIS_URL: 'redis://127.0.0.1:6379',
  KAFKA_CONNECT_URL: 'http://127.0.0.1:8083',
});

export interface Connections {
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** Kafka Connect's REST API (the change-data-capture part of the stack, `--with cdc`). */
  readonly kafkaConnectUrl: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port` or a URL with both; anything else names the variable at fault. */
export function parseHostPort(value: string, variable: string): HostPort {
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `tcp://${value}`);
  } catch {
    throw new ConfigError(`${variable}=${value} is not a URL or host:port`);
  }
  const port = Number(url.port);
  if (!url.hostname || !Number.isInteger(port) || port <= 0) {
    throw new ConfigError(`${variable}=${value} does not name a host and port`);
  }
  return { host: url.hostname, port };
}

/** Where Kafka, the registry, PostgreSQL, Redis and Kafka Connect are: from the environment, else the defaults. */
export function loadConnections(env: Readonly<Record<string, string | undefined>> = process.env): Connections {
  const read = (name: keyof typeof connectionDefaults) => env[name]?.trim() || connectionDefaults[name];
  const kafkaBrokers = read('KAFKA_BROKERS')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  for (const broker of kafkaBrokers) parseHostPort(broker, 'KAFKA_BROKERS');
  const connections = {
    kafkaBrokers: Object.freeze(kafkaBrokers),
    schemaRegistryUrl: read('SCHEMA_REGISTRY_URL').replace(/\/+$/, ''),
    databaseUrl: read('DATABASE_URL'),
    redisUrl: read('REDIS_URL'),
    kafkaConnectUrl: read('KAFKA_CONNECT_URL').replace(/\/+$/, ''),
  };
  parseHostPort(connections.schemaRegistryUrl, 'SCHEMA_REGISTRY_URL');
  parseHostPort(connections.databaseUrl, 'DATABASE_URL');
  parseHostPort(connections.redisUrl, 'REDIS_URL');
  parseHostPort(connections.kafkaConnectUrl, 'KAFKA_CONNECT_URL');
  return Object.freeze(connections);
}

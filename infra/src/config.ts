import { resolve } from 'node:path';
import { ConfigError, loadConnections, oneOf, parseHostPort } from '@ouro/config';

/** Where every service of the local stack listens, and where its files live. */
export interface StackConfig {
  readonly root: string;
  readonly stateDir: string;
  /**
   * Node 1 of Kafka listens on `port` (controller `controllerPort`); node i of a cluster of `nodes`
   * listens on `port + 2(i-1)`, its controller one above.
   */
  readonly kafka: {
    readonly host: string;
    readonly port: number;
    readonly controllerPort: number;
    readonly heap: string;
    readonly nodes: number;
  };
  readonly registry: { readonly url: string; readonly host: string; readonly port: number; readonly heap: string };
  readonly postgres: {
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly database: string;
    readonly user: string;
  };
  readonly redis: { readonly url: string; readonly host: string; readonly port: number };
  /**
   * Kafka Connect (distributed mode, one worker), started only when asked: `--with cdc`.
   * `exactlyOnce`: source connectors may commit their records and offsets in one Kafka transaction.
   */
  readonly connect: {
    readonly url: string;
    readonly host: string;
    readonly port: number;
    readonly heap: string;
    readonly exactlyOnce: boolean;
  };
  /** Jaeger (traces in memory, its UI), started only when asked: `--with tracing`. */
  readonly jaeger: {
    readonly host: string;
    /** The UI and its query API. */
    readonly uiUrl: string;
    readonly uiPort: number;
    /** Where the apps send spans (OTLP over HTTP): the apps' `OTEL_EXPORTER_OTLP_ENDPOINT`. */
    readonly otlpUrl: string;
    readonly otlpPort: number;
  };
}

/** One node, or a quorum of three that survives the loss of one. Two would survive nothing. */
const kafkaNodeCounts = ['1', '3'] as const;

function loadKafka(env: NodeJS.ProcessEnv, firstBroker: string): StackConfig['kafka'] {
  const { host, port } = parseHostPort(firstBroker, 'KAFKA_BROKERS');
  const nodes = Number(oneOf(env, 'KAFKA_NODES', kafkaNodeCounts, '1'));
  const controllerPort = Number(env.KAFKA_CONTROLLER_PORT?.trim() || port + 1);
  if (nodes > 1 && controllerPort !== port + 1) {
    // The nodes take every other port from the first one: a controller elsewhere would collide.
    throw new ConfigError(`KAFKA_CONTROLLER_PORT=${controllerPort} applies to a single node only; a cluster uses broker port + 1`);
  }
  // Three JVMs on a small machine: each gets less than the single node does.
  const heap = env.KAFKA_HEAP?.trim() || (nodes > 1 ? '512m' : '768m');
  return Object.freeze({ host, port, controllerPort, heap, nodes });
}

/**
 * The local stack runs Kafka from the first address of KAFKA_BROKERS (KAFKA_NODES nodes from there
 * on) and the other services at their addresses as they are.
 */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env, root = resolve(import.meta.dirname, '../..')): StackConfig {
  const connections = loadConnections(env);
  const database = new URL(connections.databaseUrl);
  return Object.freeze({
    root,
    stateDir: resolve(root, env.OURO_STACK_DIR ?? '.stack'),
    kafka: loadKafka(env, connections.kafkaBrokers[0] ?? ''),
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
    connect: Object.freeze({
      url: connections.kafkaConnectUrl,
      ...parseHostPort(connections.kafkaConnectUrl, 'KAFKA_CONNECT_URL'),
      heap: env.CONNECT_HEAP?.trim() || '512m',
      exactlyOnce: oneOf(env, 'CONNECT_EXACTLY_ONCE', ['true', 'false'], 'false') === 'true',
    }),
    jaeger: loadJaeger(env),
  });
}

function loadJaeger(env: NodeJS.ProcessEnv): StackConfig['jaeger'] {
  const uiUrl = env.JAEGER_UI_URL?.trim() || 'http://127.0.0.1:16686';
  const otlpUrl = env.JAEGER_OTLP_URL?.trim() || 'http://127.0.0.1:4318';
  const ui = parseHostPort(uiUrl, 'JAEGER_UI_URL');
  const otlp = parseHostPort(otlpUrl, 'JAEGER_OTLP_URL');
  if (ui.host !== otlp.host)
    throw new ConfigError(`JAEGER_UI_URL and JAEGER_OTLP_URL name one Jaeger: one host (${ui.host}, ${otlp.host})`);
  return Object.freeze({ host: ui.host, uiUrl, uiPort: ui.port, otlpUrl, otlpPort: otlp.port });
}

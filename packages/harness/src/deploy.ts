import { join } from 'node:path';
import { uniqueName } from '@ouro/app-runner';
import type { Connections } from '@ouro/config';
import type { StackConfig } from '@ouro/infra';
import { createKafka } from '@ouro/messaging';
import { provisionNamespace } from '@ouro/provisioning';
import { logLevel } from 'kafkajs';
import { closeLinks, Deployment, type Links, linkedEnvironment, openLinks, type Topology } from './deployment.js';

export interface DeployOptions {
  readonly connections: Connections;
  /** The stack whose services the faults hit: the default one, or a three-node cluster's. */
  readonly stack: StackConfig;
  /** Where each app's output is written when the deployment stops (a directory per deployment). */
  readonly logDir?: string | undefined;
  /** Prefix of the deployment's unique name (topics, group). */
  readonly prefix?: string;
  /** Links shared with other deployments (faults on them hit every one); opened and closed here when absent. */
  readonly links?: Links;
}

/**
 * The environment of a deployment under faults: a crashed or frozen member's partitions move after
 * 6 s (Kafka's minimum), not 30, and order-api logs no line per request.
 */
export const faultedAppEnv = {
  PROCESSOR_SESSION_TIMEOUT_MS: '6000',
  PROCESSOR_TRANSACTION_TIMEOUT_MS: '10000',
  API_REQUEST_LOGGING: 'false',
} as const;

/** A deployment of its own (topics, group, links, apps) on the running stack, and everything needed to fault it. */
export async function deploy(name: string, topology: Topology, options: DeployOptions) {
  const namespace = await provisionNamespace(uniqueName(`${options.prefix ?? 'chaos'}-${name}`), {
    partitions: 6,
    connections: options.connections,
  });
  const shared = options.links;
  const links = shared ?? (await openLinks(options.stack, options.connections));
  const closeOwnLinks = () => (shared ? Promise.resolve() : closeLinks(links));
  const deployment = new Deployment(
    { ...namespace.env, ...linkedEnvironment(links, options.connections), ...faultedAppEnv },
    options.logDir ? join(options.logDir, name) : undefined,
  );
  // The checker's own client asks while brokers are down: its failures are answers ("not yet"), not news.
  const admin = createKafka({ brokers: options.connections.kafkaBrokers, clientId: 'ouro-chaos', logLevel: logLevel.NOTHING }).admin();
  try {
    await Promise.all([deployment.start(topology), admin.connect()]);
  } catch (error) {
    await Promise.allSettled([deployment.stop(), closeOwnLinks(), admin.disconnect()]);
    throw error;
  }
  return {
    namespace,
    links,
    deployment,
    admin,
    close: async () => {
      await deployment.stop();
      await closeOwnLinks();
      await admin.disconnect();
    },
  };
}

export type Deployed = Awaited<ReturnType<typeof deploy>>;

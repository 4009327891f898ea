import { type Connections, loadConnections, type TopicConfig } from '@ouro/config';
import { provision } from './provision.js';

export interface Namespace extends TopicConfig {
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  /** The environment that points the apps at this deployment. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A deployment of its own beside others on the same servers: its own topics (and so subjects),
 * consumer group and transactional ids, provisioned exactly as the default one. `env` points the
 * apps at it. Tests give each file one, so they never see each other's orders.
 */
export async function provisionNamespace(
  name: string,
  { partitions = 3, connections = loadConnections() }: { partitions?: number; connections?: Connections } = {},
): Promise<Namespace> {
  const topics: TopicConfig = {
    commandsTopic: `${name}.commands`,
    eventsTopic: `${name}.events`,
    deadLetterTopic: `${name}.commands.dlq`,
    partitions,
    replicationFactor: 1,
  };
  await provision(() => {}, connections, topics);
  const groupId = `${name}.processor`;
  const transactionalIdPrefix = `${name}.processor`;
  return {
    ...topics,
    groupId,
    transactionalIdPrefix,
    env: {
      ORDERS_COMMANDS_TOPIC: topics.commandsTopic,
      ORDERS_EVENTS_TOPIC: topics.eventsTopic,
      ORDERS_DLQ_TOPIC: topics.deadLetterTopic,
      ORDERS_PARTITIONS: String(partitions),
      PROCESSOR_GROUP_ID: groupId,
      PROCESSOR_TRANSACTIONAL_ID_PREFIX: transactionalIdPrefix,
    },
  };
}

import { type Connections, loadConnections, type TopicConfig } from '@ouro/config';
import { provision, type TopicPlan } from './provision.js';

export interface Namespace extends TopicConfig {
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  /** The environment that points the apps at this deployment. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A deployment of its own beside others on the same servers: its own topics (and so subjects),
 * consumer group and transactional ids, provisioned exactly as the default one (replicated as the
 * cluster allows, unless `replicationFactor` says otherwise). `env` points the apps at it. Tests give
 * each file one, so they never see each other's orders.
 */
export async function provisionNamespace(
  name: string,
  {
    partitions = 3,
    connections = loadConnections(),
    replicationFactor,
  }: { partitions?: number; connections?: Connections; replicationFactor?: number } = {},
): Promise<Namespace> {
  const plan: TopicPlan = {
    commandsTopic: `${name}.commands`,
    eventsTopic: `${name}.events`,
    deadLetterTopic: `${name}.commands.dlq`,
    partitions,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
  };
  const replication = await provision(() => {}, connections, plan);
  const groupId = `${name}.processor`;
  const transactionalIdPrefix = `${name}.processor`;
  return {
    ...plan,
    replicationFactor: replication.replicationFactor,
    groupId,
    transactionalIdPrefix,
    env: {
      ORDERS_COMMANDS_TOPIC: plan.commandsTopic,
      ORDERS_EVENTS_TOPIC: plan.eventsTopic,
      ORDERS_DLQ_TOPIC: plan.deadLetterTopic,
      ORDERS_PARTITIONS: String(partitions),
      PROCESSOR_GROUP_ID: groupId,
      PROCESSOR_TRANSACTIONAL_ID_PREFIX: transactionalIdPrefix,
    },
  };
}

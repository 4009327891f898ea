import { loadConnections, type TopicConfig } from '@ouro/config';
import { provision } from '@ouro/provisioning';
import { uniqueName } from './unique-name.js';

export interface IsolatedDeployment extends TopicConfig {
  readonly groupId: string;
  readonly transactionalIdPrefix: string;
  /** The environment that points the apps at this deployment. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * A deployment of its own on the shared stack: its own topics (and so subjects), consumer group and
 * transactional ids, provisioned exactly as `npm start` provisions the default one.
 */
export async function isolatedDeployment({ partitions = 3 } = {}): Promise<IsolatedDeployment> {
  const name = uniqueName('t');
  const topics: TopicConfig = { commandsTopic: `${name}.commands`, eventsTopic: `${name}.events`, partitions, replicationFactor: 1 };
  await provision(() => {}, loadConnections(), topics);
  const groupId = `${name}.processor`;
  const transactionalIdPrefix = `${name}.processor`;
  return {
    ...topics,
    groupId,
    transactionalIdPrefix,
    env: {
      ORDERS_COMMANDS_TOPIC: topics.commandsTopic,
      ORDERS_EVENTS_TOPIC: topics.eventsTopic,
      ORDERS_PARTITIONS: String(partitions),
      PROCESSOR_GROUP_ID: groupId,
      PROCESSOR_TRANSACTIONAL_ID_PREFIX: transactionalIdPrefix,
    },
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { type Connections, type Env, loadConnections, loadTopicConfig, type TopicConfig } from '@ouro/config';
import { readSchema, schemaFiles, subjectCatalog, subjectFor } from '@ouro/contracts';
import { migrateDatabase } from '@ouro/db';
import { createKafka, ensureTopics, registerSubjects, type TopicSpec } from '@ouro/messaging';
import { type Replication, replicationFor } from './replication.js';

/** A deployment's topics as provisioning takes them: without a replication factor, the cluster's size decides. */
export type TopicPlan = Omit<TopicConfig, 'replicationFactor'> & { readonly replicationFactor?: number };

/**
 * The topic configuration of the environment. ORDERS_REPLICATION_FACTOR counts only when it is set:
 * its default (1) is no one's choice, and on a cluster the topics should be replicated.
 */
export function topicPlanFromEnv(env: Env = process.env): TopicPlan {
  const { replicationFactor, ...plan } = loadTopicConfig(env);
  return env.ORDERS_REPLICATION_FACTOR?.trim() ? { ...plan, replicationFactor } : plan;
}

/** The subjects of a deployment's topics, with the compatibility declared in schemas/subjects.json. */
export function catalogFor(topicConfig: Pick<TopicConfig, 'commandsTopic' | 'eventsTopic'>) {
  const declared = subjectCatalog();
  return (['commands', 'events'] as const).map((kind) => {
    const spec = declared.find((entry) => entry.schema === schemaFiles[kind]);
    if (!spec) throw new Error(`schemas/subjects.json declares no subject for ${schemaFiles[kind]}`);
    const topic = kind === 'commands' ? topicConfig.commandsTopic : topicConfig.eventsTopic;
    return { ...spec, topic, subject: subjectFor(topic), definition: readSchema(spec.schema) };
  });
}

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

const isUnknownTopic = (error: unknown) => (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';

async function haveLeaders(admin: Admin, topics: readonly string[]): Promise<boolean> {
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    return metadata.topics.every((topic) => topic.partitions.every((partition) => partition.leader >= 0));
  } catch (error) {
    if (isUnknownTopic(error)) return false;
    throw error;
  }
}

/**
 * kafkajs waits for a new topic's leaders by asking the one broker that took the request, and gives
 * up when that broker has not yet heard of the topic (UNKNOWN_TOPIC_OR_PARTITION, not retried). On a
 * cluster that happens: the topics were created, so their leaders are waited for here instead.
 */
async function createTopics(admin: Admin, specs: readonly TopicSpec[]): Promise<readonly string[]> {
  const existing = new Set(await admin.listTopics());
  try {
    return await ensureTopics(admin, specs);
  } catch (error) {
    if (!isUnknownTopic(error)) throw error;
  }
  const topics = specs.map((spec) => spec.topic);
  const deadline = Date.now() + 30_000;
  while (!(await haveLeaders(admin, topics))) {
    if (Date.now() > deadline) throw new Error(`no leaders for ${topics.join(', ')} after 30s`);
    await sleep(100);
  }
  return topics.filter((topic) => !existing.has(topic));
}

/**
 * Creates the plan's topics that do not exist yet, replicated by `replicationFor` (three copies, two
 * in sync, on a cluster of three; the broker count from describeCluster). Existing topics are left
 * as they are. Resolves with what it created and the replication it used.
 */
export async function provisionTopics(
  kafkaBrokers: readonly string[],
  plan: TopicPlan,
): Promise<{ readonly created: readonly string[]; readonly replication: Replication }> {
  const admin = createKafka({ brokers: kafkaBrokers, clientId: 'ouro-prepare' }).admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replication = replicationFor(brokers.length, plan.replicationFactor);
    const created = await createTopics(
      admin,
      [plan.commandsTopic, plan.eventsTopic, plan.deadLetterTopic].map((topic) => ({
        topic,
        numPartitions: plan.partitions,
        replicationFactor: replication.replicationFactor,
        configs: { 'min.insync.replicas': String(replication.minInsyncReplicas) },
      })),
    );
    return { created, replication };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Makes a deployment ready: migrations applied, its topics present (see provisionTopics), both
 * subjects registered with their declared compatibility. `npm start` and `npm test` run it after the
 * stack is up. Resolves with the replication topics are created with.
 */
export async function provision(
  log: (line: string) => void = () => {},
  connections: Connections = loadConnections(),
  topicPlan: TopicPlan = topicPlanFromEnv(),
): Promise<Replication> {
  await migrateDatabase(connections.databaseUrl);
  log('✓ database  migrations applied');

  const { created, replication } = await provisionTopics(connections.kafkaBrokers, topicPlan);
  const { replicationFactor, minInsyncReplicas } = replication;
  log(
    `✓ topics    ${created.length > 0 ? `created ${created.join(', ')}` : 'present'} (when created: ${topicPlan.partitions} partitions, ` +
      `${replicationFactor} cop${replicationFactor > 1 ? 'ies' : 'y'}, min.insync.replicas=${minInsyncReplicas})`,
  );

  const registered = await registerSubjects(connections.schemaRegistryUrl, catalogFor(topicPlan));
  log(`✓ schemas   ${registered.map(({ subject, id }) => `${subject} → ${id}`).join(', ')}`);
  return replication;
}

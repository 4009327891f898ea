import { type Connections, loadConnections, loadTopicConfig, type TopicConfig } from '@ouro/config';
import { readSchema, schemaFiles, subjectCatalog, subjectFor } from '@ouro/contracts';
import { migrateDatabase } from '@ouro/db';
import { createKafka, ensureTopics, registerSubjects } from '@ouro/messaging';

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

/**
 * Makes a deployment ready: migrations applied, both topics present, both subjects registered with
 * their declared compatibility. `npm start` and `npm test` run it after the stack is up.
 */
export async function provision(
  log: (line: string) => void = () => {},
  connections: Connections = loadConnections(),
  topicConfig: TopicConfig = loadTopicConfig(),
): Promise<void> {
  await migrateDatabase(connections.databaseUrl);
  log('✓ database  migrations applied');

  const admin = createKafka({ brokers: connections.kafkaBrokers, clientId: 'ouro-prepare' }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(
      admin,
      [topicConfig.commandsTopic, topicConfig.eventsTopic, topicConfig.deadLetterTopic].map((topic) => ({
        topic,
        numPartitions: topicConfig.partitions,
        replicationFactor: topicConfig.replicationFactor,
      })),
    );
    log(
      `✓ topics    ${created.length > 0 ? `created ${created.join(', ')}` : 'present'} (${topicConfig.partitions} partitions each when created)`,
    );
  } finally {
    await admin.disconnect();
  }

  const registered = await registerSubjects(connections.schemaRegistryUrl, catalogFor(topicConfig));
  log(`✓ schemas   ${registered.map(({ subject, id }) => `${subject} → ${id}`).join(', ')}`);
}

// Makes the stack ready for the apps: database migrations, Kafka topics, registered schemas.
// `npm start` and `npm test` run it after the stack is up; it is idempotent and takes a second.
import { loadConnections, loadTopicConfig } from '@ouro/config';
import { subjectCatalog, topics } from '@ouro/contracts';
import { migrateDatabase } from '@ouro/db';
import { createKafka, ensureTopics, registerSubjects } from '@ouro/messaging';

export async function prepareSystem(log: (line: string) => void = () => {}): Promise<void> {
  const connections = loadConnections();
  const topicConfig = loadTopicConfig();

  await migrateDatabase(connections.databaseUrl);
  log('✓ database  migrations applied');

  const admin = createKafka({ brokers: connections.kafkaBrokers, clientId: 'ouro-prepare' }).admin();
  await admin.connect();
  try {
    const created = await ensureTopics(
      admin,
      [topics.commands, topics.events].map((topic) => ({
        topic,
        numPartitions: topicConfig.partitions,
        replicationFactor: topicConfig.replicationFactor,
      })),
    );
    log(`✓ topics    ${created.length > 0 ? `created ${created.join(', ')}` : 'present'} (${topicConfig.partitions} partitions each when created)`);
  } finally {
    await admin.disconnect();
  }

  const registered = await registerSubjects(connections.schemaRegistryUrl, subjectCatalog());
  log(`✓ schemas   ${registered.map(({ subject, id }) => `${subject} → ${id}`).join(', ')}`);
}

/** Vitest global setup for the int and e2e scopes. */
export default async function setup(): Promise<void> {
  await prepareSystem();
}

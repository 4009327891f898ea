import { loadStackConfig } from '@ouro/infra';

/** The stack's addresses as the tests see them (the same environment variables as the apps). */
export function stackEnv() {
  const config = loadStackConfig();
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? `${config.kafka.host}:${config.kafka.port}`).split(','),
    schemaRegistryUrl: config.registry.url,
    databaseUrl: config.postgres.url,
    redisUrl: config.redis.url,
  };
}

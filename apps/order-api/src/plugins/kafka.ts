import { BatchingProducer, createKafka, type Logger, type RecordSender } from '@ouro/messaging';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export interface KafkaPluginOptions {
  readonly brokers: readonly string[];
  /** How long a request waits for Kafka; also the broker's wait for replicas. */
  readonly produceTimeoutMs: number;
  readonly logger: Logger;
  /** Replaces the batching producer (tests of failure mapping only). */
  readonly sender?: RecordSender;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Sends one record and says whether it is written, certainly not, or maybe (see BatchingProducer). */
    commandSender: RecordSender;
  }
}

/** Kafka: the batching producer the commands go through, and an admin client for readiness. */
export const kafka = fp(
  async (app: FastifyInstance, { brokers, produceTimeoutMs, logger, sender }: KafkaPluginOptions) => {
    // A request waits for Kafka no longer than the produce timeout; kafkajs' own retries stay short,
    // so that a failed send is sent again, with a new producer, within that time.
    const client = createKafka({
      brokers,
      clientId: 'order-api',
      requestTimeout: produceTimeoutMs,
      retry: { retries: 2, initialRetryTime: 100 },
    });
    const batching =
      sender ??
      new BatchingProducer(() => client.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }), {
        ackTimeoutMs: produceTimeoutMs,
        logger,
      });
    const admin = client.admin();
    await Promise.all([admin.connect(), batching instanceof BatchingProducer ? batching.warm() : undefined]);
    app.decorate('commandSender', batching);
    app.readiness.add('kafka', {
      check: () => admin.describeCluster(),
      required: true,
      whileDown: 'every order is refused (503 kafka-unavailable)',
    });
    app.addHook('onClose', async () => {
      await Promise.allSettled([batching instanceof BatchingProducer ? batching.close() : undefined, admin.disconnect()]);
    });
  },
  { name: 'kafka', dependencies: ['readiness'] },
);

import { loadConnections } from '@ouro/config';
import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { AvroSerde, BatchingProducer, createKafka, createRegistry } from '@ouro/messaging';
import type { PlacedOrder } from './server.js';

/** The same Avro encoding and micro-batching idempotent producer as order-api, for the baselines that produce. */
export async function kafkaSender(topic: string) {
  const connections = loadConnections();
  const serde = await AvroSerde.forSubject<OrderCreationRequested>(
    createRegistry(connections.schemaRegistryUrl),
    subjectFor(topic),
    readSchema(schemaFiles.commands),
  );
  const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'bench' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sender = new BatchingProducer(() => kafka.producer({ idempotent: true, maxInFlightRequests: 1 }));
  await sender.warm();
  const encode = (order: PlacedOrder) =>
    serde.encode({
      eventId: order.eventId,
      occurredAt: order.acceptedAt,
      orderId: order.orderId,
      customerId: order.customerId,
      currency: order.currency,
      items: [...order.items],
      idempotencyKey: null,
    });
  return {
    encode,
    send: async (order: PlacedOrder) =>
      sender.send({ topic, key: order.orderId, value: await encode(order) }, { deadline: Date.now() + 5_000 }),
    sendEncoded: (records: ReadonlyArray<{ key: string; value: Buffer }>) => producer.send({ topic, acks: -1, messages: [...records] }),
  };
}

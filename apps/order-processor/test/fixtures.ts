import { randomUUID } from 'node:crypto';
import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { AvroSerde, createRegistry } from '@ouro/messaging';
import { stackEnv } from '@ouro/testing';

/** A valid command for a new order; `overrides` make it whatever a test needs. */
export function command(overrides: Partial<OrderCreationRequested> = {}): OrderCreationRequested {
  return {
    eventId: randomUUID(),
    occurredAt: Date.now(),
    orderId: randomUUID(),
    customerId: 'c-processor-test',
    currency: 'EUR',
    items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 500 }],
    idempotencyKey: null,
    ...overrides,
  };
}

/** The registry serde of a deployment's commands topic, as order-api encodes them. */
export function commandSerde(commandsTopic: string): Promise<AvroSerde<OrderCreationRequested>> {
  return AvroSerde.forSubject(createRegistry(stackEnv().schemaRegistryUrl), subjectFor(commandsTopic), readSchema(schemaFiles.commands));
}

import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { stackEnv, uniqueName } from '@ouro/testing';
import { describe, expect, it } from 'vitest';

const registry = new SchemaRegistry({ host: stackEnv().schemaRegistryUrl });

const orderV1 = {
  type: 'record',
  name: 'Order',
  namespace: 'dev.ouro.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'totalCents', type: 'long' },
  ],
};

const withField = (field: Record<string, unknown>) => ({ ...orderV1, fields: [...orderV1.fields, field] });

const register = (subject: string, schema: object) =>
  registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
    { subject, compatibility: COMPATIBILITY.BACKWARD_TRANSITIVE },
  );

describe('Schema registry (Apicurio ccompat API through @kafkajs/confluent-schema-registry)', () => {
  it('registers an Avro schema and round-trips a value through the Confluent wire format', async () => {
    const { id } = await register(uniqueName('stack.orders-value'), orderV1);
    const order = { id: 'o-1', totalCents: 1234 };

    const encoded = await registry.encode(id, order);

    expect(encoded.readUInt8(0)).toBe(0); // magic byte
    expect(encoded.readUInt32BE(1)).toBe(id); // schema id, big-endian
    expect(encoded.length).toBeGreaterThan(5); // then the Avro body
    expect(await registry.decode(encoded)).toEqual(order);
  });

  it('refuses an incompatible schema under BACKWARD_TRANSITIVE and accepts a compatible one', async () => {
    const subject = uniqueName('stack.orders-value');
    const first = await register(subject, orderV1);

    // a new field without a default cannot be read from old data
    await expect(register(subject, withField({ name: 'currency', type: 'string' }))).rejects.toMatchObject({ status: 409 });
    // with a default it can
    const second = await register(subject, withField({ name: 'currency', type: 'string', default: 'EUR' }));

    expect(second.id).not.toBe(first.id);
    expect(await registry.getLatestSchemaId(subject)).toBe(second.id);
  });
});

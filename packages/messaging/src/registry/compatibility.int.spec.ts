import { randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import { loadConnections } from '@ouro/config';
import type { AvroRecordSchema, Compatibility } from '@ouro/contracts';
import { describe, expect, it } from 'vitest';
import { checkCompatibility, registerSubjects, SchemaIncompatibleError, type SubjectSchema } from './compatibility.js';
import { RegistryUnreachableError } from './registry-http.js';

const { schemaRegistryUrl } = loadConnections();
// A subject per test: tests share one registry (@ouro/testing cannot be used here: it depends on this package).
const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

const orderV1: AvroRecordSchema = {
  type: 'record',
  name: 'CompatibilityProbe',
  namespace: 'test.registry',
  fields: [{ name: 'orderId', type: 'string' }],
};
const withCurrency = (field: Record<string, unknown> = {}): AvroRecordSchema => ({
  ...orderV1,
  fields: [...orderV1.fields, { name: 'currency', type: 'string', ...field }],
});

/** A catalog entry like subjectCatalog()'s, on a subject of its own so tests never meet each other or orders.*. */
function entry(subject: string, definition: AvroRecordSchema, compatibility: Compatibility = 'BACKWARD_TRANSITIVE'): SubjectSchema {
  return { subject, compatibility, definition };
}

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function givenRegistered(definition: AvroRecordSchema, compatibility: Compatibility = 'BACKWARD_TRANSITIVE'): Promise<string> {
  const subject = `${uniqueName('registry-compatibility')}-value`;
  await registerSubjects(schemaRegistryUrl, [entry(subject, definition, compatibility)]);
  return subject;
}

describe('checkCompatibility', () => {
  it('given v1 under BACKWARD_TRANSITIVE, a v2 adding a field without default is incompatible and the reason names the field', async () => {
    const subject = await givenRegistered(orderV1);

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, withCurrency())]);

    expect(result).toEqual({
      subject,
      status: 'incompatible',
      reasons: ['new schema cannot read version 1: field "currency" has no default'],
    });
  });

  it('given v1 under BACKWARD_TRANSITIVE, a v2 adding a field with a default is compatible', async () => {
    const subject = await givenRegistered(orderV1);

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, withCurrency({ default: 'EUR' }))]);

    expect(result).toEqual({ subject, status: 'compatible', reasons: [] });
  });

  it('given v1 and a v2 with a default, a v3 dropping that default breaks v1 only, and the reason says so', async () => {
    const subject = await givenRegistered(orderV1);
    await registerSubjects(schemaRegistryUrl, [entry(subject, withCurrency({ default: 'EUR' }))]);

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, withCurrency())]);

    expect(result?.status).toBe('incompatible');
    expect(result?.reasons).toEqual(['new schema cannot read version 1: field "currency" has no default']);
  });

  it('given a subject that was never registered, it is new', async () => {
    const subject = `${uniqueName('registry-compatibility')}-value`;

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, orderV1)]);

    expect(result).toEqual({ subject, status: 'new', reasons: [] });
  });

  it('given a registry enforcing another level than the declared one, a compatible schema is a level mismatch', async () => {
    const subject = await givenRegistered(orderV1, 'NONE');

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, withCurrency({ default: 'EUR' }), 'BACKWARD_TRANSITIVE')]);

    expect(result).toEqual({
      subject,
      status: 'level-mismatch',
      reasons: ['the registry enforces NONE, the catalog declares BACKWARD_TRANSITIVE'],
    });
  });

  it('given a registry enforcing a laxer level, a schema breaking the declared level is incompatible although the registry would take it', async () => {
    const subject = await givenRegistered(orderV1, 'NONE');

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, withCurrency(), 'BACKWARD_TRANSITIVE')]);

    expect(result?.status).toBe('incompatible');
    expect(result?.reasons).toEqual([
      'the registry enforces NONE, the catalog declares BACKWARD_TRANSITIVE',
      'new schema cannot read version 1: field "currency" has no default',
    ]);
  });

  it('given no registry at the address, it fails naming the address', async () => {
    const nowhere = `http://127.0.0.1:${await closedPort()}/apis/ccompat/v7`;

    const checking = checkCompatibility(nowhere, [entry('never-value', orderV1)]);

    await expect(checking).rejects.toThrow(RegistryUnreachableError);
    await expect(checking).rejects.toThrow(nowhere);
  });
});

describe('registerSubjects', () => {
  it('given v1 under BACKWARD_TRANSITIVE, registering an incompatible v2 throws naming the subject and the field', async () => {
    const subject = await givenRegistered(orderV1);

    const registering = registerSubjects(schemaRegistryUrl, [entry(subject, withCurrency())]);

    await expect(registering).rejects.toThrow(SchemaIncompatibleError);
    await expect(registering).rejects.toThrow(
      `${subject}: the registry refused the schema as incompatible: new schema cannot read version 1: field "currency" has no default`,
    );
  });

  it('given a schema registered once, registering it again returns the same id and version', async () => {
    const subject = `${uniqueName('registry-compatibility')}-value`;
    const catalog = [entry(subject, orderV1)];

    const first = await registerSubjects(schemaRegistryUrl, catalog);
    const second = await registerSubjects(schemaRegistryUrl, catalog);

    expect(first).toEqual([{ subject, id: expect.any(Number), version: 1 }]);
    expect(second).toEqual(first);
  });

  it('given a new subject, registering sets its declared level, so the registry guards the next change as declared', async () => {
    const subject = await givenRegistered(orderV1, 'BACKWARD_TRANSITIVE');

    const [result] = await checkCompatibility(schemaRegistryUrl, [entry(subject, orderV1)]);

    expect(result).toEqual({ subject, status: 'compatible', reasons: [] });
  });
});

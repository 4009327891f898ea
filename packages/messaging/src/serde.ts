import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroRecordSchema } from '@ouro/contracts';

export class SchemaNotRegistered extends Error {
  override name = 'SchemaNotRegistered';
}

/** A message value that is not a decodable Confluent-framed Avro record: never worth retrying. */
export class UndecodableMessage extends Error {
  override name = 'UndecodableMessage';
}

/**
 * The registry could not give a message's writer schema (unreachable, an error status, a timeout):
 * the message may be fine, so this is retried, never dead-lettered.
 */
export class SchemaUnavailable extends Error {
  override name = 'SchemaUnavailable';
  readonly retriable = true;
  constructor(schemaId: number, cause: unknown) {
    super(`the registry did not give schema id ${schemaId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The registry's answer that a schema id does not exist (HTTP 404, Confluent error 40403). */
function isSchemaNotFound(error: unknown): boolean {
  const { status } = error as { status?: unknown };
  return status === 404;
}

export function createRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url });
}

/**
 * Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body) for one subject.
 * Writes with the schema this code was built with, whose id it looks up once: producing never
 * registers a schema. Reads any registered writer schema (the client caches them by id).
 */
export class AvroSerde<T> {
  private constructor(
    private readonly registry: SchemaRegistry,
    readonly schemaId: number,
  ) {}

  static async forSubject<T>(registry: SchemaRegistry, subject: string, schema: AvroRecordSchema): Promise<AvroSerde<T>> {
    try {
      const id = await registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(schema) });
      // Warm the client's cache: on a cold one, every concurrent decode of a first batch parses the
      // schema itself (the profile showed avsc building types, 8% of a catch-up's busy time).
      await registry.getSchema(id);
      return new AvroSerde<T>(registry, id);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SchemaNotRegistered(`${subject}: this build's schema is not registered (${reason}); run \`npm run schemas:register\``);
    }
  }

  encode(value: T): Promise<Buffer> {
    return this.registry.encode(this.schemaId, value);
  }

  /** Decodes with the record's own writer schema, whatever it is (`decodeConfluentAvro`). */
  decode(buffer: Buffer | null): Promise<T> {
    return decodeConfluentAvro<T>(this.registry, buffer);
  }
}

/**
 * Decodes a Confluent-framed Avro value with the writer schema its id names, whoever wrote it (a
 * connector's converter, say). Two steps, each with its own meaning when it fails: looking the
 * writer's schema up (any failure but "no such schema" is the registry's, so transient) and parsing
 * the body with it (a failure there is the message's own).
 */
export async function decodeConfluentAvro<T>(registry: SchemaRegistry, buffer: Buffer | null): Promise<T> {
  if (!buffer || buffer.length < 5 || buffer.readUInt8(0) !== 0) {
    throw new UndecodableMessage('not in the Confluent wire format (no magic byte 0 and schema id)');
  }
  const schemaId = buffer.readUInt32BE(1);
  let writer: Awaited<ReturnType<SchemaRegistry['getSchema']>>;
  try {
    writer = await registry.getSchema(schemaId);
  } catch (error) {
    if (isSchemaNotFound(error)) throw new UndecodableMessage(`schema id ${schemaId} is not in the registry`, { cause: error });
    throw new SchemaUnavailable(schemaId, error);
  }
  try {
    return (writer as { fromBuffer(payload: Buffer): unknown }).fromBuffer(buffer.subarray(5)) as T;
  } catch (error) {
    throw new UndecodableMessage(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

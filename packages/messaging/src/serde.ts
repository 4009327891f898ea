import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { AvroRecordSchema } from '@ouro/contracts';

export class SchemaNotRegistered extends Error {
  override name = 'SchemaNotRegistered';
}

/** A message value that is not a decodable Confluent-framed Avro record: never worth retrying. */
export class UndecodableMessage extends Error {
  override name = 'UndecodableMessage';
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

  async decode(buffer: Buffer | null): Promise<T> {
    if (!buffer || buffer.length < 5 || buffer.readUInt8(0) !== 0) {
      throw new UndecodableMessage('not in the Confluent wire format (no magic byte 0 and schema id)');
    }
    try {
      return (await this.registry.decode(buffer)) as T;
    } catch (error) {
      // A registry that cannot be reached is transient; a body that does not parse is not.
      if (error instanceof Error && /ECONNREFUSED|ETIMEDOUT|socket|fetch failed|Timeout/i.test(error.message)) throw error;
      throw new UndecodableMessage(error instanceof Error ? error.message : String(error));
    }
  }
}

import type { ConnectorConfig } from './kafka-connect.js';

/** The registry's URL is not an Apicurio one, so the converter (which speaks Apicurio's own API) cannot use it. */
export class UnsupportedRegistry extends Error {
  override name = 'UnsupportedRegistry';
}

const ccompatPath = /\/apis\/ccompat\/v[67]\/?$/;

/**
 * Apicurio's v2 API at the same server as its Confluent-compatible one: the 2.x converter (the
 * newest on Maven Central) registers and looks up schemas there. Apicurio 3 serves both.
 */
export function apicurioV2Url(schemaRegistryUrl: string): string {
  const url = new URL(schemaRegistryUrl);
  if (!ccompatPath.test(url.pathname)) {
    throw new UnsupportedRegistry(
      `${schemaRegistryUrl} is not Apicurio's Confluent-compatible API (…/apis/ccompat/v7): the Avro converter needs an Apicurio registry`,
    );
  }
  url.pathname = url.pathname.replace(ccompatPath, '/apis/registry/v2');
  return url.toString();
}

/**
 * A connector's converters: keys as plain strings (the aggregate id, as Ouro keys its own records),
 * values as Avro in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body), so the
 * records read like every other Ouro record (`AvroSerde`). Confluent's AvroConverter is not on Maven
 * Central; Apicurio's is, and writes that framing when told to: the 4-byte id handler, with content
 * ids, which are the ids Apicurio's Confluent-compatible API hands out. Schemas are registered under
 * `<topic>-value`, the subject a Confluent client looks for.
 */
export function avroConverterConfig(schemaRegistryUrl: string): ConnectorConfig {
  const converter = 'value.converter';
  return {
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    [converter]: 'io.apicurio.registry.utils.converter.AvroConverter',
    [`${converter}.apicurio.registry.url`]: apicurioV2Url(schemaRegistryUrl),
    [`${converter}.apicurio.registry.auto-register`]: 'true',
    [`${converter}.apicurio.registry.id-handler`]: 'io.apicurio.registry.serde.Legacy4ByteIdHandler',
    [`${converter}.apicurio.registry.use-id`]: 'contentId',
    // The id goes in the value, not in a header: the Confluent wire format.
    [`${converter}.apicurio.registry.headers.enabled`]: 'false',
  };
}

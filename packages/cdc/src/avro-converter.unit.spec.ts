import { describe, expect, it } from 'vitest';
import { apicurioV2Url, avroConverterConfig, UnsupportedRegistry } from './avro-converter.js';

describe('the Avro converter of a connector', () => {
  it("talks to Apicurio's v2 API on the server of its Confluent-compatible one", () => {
    expect(apicurioV2Url('http://127.0.0.1:8081/apis/ccompat/v7')).toBe('http://127.0.0.1:8081/apis/registry/v2');
    expect(apicurioV2Url('https://registry.example:443/base/apis/ccompat/v6/')).toBe('https://registry.example/base/apis/registry/v2');
  });

  it('refuses a registry that is not Apicurio, which the converter cannot talk to', () => {
    expect(() => apicurioV2Url('http://127.0.0.1:8081')).toThrow(UnsupportedRegistry);
  });

  it('writes the Confluent wire format: the 4-byte id in the value, content ids, string keys', () => {
    const config = avroConverterConfig('http://127.0.0.1:8081/apis/ccompat/v7');

    expect(config).toMatchObject({
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'io.apicurio.registry.utils.converter.AvroConverter',
      'value.converter.apicurio.registry.url': 'http://127.0.0.1:8081/apis/registry/v2',
      'value.converter.apicurio.registry.id-handler': 'io.apicurio.registry.serde.Legacy4ByteIdHandler',
      'value.converter.apicurio.registry.use-id': 'contentId',
      'value.converter.apicurio.registry.headers.enabled': 'false',
    });
  });
});

import { readFileSync } from 'node:fs';
import { AvroSchemaParser } from '@asyncapi/avro-schema-parser';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { asyncApiFile, asyncApiYaml } from './asyncapi.js';

const parser = new Parser();
parser.registerSchemaParser(AvroSchemaParser());

describe('docs/asyncapi.yaml', () => {
  it('is what scripts/asyncapi.ts generates from schemas/ (regenerate with `npm run asyncapi`)', () => {
    expect(readFileSync(asyncApiFile, 'utf8')).toBe(asyncApiYaml());
  });

  it('is a valid AsyncAPI 3 document, its Avro payloads included, with the three topics', async () => {
    const { document, diagnostics } = await parser.parse(readFileSync(asyncApiFile, 'utf8'));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === 0).map((diagnostic) => diagnostic.message)).toEqual([]);
    expect(
      document
        ?.channels()
        .all()
        .map((channel) => channel.address()),
    ).toEqual(['orders.commands', 'orders.events', 'orders.commands.dlq']);
    const command = document
      ?.messages()
      .all()
      .find((message) => message.name() === 'OrderCreationRequested');
    expect(Object.keys(command?.payload()?.properties() ?? {})).toEqual(
      expect.arrayContaining(['orderId', 'eventId', 'items', 'idempotencyKey']),
    );
  });

  it('the parser refuses a broken document', async () => {
    const { diagnostics } = await parser.parse(asyncApiYaml().replace('action: send', 'action: publish'));
    expect(diagnostics.some((diagnostic) => diagnostic.severity === 0)).toBe(true);
  });
});

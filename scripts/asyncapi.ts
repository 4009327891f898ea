// `npm run asyncapi`: writes docs/asyncapi.yaml, the AsyncAPI 3 document of Ouro's three topics,
// generated from schemas/ (the Avro schemas and their subjects) and the dead-letter headers the
// runtime writes. scripts/asyncapi.unit.spec.ts checks the file is current and valid.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSchema, subjectCatalog, topics, headers as traceHeaders } from '@ouro/contracts';
import { deadLetterHeaders } from '@ouro/messaging';
import { stringify } from 'yaml';

export const asyncApiFile = join(import.meta.dirname, '../docs/asyncapi.yaml');

const avro = 'application/vnd.apache.avro+json;version=1.9.0';
const deadLetterTopic = `${topics.commands}.dlq`;

/** Kafka bindings every message shares: keyed by orderId, the value in the Confluent wire format. */
const messageBindings = (withRegistry: boolean) => ({
  kafka: {
    key: { type: 'string', format: 'uuid', description: 'The orderId (UTF-8): all of an order’s messages share a partition' },
    ...(withRegistry ? { schemaIdLocation: 'payload', schemaIdPayloadEncoding: 'confluent', schemaLookupStrategy: 'TopicIdStrategy' } : {}),
    bindingVersion: '0.5.0',
  },
});

const traceContext = {
  [traceHeaders.traceparent]: { type: 'string', description: 'W3C trace context of the message’s send (present when tracing is on)' },
  [traceHeaders.tracestate]: { type: 'string', description: 'W3C trace state, when the trace carries one' },
};

const dlqHeaderDocs: Record<keyof typeof deadLetterHeaders, string> = {
  reason: 'undecodable (not a record of the schema), rejected (breaks a domain rule) or failing (kept failing)',
  error: 'The failure, described (at most 2,000 characters)',
  sourceTopic: 'The topic the command came from',
  sourcePartition: 'Its partition',
  sourceOffset: 'Its offset',
  attempts: 'Attempts made before it was dead-lettered',
  failedAt: 'When (ISO 8601)',
  replayedFrom: 'On a command re-driven by `npm run dlq -- replay`: the letter it came from (topic/partition/offset); on a letter, absent',
};

export function buildAsyncApi() {
  const catalog = subjectCatalog();
  const schemaOf = (topic: string) => {
    const spec = catalog.find((entry) => entry.topic === topic);
    if (!spec) throw new Error(`schemas/subjects.json has no subject for ${topic}`);
    return { spec, schema: readSchema(spec.schema) };
  };
  const commands = schemaOf(topics.commands);
  const events = schemaOf(topics.events);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Ouro order events',
      version: '1.0.0',
      description:
        'The listen-to-yourself pattern: order-api writes OrderCreationRequested to the commands topic and nothing else; ' +
        'order-processor consumes its own commands, stores each order once in PostgreSQL and writes OrderCreated (in the ' +
        'same Kafka transaction as the consumed offsets), or the command to the dead-letter topic with the reason. Values ' +
        'are Avro in the Confluent wire format (magic byte, 4-byte schema id, Avro body); subjects follow the topic name ' +
        'strategy. Topic names are the defaults (ORDERS_COMMANDS_TOPIC, ORDERS_EVENTS_TOPIC, ORDERS_DLQ_TOPIC).',
    },
    defaultContentType: 'application/octet-stream',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The local stack (`npm run stack -- up`); KAFKA_BROKERS elsewhere' },
    },
    channels: {
      commands: {
        address: topics.commands,
        description: `Commands: order-api writes them (acks=all, idempotent producer); order-processor reads them. Subject ${commands.spec.subject}, compatibility ${commands.spec.compatibility}.`,
        messages: { OrderCreationRequested: { $ref: '#/components/messages/OrderCreationRequested' } },
      },
      events: {
        address: topics.events,
        description: `Events, written in Kafka transactions: read them read_committed. Subject ${events.spec.subject}, compatibility ${events.spec.compatibility}.`,
        messages: { OrderCreated: { $ref: '#/components/messages/OrderCreated' } },
      },
      deadLetters: {
        address: deadLetterTopic,
        description: 'Commands order-processor will not process, with why, written in the transaction that commits their offset.',
        messages: { DeadLetter: { $ref: '#/components/messages/DeadLetter' } },
      },
    },
    operations: {
      requestOrderCreation: {
        action: 'send',
        channel: { $ref: '#/channels/commands' },
        summary: 'order-api: the one write of POST /orders, before it answers 202',
        messages: [{ $ref: '#/channels/commands/messages/OrderCreationRequested' }],
      },
      processOrderCreation: {
        action: 'receive',
        channel: { $ref: '#/channels/commands' },
        summary: 'order-processor: consumes its own commands, one transaction per chunk of a partition',
        messages: [{ $ref: '#/channels/commands/messages/OrderCreationRequested' }],
      },
      announceOrderCreated: {
        action: 'send',
        channel: { $ref: '#/channels/events' },
        summary: 'order-processor: once per stored order, exactly once for read_committed consumers',
        messages: [{ $ref: '#/channels/events/messages/OrderCreated' }],
      },
      deadLetterCommand: {
        action: 'send',
        channel: { $ref: '#/channels/deadLetters' },
        summary: 'order-processor: a command that cannot be processed; its order reads failed',
        messages: [{ $ref: '#/channels/deadLetters/messages/DeadLetter' }],
      },
    },
    components: {
      messages: {
        OrderCreationRequested: {
          name: 'OrderCreationRequested',
          title: 'An order was asked for',
          contentType: 'application/octet-stream',
          headers: { type: 'object', properties: traceContext },
          payload: { schemaFormat: avro, schema: commands.schema },
          bindings: messageBindings(true),
        },
        OrderCreated: {
          name: 'OrderCreated',
          title: 'An order is stored',
          contentType: 'application/octet-stream',
          headers: { type: 'object', properties: traceContext },
          payload: { schemaFormat: avro, schema: events.schema },
          bindings: messageBindings(true),
        },
        DeadLetter: {
          name: 'DeadLetter',
          title: 'A command that will not be processed',
          description: 'The original key, value and headers of the command, unchanged (an undecodable value may be anything), plus why.',
          contentType: 'application/octet-stream',
          headers: {
            type: 'object',
            required: Object.values(deadLetterHeaders).filter((name) => name !== deadLetterHeaders.replayedFrom),
            properties: {
              ...Object.fromEntries(
                (Object.keys(deadLetterHeaders) as (keyof typeof deadLetterHeaders)[]).map((key) => [
                  deadLetterHeaders[key],
                  { type: 'string', description: dlqHeaderDocs[key] },
                ]),
              ),
              ...traceContext,
            },
          },
          payload: {
            type: 'string',
            format: 'binary',
            description: `The command's value as it was: OrderCreationRequested in the Confluent wire format, unless it was undecodable`,
          },
          bindings: messageBindings(false),
        },
      },
    },
  };
}

export const asyncApiYaml = () =>
  `# Generated from schemas/ by \`npm run asyncapi\` (scripts/asyncapi.ts). Do not edit.\n${stringify(buildAsyncApi(), { lineWidth: 0 })}`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(asyncApiFile, asyncApiYaml());
  console.log(`wrote ${asyncApiFile}`);
}

// One order, one connected trace, from the POST to OrderCreated: order-api and order-processor run
// in this process on the real stack, traced by the SDK the apps use (the same instrumentations),
// exporting to memory. Tracing starts before anything instrumented is imported, as `--import` does.
import { createRequire } from 'node:module';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { startTracing } from '@ouro/observability/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exporter = new InMemorySpanExporter();
const tracing = await startTracing({ serviceName: 'ouro-trace-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] });
// Vitest imports CommonJS packages past the ESM loader hook that `--import` registers in the apps:
// required here, once tracing is on, the require hooks patch them, and every later import gets
// those same module instances.
const require = createRequire(import.meta.url);
for (const name of ['kafkajs', 'ioredis', 'pg', 'pino']) require(name);

const [
  { OrderCache },
  { loadApiConfig, loadProcessorConfig },
  { connectDatabase },
  contracts,
  messaging,
  provisioning,
  testing,
  { Redis },
] = await Promise.all([
  import('@ouro/cache'),
  import('@ouro/config'),
  import('@ouro/db'),
  import('@ouro/contracts'),
  import('@ouro/messaging'),
  import('@ouro/provisioning'),
  import('@ouro/testing'),
  import('ioredis'),
]);
const { composeOrderApi } = await import('../src/compose.js');
const { createOrderProcessor } = await import('../../order-processor/src/processor.js');
const { tracingObserver } = await import('../../order-processor/src/observe/tracing.js');

const { kafkaBrokers, databaseUrl, redisUrl, schemaRegistryUrl } = testing.stackEnv();
const kafka = messaging.createKafka({ brokers: kafkaBrokers, clientId: 'order-trace-test' });
const database = connectDatabase(databaseUrl, { max: 4 });
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
const name = testing.uniqueName('trace');
const deployment = await provisioning.provisionNamespace(name, { partitions: 2 });
const keyPrefix = `${name}:`;
const api = await composeOrderApi(loadApiConfig({ ...process.env, ...deployment.env }), { logger: messaging.silentLogger, keyPrefix });
const processorConfig = loadProcessorConfig({ ...process.env, ...deployment.env });
const registry = messaging.createRegistry(schemaRegistryUrl);
const processor = createOrderProcessor({
  kafka,
  db: database.db,
  cache: new OrderCache(redis, { keyPrefix: `${keyPrefix}order:` }),
  commands: await messaging.AvroSerde.forSubject(
    registry,
    contracts.subjectFor(deployment.commandsTopic),
    contracts.readSchema(contracts.schemaFiles.commands),
  ),
  events: await messaging.AvroSerde.forSubject(
    registry,
    contracts.subjectFor(deployment.eventsTopic),
    contracts.readSchema(contracts.schemaFiles.events),
  ),
  logger: messaging.silentLogger,
  groupId: processorConfig.groupId,
  transactionalIdPrefix: processorConfig.transactionalIdPrefix,
  commandsTopic: deployment.commandsTopic,
  eventsTopic: deployment.eventsTopic,
  deadLetterTopic: deployment.deadLetterTopic,
  transactionTimeoutMs: 10_000,
  observer: tracingObserver(),
});

beforeAll(async () => {
  await processor.start();
});

afterAll(async () => {
  await processor.stop();
  await api.close();
  await database.close();
  redis.disconnect();
  await tracing?.shutdown();
});

const order = (customerId: string) => ({ customerId, currency: 'EUR', items: [{ sku: 'TRACE-1', quantity: 1, unitPriceCents: 100 }] });
const attribute = (span: ReadableSpan, key: string) => span.attributes[key];
const id = (span: ReadableSpan) => span.spanContext().spanId;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

/** The spans under `root`, at any depth. */
function descendants(spans: readonly ReadableSpan[], root: ReadableSpan): ReadableSpan[] {
  const under = new Set([id(root)]);
  let grown = true;
  while (grown) {
    grown = false;
    for (const span of spans) {
      const parent = parentOf(span);
      if (parent && under.has(parent) && !under.has(id(span))) {
        under.add(id(span));
        grown = true;
      }
    }
  }
  return spans.filter((span) => span !== root && under.has(id(span)));
}

/** Spans joined by parent or link, as a trace viewer follows them: the set reachable from `start`. */
function connected(spans: readonly ReadableSpan[], start: ReadableSpan): Set<ReadableSpan> {
  const byId = new Map(spans.map((span) => [id(span), span]));
  const edges = new Map<string, Set<string>>();
  const join = (a: string, b: string) => {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const)
      edges.set(from, (edges.get(from) ?? new Set()).add(to));
  };
  for (const span of spans) {
    const parent = parentOf(span);
    if (parent) join(id(span), parent);
    for (const link of span.links) join(id(span), link.context.spanId);
  }
  const seen = new Set([id(start)]);
  const queue = [id(start)];
  for (let next = queue.pop(); next; next = queue.pop())
    for (const neighbour of edges.get(next) ?? []) {
      if (seen.has(neighbour)) continue;
      seen.add(neighbour);
      queue.push(neighbour);
    }
  return new Set([...seen].flatMap((spanId) => byId.get(spanId) ?? []));
}

describe('one trace per order across the asynchronous hop', () => {
  it('joins the POST, the command sent, the chunk that processed it, its INSERT and the transaction that wrote OrderCreated; each order on its own trace', async () => {
    // given orders placed at once, so that the producer sends several in one batch
    const answers = await Promise.all(
      ['c-trace-1', 'c-trace-2', 'c-trace-3', 'c-trace-4'].map((customer) =>
        api.inject({ method: 'POST', url: '/orders', payload: order(customer) }),
      ),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([202, 202, 202, 202]);
    const orderIds = answers.map((answer) => String(answer.json().orderId));

    // when the processor has committed them
    await testing.eventually(
      async () => {
        const events = await messaging.readToEnd(kafka, deployment.eventsTopic);
        expect(events.map((event) => event.key).sort()).toEqual([...orderIds].sort());
      },
      { timeoutMs: 60_000 },
    );
    const events = await messaging.readToEnd(kafka, deployment.eventsTopic);

    // then each order's spans form one connected graph, from its request to OrderCreated
    await testing.eventually(
      async () => {
        const spans = exporter.getFinishedSpans();
        for (const orderId of orderIds) {
          const request = spans.find((span) => span.name.startsWith('request') || span.name.startsWith('POST'));
          expect(request, 'a request span').toBeDefined();
          const handler = spans.find((span) => attribute(span, 'ouro.order.id') === orderId);
          expect(handler, `the span of the request that placed ${orderId}`).toBeDefined();
          if (!handler) return;
          const trace = handler.spanContext().traceId;
          const send = spans.find(
            (span) => span.name === `send ${deployment.commandsTopic}` && attribute(span, 'messaging.kafka.message.key') === orderId,
          );
          expect(send?.spanContext().traceId, 'the command is sent in its own request’s trace').toBe(trace);
          if (!send) return;
          // OrderCreated carries the context of its own send, inside the Kafka transaction that committed it
          const created = events.find((event) => event.key === orderId);
          const announced = spans.find((span) => id(span) === created?.headers.traceparent?.toString().split('-')[2]);
          expect(announced?.name, 'the send of OrderCreated').toBe(`send ${deployment.eventsTopic}`);
          if (!announced) return;
          expect(attribute(announced, 'messaging.kafka.message.key')).toBe(orderId);
          const transaction = spans.find((span) => id(span) === parentOf(announced));
          expect(transaction?.name, 'the Kafka transaction').toBe('transaction');
          const chunk = spans.find((span) => transaction && id(span) === parentOf(transaction));
          expect(chunk?.name, 'the chunk that processed it').toBe(`process ${deployment.commandsTopic}`);
          if (!transaction || !chunk) return;
          // the chunk links to the command's own send, in the request's trace, naming where the command sits
          const link = chunk.links.find((candidate) => candidate.attributes?.['ouro.order.id'] === orderId);
          expect(link?.context.spanId).toBe(id(send));
          expect(link?.attributes).toMatchObject({
            'messaging.destination.partition.id': expect.any(String),
            'messaging.kafka.offset': expect.any(Number),
          });
          expect(attribute(chunk, 'ouro.partition_group')).toEqual(expect.any(Number));
          const insert = descendants(spans, chunk).find((span) =>
            /insert into orders/i.test(String(attribute(span, 'db.query.text') ?? '')),
          );
          expect(insert, 'the INSERT, under the chunk').toBeDefined();
          if (!insert) return;
          const graph = connected(spans, handler);
          for (const span of [send, chunk, insert, transaction, announced])
            expect(graph.has(span), `${span.name} joined to the request`).toBe(true);
        }
        // four orders, four traces
        const traces = new Set(
          orderIds.map((orderId) => spans.find((span) => attribute(span, 'ouro.order.id') === orderId)?.spanContext().traceId),
        );
        expect(traces.size).toBe(4);
      },
      { timeoutMs: 20_000 },
    );
  });
});

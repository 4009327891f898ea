import { randomUUID } from 'node:crypto';
import { loadApiConfig } from '@ouro/config';
import { type OrderCreationRequested, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { KafkaLink, loadStackConfig } from '@ouro/infra';
import { AvroSerde, createKafka, createRegistry, readToEnd, silentLogger } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, stackEnv, uniqueName } from '@ouro/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeOrderApi } from '../src/compose.js';

// order-api under the Kafka faults that wedge idempotent producers: replies lost after the broker
// appended, a link that holds everything. Its Kafka traffic crosses a link on a fault lane.
type App = Awaited<ReturnType<typeof composeOrderApi>>;

const kafka = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'api-kafka-faults-test' });
const order = { customerId: 'c-faults', currency: 'EUR', items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }] };
let link: KafkaLink;
let deployment: Namespace;
let commands: AvroSerde<OrderCreationRequested>;
let app: App | undefined;

beforeAll(async () => {
  link = await KafkaLink.open(loadStackConfig());
});
beforeEach(async () => {
  deployment = await provisionNamespace(uniqueName('api-kafka-faults'), { partitions: 1 });
  commands = await AvroSerde.forSubject(
    createRegistry(stackEnv().schemaRegistryUrl),
    subjectFor(deployment.commandsTopic),
    readSchema(schemaFiles.commands),
  );
});
afterEach(async () => {
  link.set({ kind: 'healthy' });
  await app?.close();
  app = undefined;
});
afterAll(async () => {
  await link.close();
});

async function compose(config: Record<string, string> = {}): Promise<App> {
  app = await composeOrderApi(
    loadApiConfig({ ...process.env, ...deployment.env, KAFKA_BROKERS: link.brokers.join(','), API_PRODUCE_TIMEOUT_MS: '2000', ...config }),
    { logger: silentLogger, keyPrefix: `${uniqueName('api-kafka-faults')}:` },
  );
  return app;
}

const post = (api: App, idempotencyKey: string = randomUUID()) =>
  api.inject({
    method: 'POST',
    url: '/orders',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    payload: JSON.stringify(order),
  });

/** Resolves once `count` has not changed for `quietMs`. */
async function settled(count: () => number, quietMs: number): Promise<void> {
  let last = count();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (count() !== last) {
      last = count();
      since = Date.now();
    }
  }
}

/** The commands in the topic, by the Idempotency-Key each carries. */
async function commandsByKey(): Promise<Map<string, OrderCreationRequested>> {
  const decoded = await Promise.all((await readToEnd(kafka, deployment.commandsTopic)).map((record) => commands.decode(record.value)));
  return new Map(decoded.map((command) => [command.idempotencyKey ?? '', command]));
}

describe('order-api when Kafka loses the replies to its sends', () => {
  it('accepts again once the replies come back, and every order it accepted is in Kafka', async () => {
    const api = await compose();
    // given a link that loses the answer to every send after the broker appended it, until healed
    const lost = link.when({ api: 'Produce', action: 'drop-reply-and-reset', times: 1_000 });
    const first = await post(api);
    expect(first.statusCode).toBeGreaterThanOrEqual(500);
    // (every retry of that send fails the same way, until the API gives up on it: no send for 3 s)
    await settled(() => lost.matches(), 3_000);
    lost.remove();

    // when orders keep coming once the replies are back
    const keys = Array.from({ length: 4 }, () => randomUUID());
    const answers = [];
    for (const key of keys) {
      answers.push(
        await eventually(
          async () => {
            const response = await post(api, key);
            expect(response.statusCode).toBe(202);
            return response;
          },
          { timeoutMs: 30_000 },
        ),
      );
    }

    // then each is accepted, and each accepted order is in Kafka, under the orderId the client was given
    const written = await commandsByKey();
    for (const [index, key] of keys.entries()) {
      expect(written.get(key)?.orderId, `order ${index + 1}`).toBe(answers[index]?.json().orderId);
    }
  });
});

describe('order-api when Kafka does not answer in time', () => {
  it('answers 503 only for what it did not write, and says so when it cannot know', async () => {
    const api = await compose();
    // given a link that holds every byte
    link.set({ kind: 'partitioned' });

    // when one request's send is under way and another's waits behind it, both past the produce timeout
    const [inFlight, queued] = await Promise.all([
      post(api, 'in-flight'),
      new Promise((resolve) => setTimeout(resolve, 200)).then(() => post(api, 'queued')),
    ]);
    link.set({ kind: 'healthy' });

    // then an answer that says nothing was written is true once the link heals, and the other one
    // says the outcome is unknown and names the order, which then exists
    const settled = await eventually(
      async () => {
        const written = await commandsByKey();
        expect(written.has('in-flight')).toBe(true);
        return written;
      },
      { timeoutMs: 30_000 },
    );
    expect(queued.statusCode).toBe(503);
    expect(queued.json()).toMatchObject({ code: 'kafka-unavailable' });
    expect(settled.has('queued')).toBe(false);
    expect(inFlight.statusCode).toBe(504);
    expect(inFlight.json()).toMatchObject({ code: 'acceptance-unknown', orderId: settled.get('in-flight')?.orderId });
  });
});

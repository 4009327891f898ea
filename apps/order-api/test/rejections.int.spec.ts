import { randomUUID } from 'node:crypto';
import { loadApiConfig } from '@ouro/config';
import { createKafka, NotSent, OutcomeUnknown, silentLogger } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { stackEnv, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeOrderApi } from '../src/compose.js';

type App = Awaited<ReturnType<typeof composeOrderApi>>;

const valid = { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A-1', quantity: 1, unitPriceCents: 100 }] };
const admin = createKafka({ brokers: stackEnv().kafkaBrokers, clientId: 'rejections-test' }).admin();
const redis = new Redis(stackEnv().redisUrl);

let deployment: Namespace;
let keyPrefix: string;
let app: App;

async function compose(overrides: Partial<Parameters<typeof composeOrderApi>[1]> = {}, config: Record<string, string> = {}): Promise<App> {
  return composeOrderApi(loadApiConfig({ ...process.env, ...deployment.env, ...config }), {
    logger: silentLogger,
    keyPrefix,
    ...overrides,
  });
}

/** Nothing reached Kafka (the topic is this test's own) and nothing reached Redis under this test's prefix. */
async function expectNothingWritten(): Promise<void> {
  const offsets = await admin.fetchTopicOffsets(deployment.commandsTopic);
  expect(offsets.map(({ high }) => high)).toEqual(offsets.map(() => '0'));
  expect(await redis.keys(`${keyPrefix}*`)).toEqual([]);
}

function postJson(body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: '/orders',
    headers: { 'content-type': 'application/json', ...headers },
    payload: JSON.stringify(body),
  });
}

beforeAll(async () => {
  deployment = await provisionNamespace(uniqueName('rejections'), { partitions: 1 });
  keyPrefix = `${uniqueName('rejections')}:`;
  await admin.connect();
  app = await compose();
});

afterAll(async () => {
  await app?.close();
  await admin.disconnect();
  redis.disconnect();
});

describe('order-api refuses bad input with problem+json and writes nothing', () => {
  it.each([
    { case: 'a missing customerId', body: { currency: 'EUR', items: valid.items }, field: '/customerId' },
    { case: 'an empty customerId', body: { ...valid, customerId: '' }, field: '/customerId' },
    { case: 'a customerId over 128 characters', body: { ...valid, customerId: 'x'.repeat(129) }, field: '/customerId' },
    { case: 'a currency that is not three capitals', body: { ...valid, currency: 'eur' }, field: '/currency' },
    { case: 'a currency ISO 4217 does not know', body: { ...valid, currency: 'XYZ' }, field: '/currency' },
    { case: 'no items', body: { ...valid, items: [] }, field: '/items' },
    { case: 'more than 100 items', body: { ...valid, items: Array.from({ length: 101 }, () => valid.items[0]) }, field: '/items' },
    { case: 'a quantity of 0', body: { ...valid, items: [{ sku: 'A', quantity: 0, unitPriceCents: 1 }] }, field: '/items/0/quantity' },
    {
      case: 'a fractional quantity',
      body: { ...valid, items: [{ sku: 'A', quantity: 1.5, unitPriceCents: 1 }] },
      field: '/items/0/quantity',
    },
    {
      case: 'a quantity sent as a string',
      body: { ...valid, items: [{ sku: 'A', quantity: '2', unitPriceCents: 1 }] },
      field: '/items/0/quantity',
    },
    {
      case: 'a negative price',
      body: { ...valid, items: [{ sku: 'A', quantity: 1, unitPriceCents: -1 }] },
      field: '/items/0/unitPriceCents',
    },
    { case: 'a SKU with spaces', body: { ...valid, items: [{ sku: 'A B', quantity: 1, unitPriceCents: 1 }] }, field: '/items/0/sku' },
    // JSON can carry both; PostgreSQL text cannot hold NUL, and UTF-8 (Avro, PostgreSQL) cannot hold a lone surrogate.
    { case: 'a customerId holding a NUL character', body: { ...valid, customerId: 'a\u0000b' }, field: '/customerId' },
    { case: 'a customerId holding a lone surrogate', body: { ...valid, customerId: '\ud800x' }, field: '/customerId' },
    { case: 'an unknown field', body: { ...valid, coupon: 'FREE' }, field: '/' },
    { case: 'an array instead of an object', body: [valid], field: '/' },
  ])('400 for $case, naming $field', async ({ body, field }) => {
    const response = await postJson(body);

    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ type: 'urn:ouro:problem:invalid-request', status: 400, code: 'invalid-request' });
    expect(problem.errors.map((error: { field: string }) => error.field)).toContain(field);
    await expectNothingWritten();
  });

  it('400 for malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: '{"customerId": ',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid-request', errors: [{ field: '/', message: 'malformed JSON' }] });
    await expectNothingWritten();
  });

  it('415 for a body that is not JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'text/plain' },
      payload: 'an order please',
    });

    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 415, code: 'unsupported-media-type' });
    await expectNothingWritten();
  });

  it('413 for a body over the limit', async () => {
    const response = await postJson({ ...valid, customerId: 'x'.repeat(70 * 1024) });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, code: 'payload-too-large' });
    await expectNothingWritten();
  });

  it('400 for a malformed Idempotency-Key', async () => {
    const response = await postJson(valid, { 'idempotency-key': 'has spaces in it' });

    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].field).toBe('headers:idempotency-key');
    await expectNothingWritten();
  });

  it('400 for an order id that is not a UUID, 404 for one nobody placed', async () => {
    const malformed = await app.inject({ method: 'GET', url: '/orders/not-a-uuid' });
    const unknown = await app.inject({ method: 'GET', url: `/orders/${randomUUID()}` });

    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('params:id');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'order-not-found' });
  });

  it('404 problem+json for a route that does not exist', async () => {
    const response = await app.inject({ method: 'GET', url: '/nowhere' });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'route-not-found' });
  });
});

describe('order-api when Kafka does not acknowledge', () => {
  it.each([
    [
      'could not be sent the record (503: nothing written)',
      { send: () => Promise.reject(new NotSent('no broker')) },
      503,
      'kafka-unavailable',
    ],
    [
      'was sent the record but did not acknowledge it (504: maybe written)',
      { send: () => Promise.reject(new OutcomeUnknown('no answer')) },
      504,
      'acceptance-unknown',
    ],
  ])('answers problem+json with Retry-After when Kafka %s, and leaves no pending order behind', async (_case, sender, status, code) => {
    const failing = await compose({ sender }, { API_PRODUCE_TIMEOUT_MS: '200' });

    const response = await failing.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify(valid),
    });

    expect(response.statusCode).toBe(status);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.json()).toMatchObject({ code });
    if (status === 504) expect(response.headers.location).toBe(`/orders/${response.json().orderId}`);
    await expectNothingWritten();
    await failing.close();
  });

  it('keeps an Idempotency-Key reserved after a 503, so the retry gets the same order id', async () => {
    const key = uniqueName('key');
    const failing = await compose({ sender: { send: () => Promise.reject(new NotSent('broker down')) } });
    const first = await failing.inject({
      method: 'POST',
      url: '/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      payload: JSON.stringify(valid),
    });
    await failing.close();

    const retry = await postJson(valid, { 'idempotency-key': key });

    expect(first.statusCode).toBe(503);
    expect(retry.statusCode).toBe(202);
    const reserved = JSON.parse((await redis.get(`${keyPrefix}idempotency:${key}`)) ?? '{}');
    expect(retry.json().orderId).toBe(reserved.orderId);
    await redis.del(`${keyPrefix}idempotency:${key}`, `${keyPrefix}order:${reserved.orderId}`);
  });
});

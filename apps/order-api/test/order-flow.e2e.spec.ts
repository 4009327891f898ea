import { createKafka, createRegistry } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { loggedLines, type RunningApp, readToEnd, stackEnv, startApp, uniqueName, waitForGroupToCatchUp } from '@ouro/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { kafkaBrokers, schemaRegistryUrl, databaseUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'order-flow-test' });
const registry = createRegistry(schemaRegistryUrl);
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });

let deployment: Namespace;
let api: RunningApp;
let processor: RunningApp | undefined;
/** Every app this file started, for their logs. */
const started: RunningApp[] = [];
// Traced, exported to the console: the apps' own `--import` of their instrumentation is what is checked.
const traced = () => ({ ...deployment.env, OTEL_TRACES_EXPORTER: 'console' });

const order = (customerId: string) => ({ customerId, currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }] });

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function get(path: string) {
  const response = await fetch(`${api.url}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function rowsFor(orderId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from orders where id = $1', [orderId]);
  return rows[0]?.n ?? 0;
}

/**
 * The order's OrderCreated records, once the processor has committed everything it was sent. Not
 * sooner: `committed` in GET means stored in PostgreSQL, which precedes the Kafka commit that
 * makes the event visible (by one transaction).
 */
async function orderCreatedRecords(orderId: string) {
  const admin = kafka.admin();
  await admin.connect();
  await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic).finally(() => admin.disconnect());
  const records = await readToEnd(kafka, deployment.eventsTopic);
  return records.filter((record) => record.key === orderId);
}

async function orderCreatedEvents(orderId: string) {
  const mine = await orderCreatedRecords(orderId);
  return Promise.all(mine.map(async (record) => (await registry.decode(record.value as Buffer)) as Record<string, unknown>));
}

beforeAll(async () => {
  deployment = await provisionNamespace(uniqueName('flow'));
  [api, processor] = await Promise.all([startApp('order-api', traced()), startApp('order-processor', traced())]);
  started.push(api, processor);
});

afterAll(async () => {
  await Promise.allSettled([api?.kill(), processor?.kill()]);
  await db.end();
});

describe('the order flow, end to end', () => {
  it('accepts an order with 202, shows it pending or committed, then committed; stores it once and announces it once', async () => {
    // when
    const placed = await post(order('c-flow'));

    // then the API accepted it, and said where to read it
    expect(placed.status).toBe(202);
    const orderId = String(placed.body.orderId);
    expect(orderId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7
    expect(placed.body.status).toBe('pending');
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);
    // and reading it at once never says 404 (read-your-writes)
    const first = await get(`/orders/${orderId}`);
    expect(first.status).toBe(200);
    expect(['pending', 'committed']).toContain(first.body.status);
    // and it becomes committed
    const committed = await get(`/orders/${orderId}?waitFor=committed&timeoutMs=20000`);
    expect(committed.body).toMatchObject({ orderId, status: 'committed', customerId: 'c-flow', currency: 'EUR', totalCents: 3998 });
    expect(Date.parse(String(committed.body.committedAt))).toBeGreaterThanOrEqual(Date.parse(String(placed.body.acceptedAt)));
    // and PostgreSQL holds it once
    expect(await rowsFor(orderId)).toBe(1);
    // and a read_committed consumer sees exactly one OrderCreated, decoded through the registry
    const events = await orderCreatedEvents(orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      orderId,
      customerId: 'c-flow',
      currency: 'EUR',
      totalCents: 3998,
      acceptedAt: Date.parse(String(placed.body.acceptedAt)),
    });
  });

  it('shows an order pending while no processor runs, and committed once one does (read-your-writes)', async () => {
    // given no processor
    await processor?.kill('SIGTERM');
    processor = undefined;

    // when an order is placed
    const placed = await post(order('c-ryw'));
    const orderId = String(placed.body.orderId);

    // then it reads as pending, never 404
    expect(placed.status).toBe(202);
    expect(await get(`/orders/${orderId}`)).toMatchObject({ status: 200, body: { status: 'pending' } });
    expect(await rowsFor(orderId)).toBe(0);

    // when a processor starts
    processor = await startApp('order-processor', traced());
    started.push(processor);

    // then the order becomes committed
    expect((await get(`/orders/${orderId}?waitFor=committed&timeoutMs=30000`)).body.status).toBe('committed');
    expect(await rowsFor(orderId)).toBe(1);
  });

  it('answers a retried request with the same Idempotency-Key with the same order, and stores it once', async () => {
    const key = `key-${Date.now()}-${Math.random()}`;

    const first = await post(order('c-idem'), { 'idempotency-key': key });
    const second = await post(order('c-idem'), { 'idempotency-key': key });

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.orderId).toBe(first.body.orderId);
    const orderId = String(first.body.orderId);
    expect((await get(`/orders/${orderId}?waitFor=committed&timeoutMs=20000`)).body.status).toBe('committed');
    expect(await rowsFor(orderId)).toBe(1);
    expect(await orderCreatedEvents(orderId)).toHaveLength(1);
  });

  it('refuses the same Idempotency-Key with another body with 409 problem+json', async () => {
    const key = `key-${Date.now()}-${Math.random()}`;
    await post(order('c-idem-a'), { 'idempotency-key': key });

    const conflicting = await post(order('c-idem-b'), { 'idempotency-key': key });

    expect(conflicting.status).toBe(409);
    expect(conflicting.headers.get('content-type')).toContain('application/problem+json');
    expect(conflicting.body).toMatchObject({ status: 409, code: 'idempotency-key-reused' });
  });

  it('continues the request’s W3C trace context in the command; OrderCreated carries the context of its own send', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const placed = await post(order('c-trace'), { traceparent });
    const orderId = String(placed.body.orderId);
    await get(`/orders/${orderId}?waitFor=committed&timeoutMs=20000`);

    const [command] = (await readToEnd(kafka, deployment.commandsTopic)).filter((record) => record.key === orderId);
    const [, traceId, spanId] = command?.headers.traceparent?.toString().split('-') ?? [];
    expect(traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(spanId).not.toBe('00f067aa0ba902b7');
    const [record] = await orderCreatedRecords(orderId);
    expect(record?.headers.traceparent?.toString()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('serves the processor’s liveness, readiness from its own state, and its metrics', async () => {
    const url = processor?.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/live`)).status).toBe(200);
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', member: true, stalled: [] });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(Number(metrics.match(/^ouro_processor_transactions_total\{outcome="committed"\} (\d+)/m)?.[1])).toBeGreaterThan(0);
    expect(Number(metrics.match(/^ouro_order_freshness_seconds_count (\d+)/m)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/^ouro_processor_consumer_lag\{partition="\d+"\} \d+/m);
    expect((await fetch(`${url}/ready`, { method: 'POST' })).status).toBe(405);
  });

  it('serves liveness, readiness of every dependency, Prometheus metrics and the OpenAPI document', async () => {
    expect(await get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/ready')).toEqual({
      status: 200,
      body: { status: 'ready', checks: { kafka: 'up', registry: 'up', redis: 'up', postgres: 'up' }, degraded: {} },
    });
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^ouro_api_orders_accepted_total \d+/m);
    expect(metrics).toContain('ouro_api_http_request_duration_seconds_bucket{');
    expect(metrics).toMatch(/^ouro_api_order_wait_seconds_count\{status="200"\} \d+/m);
    expect(metrics).toMatch(/^ouro_api_produce_duration_seconds_count\{outcome="written"\} \d+/m);
    const openapi = (await get('/docs/json')).body as { openapi: string; paths: Record<string, unknown> };
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}']));
  });

  it('writes no ERROR line from a fresh start on: what kafkajs retries by itself (a coordinator not yet available or loading) is a warning', () => {
    const errors = started.flatMap((app) =>
      loggedLines(app)
        .filter((line) => Number(line.level) >= 50)
        .map((line) => `${app.name}: ${JSON.stringify(line)}`),
    );
    expect(errors).toEqual([]);
  });
});

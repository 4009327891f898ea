import http from 'node:http';
import net from 'node:net';
import { createKafka, createRegistry } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { eventually, loggedLines, type RunningApp, readToEnd, stackEnv, startApp, uniqueName } from '@ouro/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const { kafkaBrokers, schemaRegistryUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'api-shutdown-test' });
const registry = createRegistry(schemaRegistryUrl);

let deployment: Namespace;
const running: RunningApp[] = [];

/** Longer than any test here: a long-poll that is answered at all during shutdown was answered early. */
const maxWaitMs = 60_000;

async function api(): Promise<RunningApp> {
  const app = await startApp('order-api', { ...deployment.env, API_MAX_WAIT_MS: String(maxWaitMs) });
  running.push(app);
  return app;
}

const order = (customerId: string) =>
  JSON.stringify({ customerId, currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 500 }] });

interface Outcome {
  readonly status?: number;
  readonly headers?: http.IncomingHttpHeaders;
  readonly body?: Record<string, unknown>;
  /** The transport error's code when no answer came. */
  readonly error?: string;
  /** The request went out on a keep-alive connection that had served an earlier request. */
  readonly reusedSocket: boolean;
  readonly settledAt: number;
}

/** A request whose body is sent by `finish` (all at once by default), settling with the answer or the transport error. */
function request(agent: http.Agent, url: string, method: string, body?: string) {
  const req = http.request(url, {
    method,
    agent,
    headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const outcome = new Promise<Outcome>((resolve) => {
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          reusedSocket: req.reusedSocket,
          settledAt: Date.now(),
        });
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message, reusedSocket: req.reusedSocket, settledAt: Date.now() }),
    );
  });
  return {
    outcome,
    /** Sends the first `sentBytes` of the body now, so the server holds an unfinished request. */
    start(sentBytes: number) {
      req.flushHeaders();
      req.write(body?.slice(0, sentBytes) ?? '');
    },
    finish: (from = 0) => req.end(body?.slice(from)),
  };
}

/** True when a new TCP connection is accepted, false when it is refused. */
function accepts(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve(false) : reject(error)));
  });
}

/** The commands in Kafka, by orderId and by customerId (each test uses its own customer ids). */
async function commandsInKafka() {
  const byOrder = new Map<string, number>();
  const byCustomer = new Map<string, number>();
  for (const record of await readToEnd(kafka, deployment.commandsTopic)) {
    const command = (await registry.decode(record.value as Buffer)) as { orderId: string; customerId: string };
    byOrder.set(command.orderId, (byOrder.get(command.orderId) ?? 0) + 1);
    byCustomer.set(command.customerId, (byCustomer.get(command.customerId) ?? 0) + 1);
  }
  return { byOrder, byCustomer };
}

/** How many `method url` requests the app has begun handling (Fastify logs each as its headers arrive). */
const incomingRequests = (app: RunningApp, method: string, url: string) =>
  loggedLines(app).filter((line) => {
    const req = line.req as { method?: string; url?: string } | undefined;
    return line.msg === 'incoming request' && req?.method === method && req.url === url;
  }).length;

beforeAll(async () => {
  deployment = await provisionNamespace(uniqueName('api-shutdown'), { partitions: 3 });
});

afterEach(async () => {
  await Promise.allSettled(running.splice(0).map((app) => app.kill('SIGKILL')));
});

describe('order-api on SIGTERM', () => {
  it('refuses new connections, finishes a request in flight (202, Connection: close, command in Kafka), then exits 0', async () => {
    // given an API with a keep-alive client that has placed an order and now has a second one in
    // flight: its headers arrived, its body has not
    const app = await api();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const customer = uniqueName('c-inflight');
    const warmUp = request(agent, `${app.url}/orders`, 'POST', order(`${customer}-warm-up`));
    warmUp.finish();
    expect((await warmUp.outcome).status).toBe(202);
    const inFlight = request(agent, `${app.url}/orders`, 'POST', order(customer));
    inFlight.start(10);
    await eventually(() => expect(incomingRequests(app, 'POST', '/orders')).toBe(2));

    // when it is told to stop
    const signalledAt = Date.now();
    const exited = app.kill('SIGTERM');
    // then it stops accepting connections while the request is still open
    await eventually(async () => expect(await accepts(app.url)).toBe(false));
    // and when the rest of the body arrives, the request is answered for real
    inFlight.finish(10);
    const answer = await inFlight.outcome;
    expect(answer).toMatchObject({ status: 202, reusedSocket: true, body: { status: 'pending' } });
    // on a connection the client must not reuse
    expect(answer.headers?.connection).toBe('close');
    // and the process exits 0 promptly, having closed everything: nothing waits for the client to hang up
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(loggedLines(app).some((line) => line.msg === 'stopped')).toBe(true);
    // and its command is in Kafka, once
    const orderId = String(answer.body?.orderId);
    const { byOrder } = await commandsInKafka();
    expect(byOrder.get(orderId)).toBe(1);
    agent.destroy();
  });

  it('answers a long-poll in flight at once with what it knows (pending), not after API_MAX_WAIT_MS', async () => {
    // given an order nobody processes (no order-processor runs) and a client long-polling for its commit
    const app = await api();
    const agent = new http.Agent({ keepAlive: true });
    const placed = request(agent, `${app.url}/orders`, 'POST', order(uniqueName('c-long-poll')));
    placed.finish();
    const orderId = String((await placed.outcome).body?.orderId);
    const path = `/orders/${orderId}?waitFor=committed&timeoutMs=${maxWaitMs}`;
    const poll = request(agent, `${app.url}${path}`, 'GET');
    poll.finish();
    await eventually(() => expect(incomingRequests(app, 'GET', path)).toBe(1));

    // when it is told to stop
    const signalledAt = Date.now();
    const exited = app.kill('SIGTERM');

    // then the long-poll is answered now, with the order as it stands, and the connection closes
    const answer = await poll.outcome;
    expect(answer).toMatchObject({ status: 200, body: { orderId, status: 'pending' } });
    expect(answer.headers?.connection).toBe('close');
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    agent.destroy();
  });

  it('under a burst over keep-alive: every request gets 202 or a clean refusal, and exactly the 202s are in Kafka', async () => {
    // given a burst of orders over 50 keep-alive connections, each order from its own customer
    const app = await api();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    const burst = uniqueName('c-burst');
    const requests = Array.from({ length: 200 }, (_, index) => {
      const customerId = `${burst}-${index}`;
      const sent = request(agent, `${app.url}/orders`, 'POST', order(customerId));
      sent.finish();
      return { customerId, outcome: sent.outcome };
    });

    // when SIGTERM lands as the first answer arrives, with most of the burst still in flight or queued
    await Promise.race(requests.map(({ outcome }) => outcome));
    const signalledAt = Date.now();
    const exited = app.kill('SIGTERM');
    const outcomes = await Promise.all(requests.map(async ({ customerId, outcome }) => ({ customerId, ...(await outcome) })));

    // then every request was answered 202, or refused with 503 problem+json, or failed at the
    // transport: its new connection refused, or reset (it waited in the listen backlog, or reused a
    // keep-alive connection just as the server closed it idle): the server never read those
    const unexpected = outcomes.filter(
      (outcome) =>
        !(
          outcome.status === 202 ||
          (outcome.status === 503 && String(outcome.headers?.['content-type']).startsWith('application/problem+json')) ||
          outcome.error === 'ECONNREFUSED' ||
          outcome.error === 'ECONNRESET'
        ),
    );

    expect(unexpected).toEqual([]);
    // and every request the server began handling was answered: none was cut off by the exit
    const answered = outcomes.filter((outcome) => outcome.status !== undefined);
    expect(await exited).toBe(0);
    expect(incomingRequests(app, 'POST', '/orders')).toBe(answered.length);
    const accepted = outcomes.filter((outcome) => outcome.status === 202);
    // and the signal landed mid-burst: requests the server held when it came were still answered
    expect(accepted.filter((outcome) => outcome.settledAt > signalledAt).length).toBeGreaterThan(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    // and a new connection is refused
    expect(await accepts(app.url)).toBe(false);

    // and every 202 has its command in Kafka exactly once, and nothing else was written
    const { byOrder, byCustomer } = await commandsInKafka();
    expect(accepted.filter((outcome) => byOrder.get(String(outcome.body?.orderId)) !== 1)).toEqual([]);
    const refused = outcomes.filter((outcome) => outcome.status !== 202);
    expect(refused.filter((outcome) => byCustomer.has(outcome.customerId))).toEqual([]);
    agent.destroy();
  });
});

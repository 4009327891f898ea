import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { loadStackConfig } from '../src/config.js';
import { KafkaLink } from '../src/links/kafka-link.js';
import { Link } from '../src/links/link.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An echo server, a link in front of it, and a client through the link: the link's real sockets. */
async function echoThroughLink() {
  const echo = createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const link = await Link.open({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  const client: Socket = connect(link.port, '127.0.0.1');
  await once(client, 'connect');
  const received: string[] = [];
  client.on('data', (chunk: Buffer) => received.push(chunk.toString()));
  client.on('error', () => {});
  cleanups.push(async () => {
    client.destroy();
    await link.close();
    echo.close();
  });
  const roundTrip = async (text: string) => {
    const started = Date.now();
    const before = received.join('').length;
    client.write(text);
    while (received.join('').length < before + text.length) await new Promise((resolve) => setTimeout(resolve, 5));
    return Date.now() - started;
  };
  return { link, client, roundTrip, received };
}

describe('Link', () => {
  it('passes bytes through, delays them both ways, holds them while partitioned and delivers them, in order, once healed', async () => {
    const { link, roundTrip, received } = await echoThroughLink();
    expect(await roundTrip('a')).toBeLessThan(100);

    link.set({ kind: 'delayed', ms: 150 });
    // two hops through the link (there and back), 150 ms each
    expect(await roundTrip('b')).toBeGreaterThanOrEqual(290);

    link.set({ kind: 'partitioned' });
    const held = roundTrip('cd');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.join('')).toBe('ab');
    link.set({ kind: 'healthy' });
    await held;
    expect(received.join('')).toBe('abcd');
  });

  it('lets requests through and loses their replies, then resets its connections', async () => {
    const { link, client, roundTrip, received } = await echoThroughLink();
    await roundTrip('a');

    link.set({ kind: 'replies-lost' });
    client.write('b');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(link.forwarded.request).toBe(2);
    expect(received.join('')).toBe('a');

    const closed = new Promise((resolve) => client.once('close', resolve));
    link.set({ kind: 'refusing' });
    await closed;
    const refused = connect(link.port, '127.0.0.1');
    refused.on('error', () => {});
    await new Promise((resolve) => refused.once('close', resolve));
  });

  it('resets a connection whose peer is down, as the peer would refuse it', async () => {
    // given a link to a port nothing listens on
    const nothing = createServer();
    nothing.listen(0, '127.0.0.1');
    await once(nothing, 'listening');
    const { port } = nothing.address() as AddressInfo;
    nothing.close();
    const link = await Link.open({ host: '127.0.0.1', port });
    cleanups.push(() => link.close());

    // when a client connects through it
    const client = connect(link.port, '127.0.0.1');
    const error = new Promise<NodeJS.ErrnoException>((resolve) => client.once('error', resolve));

    // then its connection is reset (a dead peer's refusal), not ended in good order
    expect((await error).code).toBe('ECONNRESET');
  });
});

describe('KafkaLink', () => {
  const config = loadStackConfig();

  it("carries a client's whole session (metadata, transactions) through a lane, and loses the reply to one chosen request", async () => {
    const link = await KafkaLink.open(config);
    cleanups.push(() => link.close());
    const kafka = new Kafka({ clientId: 'lane-test', brokers: link.brokers, logLevel: logLevel.NOTHING, requestTimeout: 2_000 });
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());

    // Metadata names the brokers at the lane's addresses: every later connection crosses the link too.
    const { brokers } = await admin.describeCluster();
    expect(brokers.map(({ host, port }) => `${host}:${port}`).sort()).toEqual([...link.brokers].sort());

    const lost = link.when({ api: 'Metadata', action: 'drop-reply', clientId: 'lane-test' });
    await expect(admin.fetchTopicMetadata({ topics: [] })).rejects.toThrow();
    expect(lost.matches()).toBe(1);
    // Spent after one request: the next one is answered.
    await expect(admin.describeCluster()).resolves.toMatchObject({ brokers: expect.any(Array) });
  });

  it('hands out each lane once: a second link takes the next one', async () => {
    const first = await KafkaLink.open(config);
    const second = await KafkaLink.open(config);
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );

    expect(second.lane).not.toBe(first.lane);
    expect(second.brokers).not.toEqual(first.brokers);
  });
});

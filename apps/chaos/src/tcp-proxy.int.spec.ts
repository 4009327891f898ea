import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpProxy } from './tcp-proxy.js';

/** An echo server, a proxy in front of it, and a client through the proxy: the proxy's real sockets. */
async function echoThroughProxy() {
  const echo = createServer((socket) => socket.pipe(socket));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
  const client: Socket = connect(proxy.port, '127.0.0.1');
  await once(client, 'connect');
  const received: string[] = [];
  client.on('data', (chunk: Buffer) => received.push(chunk.toString()));
  cleanups.push(async () => {
    client.destroy();
    await proxy.close();
    echo.close();
  });
  const roundTrip = async (text: string) => {
    const started = Date.now();
    const before = received.join('').length;
    client.write(text);
    while (received.join('').length < before + text.length) await new Promise((resolve) => setTimeout(resolve, 5));
    return Date.now() - started;
  };
  return { proxy, roundTrip, received };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('TcpProxy', () => {
  it('passes bytes through, delays them both ways, holds them while partitioned and delivers them, in order, once healed', async () => {
    const { proxy, roundTrip, received } = await echoThroughProxy();
    expect(await roundTrip('a')).toBeLessThan(100);

    proxy.set({ kind: 'delayed', ms: 150 });
    // two hops through the proxy (there and back), 150 ms each
    expect(await roundTrip('b')).toBeGreaterThanOrEqual(290);

    proxy.set({ kind: 'partitioned' });
    const held = roundTrip('cd');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received.join('')).toBe('ab');
    proxy.set({ kind: 'healthy' });
    await held;
    expect(received.join('')).toBe('abcd');
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadGenerator } from './load.js';

// An order-api that takes requests and never answers: an outage, as a client sees it.
let server: Server | undefined;
const held: (() => void)[] = [];

afterEach(async () => {
  for (const release of held.splice(0)) release();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function silentServer(): Promise<{ url: string; received: () => number }> {
  let received = 0;
  server = createServer((_request, response) => {
    received++;
    held.push(() => response.destroy());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received: () => received };
}

describe('LoadGenerator at a fixed rate', () => {
  it('holds at most maxInFlight requests during an outage and sheds the rest instead of piling them up', async () => {
    const { url, received } = await silentServer();
    const load = new LoadGenerator({ targets: () => [url], shape: { kind: 'rate', perSecond: 1_000 }, maxInFlight: 20, retryForMs: 0 });
    load.start();
    await sleep(500);
    const { inFlight, shed, started } = load.progress;
    expect(inFlight).toBeLessThanOrEqual(20);
    expect(started).toBe(20);
    expect(received()).toBeLessThanOrEqual(20);
    expect(shed).toBeGreaterThan(300);
    for (const release of held.splice(0)) release();
    await load.stop();
  });

  it('abandons the requests in flight when stopped for a shutdown, instead of waiting out their timeouts and retries', async () => {
    // given requests held by an unanswering server, each allowed 10 s and retried for a minute
    const { url } = await silentServer();
    const load = new LoadGenerator({
      targets: () => [url],
      shape: { kind: 'rate', perSecond: 100 },
      requestTimeoutMs: 10_000,
      retryForMs: 60_000,
    });
    load.start();
    await expect.poll(() => load.progress.inFlight).toBeGreaterThan(5);

    // when stopped with abandon
    const stoppedAt = Date.now();
    const { entries } = await load.stop({ abandon: true });

    // then it is done at once, every request it had started recorded as unresolved (it may have reached the server)
    expect(Date.now() - stoppedAt).toBeLessThan(2_000);
    expect(entries.length).toBe(load.progress.started);
    expect(entries.every((entry) => entry.outcome === 'unresolved' && entry.ambiguous)).toBe(true);
    expect(load.progress.inFlight).toBe(0);
  });
});

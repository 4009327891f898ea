import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { dueBy, runPaced } from './paced.js';

describe('dueBy', () => {
  it('spreads the requests evenly: at 1,000/s one is due every millisecond, the first at once', () => {
    expect([0, 0.5, 1, 9.99, 10, 999].map((ms) => dueBy(ms, 1_000, 100_000))).toEqual([1, 1, 2, 10, 11, 1_000]);
  });

  it('never makes a second burst: 250 ms into a second, a quarter of its requests are due, not all of them', () => {
    expect(dueBy(250, 2_000, 30_000)).toBe(501);
  });

  it('stops at the total, and owes nothing before the start', () => {
    expect(dueBy(60_000, 1_000, 15_000)).toBe(15_000);
    expect(dueBy(-1, 1_000, 15_000)).toBe(0);
  });
});

describe('runPaced', () => {
  it('against a server slower than the offered rate: the time runs to the last answer, and a late request counts its wait', async () => {
    const server = createServer((_request, response) => {
      setTimeout(() => response.end('{}'), 10);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      // One connection answering in 10 ms or more: at most 100 a second, offered 400 a second.
      const result = await runPaced({
        url: `http://127.0.0.1:${port}`,
        path: '/orders',
        body: '{}',
        rate: 400,
        durationSec: 0.25,
        connections: 1,
      });

      expect(result.sent).toBe(100);
      expect(result.statuses.get(200)).toBe(100);
      expect(result.durationSec).toBeGreaterThan(0.9);
      expect(Math.max(...result.latenciesMs)).toBeGreaterThan(600);
    } finally {
      server.close();
    }
  });
});

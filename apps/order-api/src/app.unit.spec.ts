import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import type { OrderService } from './order-service.js';

/** The app on a logger whose lines the test reads; no infrastructure behind it (only /health is called). */
async function appLogging(requestLogging: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp({ orders: {} as OrderService, readiness: {}, logger: { level: 'info', stream }, requestLogging });
  await app.inject({ method: 'GET', url: '/health' });
  await app.close();
  return lines.filter((line) => /incoming request|request completed/.test(line));
}

describe('request logging', () => {
  it('writes a line per request and per response when on, and none when off', async () => {
    expect(await appLogging(true)).toHaveLength(2);
    expect(await appLogging(false)).toEqual([]);
  });
});

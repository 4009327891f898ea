import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from './app.js';
import type { ReadinessCheck } from './plugins/readiness.js';

/** The app on a logger whose lines the test reads; no infrastructure behind it (only /health is called). */
async function appLogging(requestLogging: boolean) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp({ logger: { level: 'info', stream }, requestLogging });
  await app.inject({ method: 'GET', url: '/health' });
  await app.close();
  return lines.filter((line) => /incoming request|request completed/.test(line));
}

const up = async () => {};
const down = async () => {
  throw new Error('refused');
};

/** The HTTP shell with readiness checks standing in for the clients' (their results are all that is read). */
async function appWithChecks(checks: Record<string, Pick<ReadinessCheck, 'check' | 'required'>>) {
  return buildApp({
    compose: async (app) => {
      for (const [name, { check, required }] of Object.entries(checks))
        app.readiness.add(name, { check, required, whileDown: `${name} is down` });
    },
  });
}

describe('request logging', () => {
  it('writes a line per request and per response when on, and none when off', async () => {
    expect(await appLogging(true)).toHaveLength(2);
    expect(await appLogging(false)).toEqual([]);
  });
});

describe('readiness: can this instance accept orders?', () => {
  it('is ready, degraded, while only what some requests need is down, naming what fails', async () => {
    const app = await appWithChecks({ kafka: { check: up, required: true }, redis: { check: down, required: false } });
    const answer = await app.inject({ method: 'GET', url: '/ready' });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: 'degraded', checks: { kafka: 'up', redis: 'down' }, degraded: { redis: 'redis is down' } });
    await app.close();
  });

  it('is not ready (503 problem+json, Retry-After) while what every order needs is down', async () => {
    const app = await appWithChecks({ kafka: { check: down, required: true }, postgres: { check: up, required: false } });
    const answer = await app.inject({ method: 'GET', url: '/ready' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json()).toMatchObject({ code: 'dependency-unavailable', dependency: 'kafka' });
    await app.close();
  });
});

describe('methods', () => {
  it('answers 405 with Allow for a known path asked with another method, 404 for an unknown path', async () => {
    const app = await buildApp();
    const trace = await app.inject({ method: 'TRACE', url: '/health' });
    expect(trace.statusCode).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD');
    expect(trace.headers['content-type']).toContain('application/problem+json');
    expect(trace.json()).toMatchObject({ type: 'urn:ouro:problem:method-not-allowed', status: 405 });
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
    await app.close();
  });
});

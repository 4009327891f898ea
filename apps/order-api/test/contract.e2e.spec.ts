// The API contract, property-based: schemathesis generates requests from order-api's own OpenAPI
// document (/docs/json), valid and invalid, sends them to a real order-api on the real stack, and
// checks every answer against the document (status codes, content types, bodies, headers), that a
// request the schema allows is accepted and one it forbids refused, and that unknown methods get
// 405. Then: no 5xx but the documented 503/504, and every refused request wrote nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemathesis } from '@ouro/infra';
import { createKafka } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { type RunningApp, readToEnd, stackEnv, startApp, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const { kafkaBrokers, redisUrl } = stackEnv();
const redis = new Redis(redisUrl);
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'contract-test' });
const reports = mkdtempSync(join(tmpdir(), 'ouro-contract-'));
let deployment: Namespace;
let api: RunningApp;

beforeAll(async () => {
  deployment = await provisionNamespace(uniqueName('contract'), { partitions: 1 });
  // Long-polls of orders that never come are bounded by API_MAX_WAIT_MS: short here.
  api = await startApp('order-api', { ...deployment.env, API_MAX_WAIT_MS: '200', API_REQUEST_LOGGING: 'false' });
});

afterAll(async () => {
  await api?.kill();
  redis.disconnect();
  rmSync(reports, { recursive: true, force: true });
});

interface HarEntry {
  readonly request: { readonly method: string; readonly url: string; readonly headers: ReadonlyArray<{ name: string; value: string }> };
  readonly response: { readonly status: number; readonly content?: { readonly text?: string } };
}

function runSchemathesis(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // Its cache (.schemathesis/) goes to the run's own directory, not the repository.
    const child = spawn(schemathesis, args, { cwd: reports, env: { ...process.env, NO_COLOR: '1', PYTHONUNBUFFERED: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('the OpenAPI contract', () => {
  it('holds for generated requests, valid and not; no 5xx; a refused request writes nothing', async () => {
    const har = join(reports, 'run.har');
    const { code, output } = await runSchemathesis([
      'run',
      `${api.url}/docs/json`,
      '--checks',
      'all',
      '--max-examples',
      '30',
      '--seed',
      '20261130',
      '--workers',
      '1',
      '--request-timeout',
      '10',
      '--report',
      'har',
      '--report-har-path',
      har,
    ]);
    expect(code, output.slice(-6000)).toBe(0);

    const entries = (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
    expect(entries.length).toBeGreaterThan(100);
    const serverErrors = entries.filter((entry) => entry.response.status >= 500 && ![503, 504].includes(entry.response.status));
    expect(serverErrors.map((entry) => `${entry.request.method} ${entry.request.url} → ${entry.response.status}`)).toEqual([]);

    // Every command in the topic is an order some request was answered 202 for: nothing else wrote.
    const accepted = new Set(
      entries
        .filter(
          (entry) => entry.request.method === 'POST' && new URL(entry.request.url).pathname === '/orders' && entry.response.status === 202,
        )
        .map((entry) => (JSON.parse(entry.response.content?.text ?? '{}') as { orderId?: string }).orderId),
    );
    const refused = entries.filter((entry) => entry.request.method === 'POST' && entry.response.status >= 400).length;
    expect(accepted.size).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const written = await readToEnd(kafka, deployment.commandsTopic);
    expect(written.filter((record) => !accepted.has(record.key ?? '')).map((record) => record.key)).toEqual([]);
    // Nor an Idempotency-Key record: a key only ever refused holds nothing in Redis.
    const keyOf = (entry: HarEntry) => entry.request.headers.find((header) => header.name.toLowerCase() === 'idempotency-key')?.value;
    const keyed = entries.filter((entry) => entry.request.method === 'POST' && keyOf(entry) !== undefined);
    const acceptedKeys = new Set(keyed.filter((entry) => entry.response.status === 202).map(keyOf));
    const refusedKeys = [...new Set(keyed.filter((entry) => entry.response.status >= 400).map(keyOf))].filter(
      (key) => !acceptedKeys.has(key),
    );
    expect(keyed.length).toBeGreaterThan(0);
    const held = await Promise.all(refusedKeys.map(async (key) => ((await redis.exists(`ouro:idempotency:${key}`)) ? key : undefined)));
    expect(held.filter((key) => key !== undefined)).toEqual([]);
  });
});

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type OrderCreated, readSchema, schemaFiles, subjectFor } from '@ouro/contracts';
import { orderCreatedFrom } from '@ouro/domain';
import { AvroSerde, createKafka, createRegistry, waitForGroupToCatchUp } from '@ouro/messaging';
import { type Namespace, provisionNamespace } from '@ouro/provisioning';
import { type RunningApp, stackEnv, startApp, uniqueName } from '@ouro/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcceptedEntry, ReconcileReport } from '../src/index.js';

const root = resolve(import.meta.dirname, '../../..');
const cli = join(root, 'packages/reconciler/src/cli.ts');
const { kafkaBrokers, schemaRegistryUrl } = stackEnv();
const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'verify-e2e-test' });
const admin = kafka.admin();

let deployment: Namespace;
const running: RunningApp[] = [];
const accepted: AcceptedEntry[] = [];

/** `npm run verify -- …` as an operator runs it, pointed at the test's deployment. */
function verify(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: root,
    env: { ...process.env, ...deployment.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolveRun) => child.on('close', (code) => resolveRun({ code, stdout, stderr })));
}

async function verifyJson(...args: string[]): Promise<{ code: number | null; report: ReconcileReport }> {
  const { code, stdout, stderr } = await verify('--json', ...args);
  if (code === 2) throw new Error(`verify could not check: ${stderr}`);
  return { code, report: JSON.parse(stdout) as ReconcileReport };
}

beforeAll(async () => {
  await admin.connect();
  deployment = await provisionNamespace(uniqueName('verify-e2e'));
  running.push(...(await Promise.all([startApp('order-api', deployment.env), startApp('order-processor', deployment.env)])));
  const [api] = running;

  // given orders placed through the API, half with an Idempotency-Key, and processed
  for (let n = 0; n < 12; n++) {
    const key = `verify-e2e-${randomUUID()}`;
    const response = await fetch(`${api?.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(n % 2 === 0 ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify({ customerId: `c-${n}`, currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 1 + n, unitPriceCents: 300 }] }),
    });
    expect(response.status).toBe(202);
    const { orderId } = (await response.json()) as { orderId: string };
    accepted.push({ key, outcome: 'accepted', orderId, attempts: 1, ambiguous: false });
  }
  await waitForGroupToCatchUp(admin, deployment.groupId, deployment.commandsTopic);
});

afterAll(async () => {
  await Promise.allSettled(running.map((app) => app.kill('SIGTERM')));
  await admin.disconnect();
});

describe('npm run verify, against the running apps', () => {
  it('exits 0 with every order stored, announced once and cached committed', async () => {
    const { code, report } = await verifyJson();

    expect(report.violations).toEqual([]);
    expect(code).toBe(0);
    expect(report.counts).toMatchObject({ accepted: 12, commands: 12, rows: 12, events: 12, cacheEntries: 12, deadLettered: 0 });
  });

  it('exits 0 against the accepted file of the requests that were made', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'verify-')), 'accepted.jsonl');
    writeFileSync(file, `${accepted.map((entry) => JSON.stringify(entry)).join('\n')}\n`);

    const { code, report } = await verifyJson('--accepted', file);

    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, scope: 'accepted-file', counts: { accepted: 12, tolerated: 0 } });
  });

  it('exits 1 and names the order of an OrderCreated nobody stored', async () => {
    // given an OrderCreated for an order that has no row
    const ghostId = randomUUID();
    const events = await AvroSerde.forSubject<OrderCreated>(
      createRegistry(schemaRegistryUrl),
      subjectFor(deployment.eventsTopic),
      readSchema(schemaFiles.events),
    );
    const ghost = orderCreatedFrom({
      orderId: ghostId,
      customerId: 'c-ghost',
      currency: 'EUR',
      items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 100 }],
      acceptedAt: Date.now(),
      committedAt: Date.now(),
      requestEventId: randomUUID(),
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: deployment.eventsTopic, acks: -1, messages: [{ key: ghostId, value: await events.encode(ghost) }] });
    await producer.disconnect();

    // when
    const json = await verifyJson();
    const table = await verify();

    // then
    expect(json.code).toBe(1);
    expect(json.report.violations).toEqual(['ghost']);
    expect(json.report.checks.ghost.orderIds).toEqual([ghostId]);
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(new RegExp(`^ghost\\s+1\\s+VIOLATION\\s+${ghostId}$`, 'm'));
    expect(table.stdout).toMatch(/✗ 1 violated: ghost$/m);
  });
});

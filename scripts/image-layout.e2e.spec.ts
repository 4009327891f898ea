// The container image cannot be built here (no Docker engine), so this lays out its /app exactly as
// the Dockerfile does (the same function) in a temp dir outside the repository, where nothing
// resolves from the workspace's node_modules, and runs its three commands against the stack.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { productionNodeOptions } from '@ouro/app-runner';
import { createKafka } from '@ouro/messaging';
import { appIsReady, eventually, type RunningApp, stackEnv, startCommand, uniqueName } from '@ouro/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assembleImageLayout, type ImageCommand, imageCommands } from './image-layout.js';

const connections = stackEnv();
const layout = mkdtempSync(join(tmpdir(), 'ouro-image-'));
const name = uniqueName('image-layout');
const deployment = {
  ORDERS_COMMANDS_TOPIC: `${name}.commands`,
  ORDERS_EVENTS_TOPIC: `${name}.events`,
  ORDERS_DLQ_TOPIC: `${name}.commands.dlq`,
  ORDERS_PARTITIONS: '3',
  PROCESSOR_GROUP_ID: `${name}.processor`,
  PROCESSOR_TRANSACTIONAL_ID_PREFIX: `${name}.processor`,
};
/** The image's Node flags, read from the Dockerfile's ENV. */
const imageNodeOptions = readFileSync(join(import.meta.dirname, '../Dockerfile'), 'utf8').match(/NODE_OPTIONS="([^"]*)"/)?.[1];
// As in the image: production mode, its Node flags, no loader or module path inherited from the test runner.
const imageEnv = { ...deployment, NODE_ENV: 'production', NODE_OPTIONS: imageNodeOptions ?? '', NODE_PATH: '' };
const running: RunningApp[] = [];
/** The endpoints the Helm chart probes and scrapes, from its values. */
const { endpoints } = parse(readFileSync(join(import.meta.dirname, '../infra/helm/ouro/values.yaml'), 'utf8')) as {
  endpoints: Record<'api' | 'processor', { liveness: string; readiness: string; metrics: string }>;
};

const launch = (command: ImageCommand) => join(layout, 'bin', command);

/** Top-level packages in an app's node_modules, scoped ones as `@scope/name`. */
function installedPackages(app: string): string[] {
  const modules = join(layout, app, 'node_modules');
  return readdirSync(modules)
    .filter((entry) => !entry.startsWith('.'))
    .flatMap((entry) => (entry.startsWith('@') ? readdirSync(join(modules, entry)).map((scoped) => `${entry}/${scoped}`) : [entry]))
    .sort();
}

beforeAll(() => {
  assembleImageLayout(layout);
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((app) => app.kill('SIGKILL')));
  rmSync(layout, { recursive: true, force: true });
});

describe('the image layout', () => {
  it('runs the apps with the Node flags every bundled start uses (the heap sized for one app)', () => {
    expect(imageNodeOptions?.split(' ')).toEqual(productionNodeOptions);
  });

  it.each(Object.keys(imageCommands))('%s holds its bundle and its production dependencies, nothing else', (app) => {
    const manifest = JSON.parse(readFileSync(join(layout, app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

    expect(readdirSync(join(layout, app, 'dist'))).toContain('main.js');
    expect(installedPackages(app)).toEqual(Object.keys(manifest.dependencies).sort());
  });

  it('provision migrates, creates the topics and registers the schemas, then exits 0', async () => {
    const provision = spawnSync(launch('provision'), {
      cwd: layout,
      env: { ...process.env, ...imageEnv },
      encoding: 'utf8',
      timeout: 120_000,
    });

    expect(provision.status, `${provision.stdout}${provision.stderr}`).toBe(0);
    const admin = createKafka({ brokers: connections.kafkaBrokers, clientId: 'image-layout-test' }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).toEqual(
        expect.arrayContaining([deployment.ORDERS_COMMANDS_TOPIC, deployment.ORDERS_EVENTS_TOPIC, deployment.ORDERS_DLQ_TOPIC]),
      );
    } finally {
      await admin.disconnect();
    }
    const subjects = (await (await fetch(`${connections.schemaRegistryUrl}/subjects`)).json()) as string[];
    expect(subjects).toEqual(expect.arrayContaining([`${name}.commands-value`, `${name}.events-value`]));
  });

  it('both apps answer the endpoints the chart probes, and order-api takes an order that order-processor stores', async () => {
    const processor = await startCommand('order-processor', [launch('order-processor')], imageEnv, appIsReady('order-processor'), {
      cwd: layout,
    });
    running.push(processor);
    const api = await startCommand('order-api', [launch('order-api')], imageEnv, appIsReady('order-api'), { cwd: layout });
    running.push(api);

    expect(processor.output.join('\n')).toContain('order-processor consuming');
    for (const path of [endpoints.api.liveness, endpoints.api.readiness, endpoints.api.metrics]) {
      expect((await fetch(`${api.url}${path}`)).status, path).toBe(200);
    }
    const processorUrl = processor.url;
    for (const path of [endpoints.processor.liveness, endpoints.processor.readiness, endpoints.processor.metrics]) {
      expect((await fetch(`${processorUrl}${path}`)).status, path).toBe(200);
    }
    const accepted = await fetch(`${api.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ customerId: 'c-image', currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }] }),
    });
    expect(accepted.status).toBe(202);
    const { orderId } = (await accepted.json()) as { orderId: string };
    const order = await eventually(
      async () => {
        const response = await fetch(`${api.url}/orders/${orderId}?waitFor=committed&timeoutMs=5000`);
        const body = (await response.json()) as { status: string };
        expect(body.status).toBe('committed');
        return body;
      },
      { timeoutMs: 60_000 },
    );
    expect(order).toMatchObject({ orderId, totalCents: 3998 });
  });

  it('each app stops with exit 0 on SIGTERM: the launcher execs, so the signal reaches the app', async () => {
    const [processor, api] = running.splice(0);
    expect(processor && api).toBeTruthy();
    expect(await api?.kill('SIGTERM')).toBe(0);
    expect(await processor?.kill('SIGTERM')).toBe(0);
  });
});

// `npm run screenshot:trace`: one order through the real apps, traced into the stack's Jaeger; its
// trace printed as Jaeger's query API returns it, then, where the Jaeger binary carries its UI, the
// trace as the UI shows it, screenshotted by headless Chromium into docs/order-trace.png.
// Needs Debian's chromium (`apt-get install -y chromium`); brings up the stack with tracing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApp, startApp, uniqueName } from '@ouro/app-runner';
import { loadStackConfig, stackServiceNames, stackUp } from '@ouro/infra';
import { provisionNamespace } from '@ouro/provisioning';
import { chromium } from 'playwright-core';
import { exitWith, phase, root } from './phase.js';
import { type JaegerTrace, traceTree } from './trace-tree.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const output = join(root, 'docs/order-trace.png');
/** What a Jaeger built without its UI assets serves in place of the UI (the Go module carries none). */
const placeholderUi = 'This is not the Jaeger UI you are looking for';

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (!existsSync(chromiumPath)) exitWith(new Error(`no browser at ${chromiumPath}: \`apt-get install -y chromium\` (or set CHROMIUM_PATH)`));
const config = loadStackConfig();
await phase('stack', () => stackUp(config, stackServiceNames(['tracing']))).catch(exitWith);
const deployment = await provisionNamespace(uniqueName('trace'), { partitions: 1 });
const env = {
  ...deployment.env,
  OTEL_TRACES_EXPORTER: 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: config.jaeger.otlpUrl,
  OTEL_BSP_SCHEDULE_DELAY: '200',
  API_REQUEST_LOGGING: 'false',
};
const apps: RunningApp[] = [];
try {
  apps.push(await startApp('order-processor', env), await startApp('order-api', env));
  const api = apps[1]?.url ?? '';
  const placed = await fetch(`${api}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId: 'c-42', currency: 'EUR', items: [{ sku: 'BOOK-1', quantity: 2, unitPriceCents: 1999 }] }),
  });
  const { orderId } = (await placed.json()) as { orderId: string };
  await fetch(`${api}/orders/${orderId}?waitFor=committed&timeoutMs=20000`);
  console.log(`order ${orderId} committed`);

  // The trace of the POST, once both apps' spans are in Jaeger (the processor's chunk joins it when
  // it holds this order alone). The order's id tags the GET that waited for it too: its own trace.
  const { uiUrl } = config.jaeger;
  const found = await until('the order’s trace in Jaeger, with both apps’ spans', async () => {
    const tags = encodeURIComponent(JSON.stringify({ 'ouro.order.id': orderId }));
    const response = await fetch(`${uiUrl}/api/traces?service=order-api&tags=${tags}&limit=20&lookback=1h`);
    const traces = ((await response.json()) as { data: JaegerTrace[] | null }).data ?? [];
    return traces.find((traced) => {
      const services = new Set(Object.values(traced.processes).map((process) => process.serviceName));
      const operations = new Set(traced.spans.map((span) => span.operationName));
      return (
        operations.has('POST /orders') &&
        services.has('order-processor') &&
        operations.has('transaction') &&
        operations.has(`send ${deployment.eventsTopic}`)
      );
    });
  });
  console.log(`trace ${found.traceID}: ${found.spans.length} spans (${uiUrl}/api/traces/${found.traceID})\n${traceTree(found)}`);
  const home = await (await fetch(uiUrl)).text();
  if (home.includes(placeholderUi))
    throw new Error(
      `no screenshot: this Jaeger serves a placeholder instead of its UI (a build from the Go module proxy has no UI assets); the trace above is in its API at ${uiUrl}/api/traces/${found.traceID}`,
    );

  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
    await page.goto(`${uiUrl}/trace/${found.traceID}`, { waitUntil: 'networkidle' });
    await page.getByText(`send ${deployment.eventsTopic}`).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: output, fullPage: true });
    console.log(`wrote ${output}`);
  } finally {
    await browser.close();
  }
} catch (error) {
  exitWith(error);
} finally {
  await Promise.allSettled(apps.map((app) => app.kill('SIGTERM')));
}

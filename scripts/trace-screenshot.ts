// `npm run screenshot:trace`: one order through the real apps, traced into Zipkin, and its trace as
// Zipkin's UI (Lens) shows it, screenshotted by headless Chromium into docs/images/order-trace.png.
// The stack's Jaeger is built from the Go module proxy and has no UI; Zipkin's server is one jar from
// Maven Central with its UI inside, fetched once into .tools/zipkin and started here on a free port
// with in-memory storage, then stopped. Needs Java 17+ and Debian's chromium (`apt-get install -y chromium`).
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, startApp, uniqueName } from '@ouro/app-runner';
import { ensureZipkinServer, loadStackConfig, stackServiceNames, stackUp, startZipkinServer, type ZipkinServer } from '@ouro/infra';
import { provisionNamespace } from '@ouro/provisioning';
import { chromium } from 'playwright-core';
import { exitWith, phase, root } from './phase.js';
import { fromZipkin, traceTree, type ZipkinSpan } from './trace-tree.js';

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const output = join(root, 'docs/images/order-trace.png');

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
await phase('stack', () => stackUp(config, stackServiceNames([]))).catch(exitWith);
const jar = await phase('zipkin', () => ensureZipkinServer((line) => console.log(`  ${line}`))).catch(exitWith);
const zipkinLog = join(tmpdir(), `ouro-zipkin-${process.pid}.log`);
let zipkin: ZipkinServer | undefined;
const apps: RunningApp[] = [];
let failure: unknown;
try {
  zipkin = await startZipkinServer(jar, zipkinLog);
  console.log(`Zipkin ${zipkin.url} (log: ${zipkinLog})`);
  const deployment = await provisionNamespace(uniqueName('trace'), { partitions: 1 });
  const env = {
    ...deployment.env,
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansUrl,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    API_REQUEST_LOGGING: 'false',
  };
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

  // The trace of the POST, once both apps' spans are in Zipkin (the processor's chunk is the send's
  // child when it holds this order alone; Zipkin has no links to show it by otherwise). The order's id tags the GET that waited too: its own trace.
  // Zipkin keeps span names in lower case.
  const { url } = zipkin;
  const sent = `send ${deployment.eventsTopic}`.toLowerCase();
  // The chunk's span ends last (after its after-commit work): once it is in, so is the rest.
  const processed = `process ${deployment.commandsTopic}`.toLowerCase();
  const found = await until('the order’s trace in Zipkin, with both apps’ spans', async () => {
    const query = new URLSearchParams({
      serviceName: 'order-api',
      annotationQuery: `ouro.order.id=${orderId}`,
      lookback: String(3_600_000),
      limit: '20',
    });
    const traces = (await (await fetch(`${url}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][];
    return traces.find((spans) => {
      const services = new Set(spans.map((span) => span.localEndpoint?.serviceName));
      const names = new Set(spans.map((span) => span.name));
      return (
        names.has('post /orders') && services.has('order-processor') && names.has(processed) && names.has('transaction') && names.has(sent)
      );
    });
  });
  const traced = fromZipkin(found);
  console.log(`trace ${traced.traceID}: ${found.length} spans (${url}/api/v2/trace/${traced.traceID})\n${traceTree(traced)}`);

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
    await page.goto(`${url}/zipkin/traces/${traced.traceID}`, { waitUntil: 'networkidle' });
    await page.getByText(sent).first().waitFor({ timeout: 30_000 });
    mkdirSync(join(root, 'docs/images'), { recursive: true });
    await page.screenshot({ path: output, fullPage: true });
    console.log(`wrote ${output}`);
  } finally {
    await browser.close();
  }
} catch (error) {
  failure = error;
} finally {
  // Everything started here stops here, on failure too (exiting first would leave them running).
  await Promise.allSettled(apps.map((app) => app.kill('SIGTERM')));
  await zipkin?.stop();
}
if (failure) exitWith(failure);

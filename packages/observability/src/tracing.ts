// Tracing for an app, started by the module each app loads with `node --import` before its own code
// (apps/*/src/instrumentation.ts): the instrumented libraries must be hooked before they are imported.
import { register } from 'node:module';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { type Env, tracingEnabled } from './enabled.js';

/** Probes and scrapes: every few seconds, and nothing to follow in a trace. */
const unTraced = new Set(['/health', '/live', '/ready', '/metrics']);
const pathOf = (url: string | undefined) => (url ?? '').split('?')[0] ?? '';

/**
 * The maintained instrumentations of the libraries Ouro uses; database and cache calls only inside
 * a trace. Loaded when tracing starts: with tracing off, an app does not pay for the SDK.
 */
export async function instrumentations(): Promise<Instrumentation[]> {
  const [
    { FastifyOtelInstrumentation },
    { HttpInstrumentation },
    { IORedisInstrumentation },
    { KafkaJsInstrumentation },
    { PgInstrumentation },
    { PinoInstrumentation },
  ] = await Promise.all([
    import('@fastify/otel'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-pino'),
  ]);
  return [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => unTraced.has(pathOf(request.url)),
      // The registry client's calls outside a trace (start-up, readiness) would each be a trace of one span.
      requireParentforOutgoingSpans: true,
    }),
    new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      ignorePaths: (route: { url: string }) => unTraced.has(pathOf(route.url)),
    }),
    new KafkaJsInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    // Trace and span ids in every log line written inside a span; the lines themselves stay on stdout.
    new PinoInstrumentation({ disableLogSending: true }),
  ];
}

export interface TracingOptions {
  /** `service.name`, unless `OTEL_SERVICE_NAME` says otherwise. */
  readonly serviceName: string;
  /** Replaces the exporters the environment names (tests export to memory); tracing is then on. */
  readonly spanProcessors?: SpanProcessor[];
  readonly env?: Env;
}

export interface Tracing {
  /** Exports what is still buffered and stops. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK with the instrumentations above, or nothing when tracing is off.
 * ESM apps import their libraries through Node's loader, which require hooks do not see: the
 * import-in-the-middle loader hook is registered first, limited to the modules instrumented.
 */
export async function startTracing({ serviceName, spanProcessors, env = process.env }: TracingOptions): Promise<Tracing | undefined> {
  if (!spanProcessors && !tracingEnabled(env)) return undefined;
  const [{ createAddHookMessageChannel }, { startNodeSdk }] = await Promise.all([
    import('import-in-the-middle'),
    import('@opentelemetry/sdk-node'),
  ]);
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const sdk = startNodeSdk({
    resourceAttributes: { 'service.name': env.OTEL_SERVICE_NAME?.trim() || serviceName },
    // Metrics are Prometheus' (prom-client), logs pino's on stdout: the SDK only traces.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: await instrumentations(),
    ...(spanProcessors ? { spanProcessors } : {}),
    // A chunk of the processor links to each of its messages' traces: up to its batch size (5,000).
    ...(env.OTEL_SPAN_LINK_COUNT_LIMIT ? {} : { spanLimits: { linkCountLimit: 5_000 } }),
  });
  await waitForAllMessagesAcknowledged();
  return sdk;
}

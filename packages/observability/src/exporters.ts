import type { Env } from './enabled.js';

/** The exporters `OTEL_TRACES_EXPORTER` names, trimmed, each once. */
export function traceExporterNames(env: Env): string[] {
  const names = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return [...new Set(names)];
}

/**
 * Whether spans go to Zipkin (`OTEL_TRACES_EXPORTER=zipkin`, endpoint by `OTEL_EXPORTER_ZIPKIN_ENDPOINT`).
 * The SDK builds only `otlp` and `console` exporters from the environment, so tracing builds Zipkin's
 * itself; it then replaces the SDK's, and a second exporter beside it would be dropped without a
 * word: refused instead.
 */
export function exportsToZipkin(env: Env): boolean {
  const names = traceExporterNames(env);
  if (!names.includes('zipkin') || names.includes('none')) return false;
  if (names.length > 1)
    throw new Error(`OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: zipkin exports alone here (name one exporter, or otlp and console)`);
  return true;
}

export interface BatchSettings {
  readonly maxQueueSize?: number;
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly maxExportBatchSize?: number;
}

const settings = {
  maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
  scheduledDelayMillis: 'OTEL_BSP_SCHEDULE_DELAY',
  exportTimeoutMillis: 'OTEL_BSP_EXPORT_TIMEOUT',
  maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
} as const;

/**
 * The batch span processor's settings from the standard `OTEL_BSP_*` variables, as the SDK reads them
 * for the exporters it builds (a value that is not a non-negative number is left to the default).
 */
export function batchSettings(env: Env): BatchSettings {
  const entries = Object.entries(settings).flatMap(([setting, variable]) => {
    const text = env[variable]?.trim();
    const value = text ? Number(text) : Number.NaN;
    return Number.isFinite(value) && value >= 0 ? [[setting, value] as const] : [];
  });
  return Object.fromEntries(entries);
}

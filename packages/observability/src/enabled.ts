export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Tracing is off unless `OTEL_TRACES_EXPORTER` names an exporter (`otlp`, `console`); `none` or
 * `OTEL_SDK_DISABLED=true` keep it off. The exporter itself is configured by the standard `OTEL_*`
 * variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`, `OTEL_SERVICE_NAME`, …).
 * Kept apart from tracing.ts, so that an app asks without loading the SDK.
 */
export function tracingEnabled(env: Env = process.env): boolean {
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return exporters.length > 0 && !exporters.includes('none') && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

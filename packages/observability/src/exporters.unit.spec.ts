import { describe, expect, it } from 'vitest';
import { tracingEnabled } from './enabled.js';
import { batchSettings, exportsToZipkin, traceExporterNames } from './exporters.js';

describe('traceExporterNames', () => {
  it('reads the names OTEL_TRACES_EXPORTER lists, trimmed, each once', () => {
    expect(traceExporterNames({ OTEL_TRACES_EXPORTER: ' otlp, console ,otlp,' })).toEqual(['otlp', 'console']);
    expect(traceExporterNames({})).toEqual([]);
  });
});

describe('exportsToZipkin', () => {
  it('exports to Zipkin when OTEL_TRACES_EXPORTER names it, and tracing is then on', () => {
    const env = { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://127.0.0.1:9411/api/v2/spans' };

    expect(exportsToZipkin(env)).toBe(true);
    expect(tracingEnabled(env)).toBe(true);
  });

  it('leaves the exporters the SDK knows to the SDK', () => {
    expect(exportsToZipkin({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
    expect(exportsToZipkin({ OTEL_TRACES_EXPORTER: 'console' })).toBe(false);
    expect(exportsToZipkin({})).toBe(false);
  });

  it('exports nothing when none is named beside it', () => {
    const env = { OTEL_TRACES_EXPORTER: 'zipkin,none' };

    expect(exportsToZipkin(env)).toBe(false);
    expect(tracingEnabled(env)).toBe(false);
  });

  it('refuses Zipkin beside another exporter, which would be dropped without a word', () => {
    expect(() => exportsToZipkin({ OTEL_TRACES_EXPORTER: 'zipkin,otlp' })).toThrow(/zipkin exports alone/);
  });
});

describe('batchSettings', () => {
  it('reads the OTEL_BSP_* variables as the SDK does for its own exporters', () => {
    const env = {
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BSP_MAX_QUEUE_SIZE: '4096',
      OTEL_BSP_EXPORT_TIMEOUT: '0',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: ' 256 ',
    };

    expect(batchSettings(env)).toEqual({ scheduledDelayMillis: 200, maxQueueSize: 4096, exportTimeoutMillis: 0, maxExportBatchSize: 256 });
  });

  it('leaves unset, empty, negative and non-numeric values to the defaults', () => {
    expect(batchSettings({ OTEL_BSP_SCHEDULE_DELAY: '', OTEL_BSP_MAX_QUEUE_SIZE: '-1', OTEL_BSP_EXPORT_TIMEOUT: 'soon' })).toEqual({});
  });
});

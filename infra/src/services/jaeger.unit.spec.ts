import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadStackConfig } from '../config.js';
import { isServicesAnswer, jaegerConfig } from './jaeger.js';

interface CollectorConfig {
  readonly service: {
    readonly extensions: string[];
    readonly telemetry: Record<string, { readonly level: string }>;
    readonly pipelines: { readonly traces: { readonly receivers: string[]; readonly exporters: string[] } };
  };
  readonly extensions: {
    readonly jaeger_query: { readonly http: { readonly endpoint: string }; readonly grpc: { readonly endpoint: string } };
  };
  readonly receivers: { readonly otlp: { readonly protocols: Record<string, { readonly endpoint: string }> } };
}

describe("Jaeger's configuration", () => {
  it('takes OTLP over HTTP in and serves the UI, on the configured host and ports only', () => {
    const config = parse(
      jaegerConfig(loadStackConfig({ JAEGER_UI_URL: 'http://127.0.0.1:26686', JAEGER_OTLP_URL: 'http://127.0.0.1:24318' }, '/repo')),
    ) as CollectorConfig;

    expect(config.service.pipelines.traces).toMatchObject({ receivers: ['otlp'], exporters: ['jaeger_storage_exporter'] });
    expect(config.receivers.otlp.protocols).toEqual({ http: { endpoint: '127.0.0.1:24318' } });
    expect(config.extensions.jaeger_query.http.endpoint).toBe('127.0.0.1:26686');
    expect(config.extensions.jaeger_query.grpc.endpoint).toBe('127.0.0.1:26685');
  });

  it('keeps its own metrics and traces to itself (no port 8888, no export to a collector on 4317)', () => {
    const config = parse(jaegerConfig(loadStackConfig({}, '/repo'))) as CollectorConfig;

    expect(config.service.telemetry.metrics?.level).toBe('none');
    expect(config.service.telemetry.traces?.level).toBe('none');
  });
});

describe("Jaeger's readiness", () => {
  it('counts a fresh Jaeger, which lists no service yet (data: null), as answering', () => {
    expect(isServicesAnswer({ data: null, total: 0, limit: 0, offset: 0, errors: null })).toBe(true);
    expect(isServicesAnswer({ data: ['order-api'], total: 1 })).toBe(true);
  });

  it('does not count another program answering on its port', () => {
    expect(isServicesAnswer({ status: 'ok' })).toBe(false);
    expect(isServicesAnswer('<html>')).toBe(false);
    expect(isServicesAnswer(null)).toBe(false);
  });

  it('refuses a UI and an OTLP address on different hosts (one Jaeger)', () => {
    expect(() => loadStackConfig({ JAEGER_UI_URL: 'http://127.0.0.1:16686', JAEGER_OTLP_URL: 'http://127.0.0.2:4318' }, '/repo')).toThrow(
      /one host/,
    );
  });
});

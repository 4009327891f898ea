import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ReadinessReport } from './readiness.js';

export interface ProcessorHttpOptions {
  readonly host: string;
  readonly port: number;
  readonly registry: Registry;
  readonly readiness: () => ReadinessReport;
}

export interface ProcessorHttp {
  readonly url: string;
  close(): Promise<void>;
}

const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });

/**
 * GET /metrics (Prometheus), /live (the process answers) and /ready (the runtime's own state, see
 * readiness.ts). Three read-only paths: node:http is enough, and keeps a web framework out of the processor.
 */
async function answer(method: string | undefined, path: string, options: ProcessorHttpOptions) {
  const known = ['/metrics', '/live', '/ready'];
  if (!known.includes(path)) return json(404, { error: `no route ${path}` });
  if (method !== 'GET' && method !== 'HEAD') return { ...json(405, { error: `${method} not allowed on ${path}` }), allow: 'GET, HEAD' };
  switch (path) {
    case '/metrics':
      return { status: 200, type: options.registry.contentType, body: await options.registry.metrics() };
    case '/live':
      return json(200, { status: 'ok' });
    default: {
      const report = options.readiness();
      return json(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not-ready', ...report });
    }
  }
}

export async function startProcessorHttp(options: ProcessorHttpOptions): Promise<ProcessorHttp> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://processor').pathname;
    answer(request.method, path, options).then(
      ({ status, type, body, ...rest }) => {
        response.writeHead(status, { 'content-type': type, ...('allow' in rest ? { allow: rest.allow } : {}) });
        response.end(request.method === 'HEAD' ? undefined : body);
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

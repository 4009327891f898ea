import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from '../config.js';
import { onceFor, requireCommand } from '../install.js';
import { logFile, pidFile, serviceDir } from '../paths.js';
import { daemonLifecycle, readPid, run, spawnDaemon } from '../process.js';
import type { Report, Service } from '../service.js';
import { toolsDir } from '../tools-dir.js';

/** Jaeger 2 (an OpenTelemetry Collector distribution with Jaeger's storage and UI), from the Go module proxy. */
export const JAEGER_MODULE = 'github.com/jaegertracing/jaeger';
export const JAEGER_VERSION = 'v1.76.0';
const jaegerDir = join(toolsDir, 'jaeger');
export const jaegerBinary = join(jaegerDir, 'jaeger');

/**
 * Builds the binary once into the tools folder. Jaeger's module has replace directives, which `go
 * install module@version` refuses: it is added as a tool of a scratch module and built from there.
 */
export async function installJaeger(report: Report): Promise<string> {
  await onceFor(jaegerDir, [JAEGER_MODULE, JAEGER_VERSION], async () => {
    await requireCommand('go', 'install Go 1.26 or later (Debian 12 packages an older one)');
    report(`building Jaeger ${JAEGER_VERSION} from the Go module proxy (first run only, several minutes)`);
    const module = join(jaegerDir, 'module');
    mkdirSync(module, { recursive: true });
    writeFileSync(join(module, 'go.mod'), 'module ouro.local/jaeger-tool\n\ngo 1.26\n');
    const tool = `${JAEGER_MODULE}/cmd/jaeger`;
    await run('go', ['get', '-tool', `${tool}@${JAEGER_VERSION}`], { cwd: module });
    await run('go', ['build', '-o', jaegerBinary, tool], { cwd: module });
  });
  return jaegerBinary;
}

/**
 * The collector's configuration: OTLP over HTTP in, kept in memory (the last 100,000 traces; a
 * restart forgets them), the query API and UI out; every endpoint on the configured host only, and
 * its own telemetry off (its metrics would take port 8888, its traces would go to an OTLP
 * collector on port 4317 that is not there).
 */
export function jaegerConfig(config: StackConfig): string {
  const { host, uiPort, otlpPort } = config.jaeger;
  return `# Written by the stack (infra/src/services/jaeger.ts) at every start.
service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    metrics:
      level: none
    traces:
      level: none
    logs:
      level: info
extensions:
  jaeger_storage:
    backends:
      memory_store:
        memory:
          max_traces: 100000
  jaeger_query:
    storage:
      traces: memory_store
    http:
      endpoint: ${host}:${uiPort}
    grpc:
      endpoint: ${host}:${uiPort - 1}
receivers:
  otlp:
    protocols:
      http:
        endpoint: ${host}:${otlpPort}
processors:
  batch:
exporters:
  jaeger_storage_exporter:
    trace_storage: memory_store
`;
}

/** Jaeger's query API listing services: `data` is an array, or null while no span has arrived yet. */
export function isServicesAnswer(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || !('data' in body)) return false;
  return body.data === null || Array.isArray(body.data);
}

/** Jaeger, part of the stack only when asked (`--with tracing`): the apps' spans, and a UI to read them. */
export function jaegerService(config: StackConfig): Service {
  const { uiUrl, uiPort, otlpPort } = config.jaeger;
  const dir = serviceDir(config, 'jaeger');
  const configFile = join(dir, 'config.yaml');
  const log = logFile(config, 'jaeger');
  const pid = pidFile(config, 'jaeger');
  const ownedPid = () => readPid(pid, jaegerBinary);

  return {
    name: 'jaeger',
    address: uiUrl,
    logFile: log,
    startTimeoutMs: 30_000,
    hints: [
      `port ${uiPort}, ${uiPort - 1} or ${otlpPort} taken by another program (\`ss -ltnp\`)`,
      'the Go build failed (Go 1.26 needed; its output is in the error above)',
    ],
    async isReady() {
      const response = await fetch(`${uiUrl}/api/services`, { signal: AbortSignal.timeout(1_000) });
      return response.ok && isServicesAnswer(await response.json());
    },
    async provision(report) {
      await installJaeger(report);
      writeFileSync(configFile, jaegerConfig(config));
    },
    async start() {
      spawnDaemon(jaegerBinary, ['--config', configFile], log, pid);
    },
    ...daemonLifecycle(pid, ownedPid),
    // Traces live in memory: nothing on disk to delete.
    dataDirs: () => [],
  };
}

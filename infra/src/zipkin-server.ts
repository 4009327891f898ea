import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { onceFor } from './install.js';
import type { Report } from './service.js';
import { toolsDir } from './tools-dir.js';

/**
 * Zipkin's server: one executable jar on Maven Central with its UI (Zipkin Lens) inside. The stack's
 * Jaeger, built from the Go module proxy, has no UI; this one does, for a picture of a trace. Not a
 * stack service: `npm run screenshot:trace` starts it beside the stack and stops it again.
 */
export const ZIPKIN_VERSION = '3.5.1';
const jarName = `zipkin-server-${ZIPKIN_VERSION}-exec.jar`;
export const zipkinJarUrl = `https://repo1.maven.org/maven2/io/zipkin/zipkin-server/${ZIPKIN_VERSION}/${jarName}`;
const zipkinDir = join(toolsDir, 'zipkin');
export const zipkinJar = join(zipkinDir, jarName);

/** The digest a Maven Central `.sha1` file gives: its first word (some add the file's name after it). */
export function parseSha1(text: string): string {
  const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{40}$/.test(digest)) throw new Error(`not a SHA-1 digest: ${JSON.stringify(text.slice(0, 80))}`);
  return digest;
}

async function download(url: string, file: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const hash = createHash('sha1');
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), hashing, createWriteStream(file));
  return hash.digest('hex');
}

/** Downloads Zipkin's jar once into the tools folder, checked against Maven Central's SHA-1; returns its path. */
export async function ensureZipkinServer(report: Report): Promise<string> {
  // A stamp without its jar (deleted by hand) must not skip the download.
  if (!existsSync(zipkinJar)) rmSync(join(zipkinDir, '.installed'), { force: true });
  await onceFor(zipkinDir, [zipkinJarUrl], async () => {
    mkdirSync(zipkinDir, { recursive: true });
    const sha1Response = await fetch(`${zipkinJarUrl}.sha1`);
    if (!sha1Response.ok) throw new Error(`${zipkinJarUrl}.sha1: HTTP ${sha1Response.status}`);
    const expected = parseSha1(await sha1Response.text());
    report(`downloading Zipkin ${ZIPKIN_VERSION} from Maven Central (131 MB, first run only)`);
    const partial = `${zipkinJar}.partial`;
    try {
      const actual = await download(zipkinJarUrl, partial);
      if (actual !== expected) throw new Error(`${jarName}: SHA-1 ${actual}, Maven Central says ${expected}`);
      renameSync(partial, zipkinJar);
    } finally {
      rmSync(partial, { force: true });
    }
  });
  return zipkinJar;
}

/** A port nobody listens on now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface ZipkinServer {
  /** Its UI and API, e.g. `http://127.0.0.1:41234` (Lens under `/zipkin/`, the API under `/api/v2/`). */
  readonly url: string;
  /** Where the apps' exporters send spans (`OTEL_EXPORTER_ZIPKIN_ENDPOINT`). */
  readonly spansUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Zipkin on a free port with in-memory storage and a small heap, its output in `logFile`,
 * and waits until it answers its health check.
 */
export async function startZipkinServer(jar: string, logFile: string, timeoutMs = 90_000): Promise<ZipkinServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn('java', ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-jar', jar], {
    env: { ...process.env, QUERY_PORT: String(port), STORAGE_TYPE: 'mem', MEM_MAX_SPANS: '50000', COLLECTOR_SAMPLE_RATE: '1.0' },
    stdio: ['ignore', log, log],
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Zipkin exited with ${child.exitCode} while starting (log: ${logFile})`);
    const healthy = await fetch(`${url}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return { url, spansUrl: `${url}/api/v2/spans`, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Zipkin did not answer ${url}/health within ${timeoutMs / 1000} s (log: ${logFile})`);
    }
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
}

// The console: the only module that reads the environment.
import { resolve } from 'node:path';
import { integer, loadConnections, oneOf, text } from '@ouro/config';
import { loadStackConfig } from '@ouro/infra';
import { composeConsole } from './compose.js';

const env = process.env;
const host = text(env, 'CONSOLE_HOST', '127.0.0.1');
const port = integer(env, 'CONSOLE_PORT', 3100);
const stackFaults = oneOf(env, 'CONSOLE_STACK_FAULTS', ['on', 'off'] as const, 'on') === 'on';

const { app } = await composeConsole({
  connections: loadConnections(env),
  stack: loadStackConfig(env),
  stackFaults,
  publicDir: resolve(import.meta.dirname, '../dist/public'),
  logDir: env.CONSOLE_LOG_DIR,
  logger: { level: env.LOG_LEVEL ?? 'warn', name: 'console' },
});

let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 30_000).unref();
  await app.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

await app.listen({ host, port });
console.log(`console: http://${host}:${port}/`);

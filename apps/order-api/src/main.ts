// order-api: the only module that reads the environment.
import { loadApiConfig } from '@ouro/config';
import { pino } from 'pino';
import { composeOrderApi } from './compose.js';

const config = loadApiConfig();
const logger = pino({ name: 'order-api', level: config.logLevel });
const app = await composeOrderApi(config, { logger, httpLogger: { level: config.logLevel, name: 'order-api' } });

// In-flight requests are bounded by the produce timeout (Redis answers in milliseconds); long-polls answer at once.
const shutdownGraceMs = config.produceTimeoutMs + 5_000;
let stopping = false;

/**
 * SIGTERM/SIGINT: stop listening, finish the requests in flight (see app.ts), then close Kafka, Redis
 * and PostgreSQL (compose.ts). The process then exits on its own, with 0: nothing is left open. If
 * anything still holds it after the grace period, it exits 1, naming the wait.
 */
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'stopping');
  setTimeout(() => {
    logger.error({ shutdownGraceMs }, 'shutdown did not finish in time; exiting anyway');
    process.exit(1);
  }, shutdownGraceMs).unref();
  try {
    await app.close();
    logger.info('stopped');
  } catch (error) {
    logger.error({ err: error }, 'shutdown failed');
    process.exit(1);
  }
}
process.on('SIGTERM', (signal) => void shutdown(signal));
process.on('SIGINT', (signal) => void shutdown(signal));

await app.listen({ host: config.host, port: config.port });

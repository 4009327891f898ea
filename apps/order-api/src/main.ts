// order-api: the only module that reads the environment.
import { loadApiConfig } from '@ouro/config';
import { pino } from 'pino';
import { composeOrderApi } from './compose.js';

const config = loadApiConfig();
const logger = pino({ name: 'order-api', level: config.logLevel });
const app = await composeOrderApi(config, { logger, httpLogger: { level: config.logLevel, name: 'order-api' } });

// SIGTERM/SIGINT: stop accepting, finish in-flight requests (Fastify answers 503 meanwhile), then close.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'stopping');
    void app.close().then(() => process.exit(0));
  });
}

await app.listen({ host: config.host, port: config.port });

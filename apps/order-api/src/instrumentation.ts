// Loaded with `node --import` before main.ts: tracing must hook kafkajs, pg, ioredis and pino before they are imported.
import { startTracing } from '@ouro/observability/tracing';

const tracing = await startTracing({ serviceName: 'order-api' });
// Spans still buffered are exported once the app has closed everything and the event loop empties.
if (tracing) process.once('beforeExit', () => void tracing.shutdown());

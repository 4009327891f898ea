import { resolve } from 'node:path';

export { kafkaSender } from './kafka-sender.js';
export { createOrderTable, insertOrder, insertOrderOnce, storedOrderIds } from './order-table.js';
export type { PlacedOrder } from './server.js';
export { serveOrders } from './server.js';

/**
 * The baselines as servers, each run as its own process (`startScript`): the same route and
 * validation as order-api, only what happens inside the request differs. Each reads the stack's
 * addresses from the environment, and `BENCH_TOPIC` (dual write, outbox), `BENCH_ORDERS_TABLE` and
 * `BENCH_OUTBOX_TABLE` (outbox) name what it writes.
 */
export const baselineServers = {
  'bare-fastify': resolve(import.meta.dirname, 'bare-fastify.ts'),
  'dual-write': resolve(import.meta.dirname, 'dual-write.ts'),
  'polling-outbox': resolve(import.meta.dirname, 'polling-outbox.ts'),
} as const;

export type BaselineName = keyof typeof baselineServers;

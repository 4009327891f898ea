import { requireServices } from './require-stack.js';
import { stackServiceNames } from './stack.js';

/** Vitest global setup for the tests that need Kafka Connect: the stack, with change data capture. */
export default function requireCdcStack(): Promise<void> {
  return requireServices(stackServiceNames(['cdc']), '`npm run stack -- up --with cdc` (or `npm test`)');
}

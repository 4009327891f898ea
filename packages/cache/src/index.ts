export { CommitNotifications } from './commit-notifications.js';
export { type IdempotencyRecord, IdempotencyStore } from './idempotency-store.js';
export { committedChannel, OrderCache, type OrderCacheOptions, settleScript } from './order-cache.js';

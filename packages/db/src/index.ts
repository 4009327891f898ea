export { connectDatabase, type Database, type DatabaseHandle } from './database.js';
export { migrateDatabase, migrationsFolder } from './migrate.js';
export {
  failedViewFrom,
  findFailure,
  findOrder,
  findUnannounced,
  markAnnounced,
  orderViewFrom,
  type PersistOutcome,
  persistOrders,
  persistOrdersQuery,
  recordFailures,
} from './orders.js';
export { type NewOrderFailureRow, type NewOrderRow, type OrderFailureRow, type OrderRow, orderFailures, orders } from './schema.js';

export { connectDatabase, type Database, type DatabaseHandle } from './database.js';
export { migrateDatabase, migrationsFolder } from './migrate.js';
export {
  advanceWatermarks,
  announcedBelow,
  failedViewFrom,
  findCreatedBetween,
  findFailure,
  findOrder,
  orderViewFrom,
  type PersistOutcome,
  persistOrders,
  recordFailures,
} from './orders.js';
export {
  announceWatermarks,
  type NewOrderFailureRow,
  type NewOrderRow,
  type OrderFailureRow,
  type OrderRow,
  orderFailures,
  orders,
} from './schema.js';

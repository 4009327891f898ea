export { connectDatabase, type Database, type DatabaseHandle } from './database.js';
export { migrateDatabase, migrationsFolder } from './migrate.js';
export { findOrder, markAnnounced, orderViewFrom, type PersistOutcome, persistOrders } from './orders.js';
export { type NewOrderRow, type OrderRow, orders } from './schema.js';

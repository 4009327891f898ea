export { OrderRejected } from './errors.js';
export { currencyCodes, orderLimits } from './limits.js';
export type { OrderItem, OrderStatus, OrderView, PlaceOrder } from './order.js';
export { orderCreatedEventId, orderCreatedFrom, type StoredOrder } from './order-created.js';
export { decidePlaceOrder, type OrderCreationRequestedData, type PlaceOrderContext, totalCents } from './place-order.js';

export { OrderRejected } from './errors.js';
export { currencyCodes, orderLimits } from './limits.js';
export type { FailedOrderView, OrderFailure, OrderItem, OrderRead, OrderStatus, OrderView, PlaceOrder } from './order.js';
export { orderCreatedEventId, orderCreatedFrom, type StoredOrder } from './order-created.js';
export {
  decidePlaceOrder,
  type OrderCreationRequestedData,
  orderRuleViolation,
  type PlaceOrderContext,
  totalCents,
} from './place-order.js';

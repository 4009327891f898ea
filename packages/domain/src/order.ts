export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

/** What a client asks for (already shape-checked at the edge). */
export interface PlaceOrder {
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
}

export type OrderStatus = 'pending' | 'committed';

/** Why an order failed: its command was dead-lettered. */
export interface OrderFailure {
  readonly reason: string;
  readonly detail: string;
}

/** An order as the read side shows it. Times are epoch milliseconds. */
export interface OrderView extends PlaceOrder {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly acceptedAt: number;
  readonly committedAt?: number;
}

/**
 * An order whose command was dead-lettered: it will not be stored unless the dead letter is
 * replayed (and then succeeds). Its data may be unknown: the command may not even decode.
 */
export interface FailedOrderView {
  readonly orderId: string;
  readonly status: 'failed';
  readonly failure: OrderFailure;
  readonly failedAt: number;
}

/** What a read answers: pending → committed, or pending → failed. */
export type OrderRead = OrderView | FailedOrderView;

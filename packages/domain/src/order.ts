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

/** An order as the read side shows it. Times are epoch milliseconds. */
export interface OrderView extends PlaceOrder {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly totalCents: number;
  readonly acceptedAt: number;
  readonly committedAt?: number;
}

import type { ConsoleEvent, ConsoleSnapshot, FaultMark, MetricsPoint, OrderStep, Step } from '../shared/protocol.js';

/** An order on the page: the steps seen so far, by step. */
export interface OrderRow {
  readonly orderId: string;
  readonly steps: Partial<Record<Step, OrderStep>>;
}

/** The page's own events: an order placed from this page is pinned above the stream. */
export type PageEvent = ConsoleEvent | { readonly type: 'pin'; readonly data: { readonly orderId: string } };

export interface PageState {
  readonly connected: boolean;
  /** Orders placed from this page, newest first: they stay in view whatever the load. */
  readonly pinned: readonly OrderRow[];
  readonly snapshot?: ConsoleSnapshot;
  readonly orders: readonly OrderRow[];
  readonly metrics: readonly MetricsPoint[];
  readonly timeline: readonly FaultMark[];
  readonly dropped: number;
}

/** What the page keeps: enough to draw, never more (the stream goes on for hours). */
export const pageLimits = { orders: 40, pinned: 3, metrics: 120, timeline: 50 } as const;

export const initialState: PageState = { connected: false, pinned: [], orders: [], metrics: [], timeline: [], dropped: 0 };

function withStep(orders: readonly OrderRow[], step: OrderStep): readonly OrderRow[] {
  const index = orders.findIndex((order) => order.orderId === step.orderId);
  if (index < 0) {
    const row: OrderRow = { orderId: step.orderId, steps: { [step.step]: step } };
    return [row, ...orders].slice(0, pageLimits.orders);
  }
  const next = [...orders];
  const current = next[index] as OrderRow;
  next[index] = { ...current, steps: { ...current.steps, [step.step]: step } };
  return next;
}

/** Applies a batch of stream events at once (one render a frame, whatever the rate). Pure. */
export function apply(state: PageState, events: readonly PageEvent[]): PageState {
  let next = state;
  for (const event of events) {
    switch (event.type) {
      case 'snapshot': {
        let orders: readonly OrderRow[] = [];
        for (const step of event.data.orders) orders = withStep(orders, step);
        next = {
          ...next,
          connected: true,
          snapshot: event.data,
          orders,
          metrics: event.data.metrics.slice(-pageLimits.metrics),
          timeline: event.data.timeline.slice(-pageLimits.timeline),
        };
        break;
      }
      case 'step':
        next = {
          ...next,
          orders: withStep(next.orders, event.data),
          pinned: next.pinned.some((order) => order.orderId === event.data.orderId) ? withStep(next.pinned, event.data) : next.pinned,
        };
        break;
      case 'pin': {
        const { orderId } = event.data;
        const seen = next.orders.find((order) => order.orderId === orderId) ?? { orderId, steps: {} };
        next = { ...next, pinned: [seen, ...next.pinned.filter((order) => order.orderId !== orderId)].slice(0, pageLimits.pinned) };
        break;
      }
      case 'metrics':
        next = { ...next, metrics: [...next.metrics, event.data].slice(-pageLimits.metrics) };
        break;
      case 'fault':
        next = { ...next, timeline: [...next.timeline, event.data].slice(-pageLimits.timeline) };
        break;
      case 'live':
        if (next.snapshot) next = { ...next, snapshot: { ...next.snapshot, live: event.data } };
        break;
      case 'race':
        if (next.snapshot) next = { ...next, snapshot: { ...next.snapshot, race: event.data } };
        break;
      case 'dropped':
        next = { ...next, dropped: next.dropped + event.data.count };
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }
  return next;
}

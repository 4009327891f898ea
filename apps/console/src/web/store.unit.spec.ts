import { describe, expect, it } from 'vitest';
import type { ConsoleSnapshot, OrderStep } from '../shared/protocol.js';
import { apply, initialState, pageLimits } from './store.js';

const snapshot: ConsoleSnapshot = {
  live: { state: 'running', message: 'watching', load: { ratePerSecond: 0, accepted: 0, retries: 0, inFlight: 0 } },
  faults: [],
  timeline: [],
  metrics: [],
  orders: [],
  race: { phase: 'idle', message: '', contenders: [], unavailable: [] },
};
const step = (n: number, name: OrderStep['step'] = 'accepted'): OrderStep => ({ orderId: `order-${n}`, step: name, at: n, detail: '' });

describe('the page state', () => {
  it("gathers an order's steps in one row, newest order first", () => {
    const state = apply(initialState, [
      { type: 'snapshot', data: snapshot },
      { type: 'step', data: step(1) },
      { type: 'step', data: step(2) },
      { type: 'step', data: step(1, 'committed') },
    ]);
    expect(state.orders.map((order) => order.orderId)).toEqual(['order-2', 'order-1']);
    expect(Object.keys(state.orders[1]?.steps ?? {})).toEqual(['accepted', 'committed']);
  });

  it('keeps at most its bound of orders and metrics however long the stream runs', () => {
    const events = Array.from({ length: 1_000 }, (_, n) => ({ type: 'step' as const, data: step(n) }));
    const points = Array.from({ length: 1_000 }, (_, t) => ({
      type: 'metrics' as const,
      data: { t, commandsPerSecond: 1, eventsPerSecond: 1, freshnessP50Ms: 1, freshnessP99Ms: 1, lag: 0, sampleEvery: 1 },
    }));
    const state = apply(initialState, [{ type: 'snapshot', data: snapshot }, ...events, ...points]);
    expect(state.orders).toHaveLength(pageLimits.orders);
    expect(state.orders[0]?.orderId).toBe('order-999');
    expect(state.metrics).toHaveLength(pageLimits.metrics);
  });

  it('keeps an order placed from the page in view however many others stream past', () => {
    // given an order placed from the page, then 500 others streaming past it
    const others = Array.from({ length: 500 }, (_, n) => ({ type: 'step' as const, data: step(n + 10) }));
    const streamed = apply(initialState, [
      { type: 'snapshot', data: snapshot },
      { type: 'step', data: step(1) },
      { type: 'pin', data: { orderId: 'order-1' } },
      ...others,
    ]);

    // when its next step comes
    const state = apply(streamed, [{ type: 'step', data: step(1, 'committed') }]);

    // then it had left the stream's rows, and stayed pinned with every step
    expect(streamed.orders.some((order) => order.orderId === 'order-1')).toBe(false);
    expect(state.pinned.map((order) => [order.orderId, Object.keys(order.steps)])).toEqual([['order-1', ['accepted', 'committed']]]);
  });
});

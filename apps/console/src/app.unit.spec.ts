import { afterEach, describe, expect, it } from 'vitest';
import { buildConsoleApp } from './app.js';
import { ConsoleState } from './console-state.js';
import { faultInfos } from './fault-catalog.js';
import type { LiveControl, RaceControl } from './routes/api.js';
import type { FaultKind, RacePlan } from './shared/protocol.js';
import { StreamHub } from './stream/hub.js';

function world(stackFaults: boolean) {
  const hub = new StreamHub(100);
  const state = new ConsoleState(faultInfos, (event) => hub.publish(event));
  const injected: FaultKind[] = [];
  const races: RacePlan[] = [];
  const live: LiveControl = {
    placeOrder: async () => ({ status: 202, body: { orderId: 'x' } }),
    setLoad: (ratePerSecond) => ({ ratePerSecond, accepted: 0, retries: 0, inFlight: 0 }),
    inject: (kind) => {
      injected.push(kind);
      return { started: true };
    },
  };
  const race: RaceControl = {
    start: (plan) => {
      races.push(plan);
      return { started: true };
    },
  };
  return { hub, state, injected, races, live, race, stackFaults };
}

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function appFor(stackFaults: boolean) {
  const deps = world(stackFaults);
  const app = await buildConsoleApp({ ...deps, lookup: async (orderId) => ({ orderId, events: [], steps: [] }), maxLoadPerSecond: 50 });
  close = () => app.close();
  return { app, ...deps };
}

describe('the console app', () => {
  it("refuses faults on the stack's own services where they are off, and injects those on its own deployment", async () => {
    // given
    const { app, injected } = await appFor(false);

    // when
    const refused = await app.inject({ method: 'POST', url: '/api/faults/kill-broker' });
    const raced = await app.inject({
      method: 'POST',
      url: '/api/race',
      payload: { ratePerSecond: 5, durationSeconds: 10, fault: 'restart-redis', faultAtSeconds: 3 },
    });
    const accepted = await app.inject({ method: 'POST', url: '/api/faults/kill-processor' });

    // then
    expect(refused.statusCode).toBe(409);
    expect(raced.statusCode).toBe(409);
    expect(accepted.statusCode).toBe(202);
    expect(injected).toEqual(['kill-processor']);
  });

  it('validates what it is asked: unknown faults, a race beyond its bounds, a load beyond its bound, an id that is no uuid', async () => {
    const { app, races } = await appFor(true);
    const answers = await Promise.all([
      app.inject({ method: 'POST', url: '/api/faults/melt-cpu' }),
      app.inject({
        method: 'POST',
        url: '/api/race',
        payload: { ratePerSecond: 10_000, durationSeconds: 10, fault: 'none', faultAtSeconds: 0 },
      }),
      app.inject({ method: 'PUT', url: '/api/load', payload: { ratePerSecond: 51 } }),
      app.inject({ method: 'GET', url: '/api/orders/not-an-id' }),
    ]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([400, 400, 400, 400]);
    expect(races).toEqual([]);
  });

  it('streams the state so far first, then each change as it happens', async () => {
    // given a page connected to the stream
    const { app, state } = await appFor(true);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const controller = new AbortController();
    const response = await fetch(`${address}/api/stream`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value);
      }
    };
    await readUntil('event: snapshot');

    // when an order takes a step
    state.onStep({ orderId: 'order-1', step: 'committed', at: 1, detail: 'Redis: committed' });
    await readUntil('order-1');
    controller.abort();

    // then
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(text.indexOf('event: snapshot')).toBeLessThan(text.indexOf('event: step'));
    expect(text).toContain('"step":"committed"');
  });
});

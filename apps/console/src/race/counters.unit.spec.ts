import type { AcceptedEntry } from '@ouro/reconciler';
import { describe, expect, it } from 'vitest';
import { countersOf, type LaneReading } from './counters.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const accepted = (...ns: number[]): AcceptedEntry[] =>
  ns.map((n) => ({ key: `k${n}`, outcome: 'accepted', orderId: id(n), attempts: 1, ambiguous: false }));
const announced = (...ns: number[]) => ns.map((n, offset) => ({ key: id(n), partition: 0, offset }));

const lane = (overrides: Partial<LaneReading>): LaneReading => ({
  name: 'dual-write',
  title: 'Naive dual write',
  summary: '',
  storedIn: 't',
  announcedIn: 'topic',
  accepted: [],
  retries: 0,
  announced: [],
  stored: [],
  latencies: [],
  atRest: false,
  ...overrides,
});

describe('a lane of the race', () => {
  it('while the load runs, counts orders in flight and judges only what holds at any moment', () => {
    // given order 1 announced, 2 stored and not announced yet, 3 accepted only
    const counters = countersOf(
      lane({ accepted: accepted(1, 2, 3), stored: [id(1), id(2)], announced: announced(1), latencies: [10, 20, 30] }),
    );

    // then
    expect(counters).toMatchObject({
      accepted: 3,
      stored: 2,
      announced: 1,
      inFlight: 2,
      duplicated: 0,
      ghost: 0,
      lost: null,
      unannounced: null,
    });
    expect(counters.e2eP50Ms).toBe(20);
    expect(counters.findings).toEqual([]);
  });

  it('at rest, names what the dual write lost: a row never announced, a 202 never stored, an order stored for an error', () => {
    // given
    const counters = countersOf(
      lane({ accepted: accepted(1, 2, 3), stored: [id(1), id(2), id(9)], announced: announced(1, 9), atRest: true }),
    );

    // then
    expect(counters).toMatchObject({ lost: 1, unannounced: 1, unaccepted: 1, duplicated: 0, ghost: 0, inFlight: 2 });
    expect(counters.findings).toEqual([
      `lost: ${id(3)} answered 202; no row in t`,
      `unannounced: ${id(2)} stored in t, no record in topic`,
      `unaccepted: ${id(9)} stored in t, never answered 202`,
    ]);
  });

  it('shows a ghost and a duplicate the moment they are there', () => {
    const counters = countersOf(lane({ accepted: accepted(1), stored: [id(1)], announced: announced(1, 1, 5) }));
    expect(counters).toMatchObject({ duplicated: 1, ghost: 1 });
  });
});

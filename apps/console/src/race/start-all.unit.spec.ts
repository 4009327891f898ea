import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Contender, ContenderSpec } from './contenders.js';
import { startAll } from './start-all.js';

const spec = (name: string): ContenderSpec => ({ name, title: name, summary: '', start: () => Promise.reject(new Error('unused')) });
const contender = (closed: string[], name: string) => ({ close: async () => void closed.push(name) }) as unknown as Contender;

describe('starting the designs of a race', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives every design once all have started', async () => {
    const closed: string[] = [];
    const started = await startAll([spec('a'), spec('b')], async (s) => contender(closed, s.name), 1_000);
    expect(started).toHaveLength(2);
    expect(closed).toEqual([]);
  });

  it('closes every design that started when another fails, whatever their order, then throws its failure', async () => {
    // given the first design failing, the two after it starting
    const closed: string[] = [];
    const starting = startAll(
      [spec('a'), spec('b'), spec('c')],
      async (s) => {
        if (s.name === 'a') throw new Error('a cannot start');
        return contender(closed, s.name);
      },
      1_000,
    );

    // then
    await expect(starting).rejects.toThrow('a cannot start');
    expect(closed.sort()).toEqual(['b', 'c']);
  });

  it('fails a design that hangs past its bound, by name, and closes it if it starts later', async () => {
    // given one design that starts at once and one that takes longer than the bound
    vi.useFakeTimers();
    const closed: string[] = [];
    let lateStart: (value: Contender) => void = () => {};
    const starting = startAll(
      [spec('quick'), spec('slow')],
      (s) =>
        s.name === 'quick' ? Promise.resolve(contender(closed, 'quick')) : new Promise<Contender>((resolve) => (lateStart = resolve)),
      120_000,
    );
    const outcome = expect(starting).rejects.toThrow('slow did not start within 120 s');

    // when the bound passes
    await vi.advanceTimersByTimeAsync(120_000);

    // then the race fails naming it, and what started is closed
    await outcome;
    expect(closed).toEqual(['quick']);
    // and when it starts after all, it is closed too
    lateStart(contender(closed, 'slow'));
    await vi.waitFor(() => expect(closed).toEqual(['quick', 'slow']));
  });
});

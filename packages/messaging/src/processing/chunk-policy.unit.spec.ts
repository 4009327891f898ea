import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../failures.js';
import { type ChunkPolicy, type Exhausted, runChunk } from './chunk-policy.js';

/** What a chunk's attempts did: each attempt's messages, and which were dead-lettered. */
class FakeTransactions {
  readonly attempts: string[][] = [];
  readonly committed: string[] = [];
  readonly deadLettered: { message: string; attempts: number }[] = [];

  constructor(private readonly fails: (messages: readonly string[], attempt: number) => FailureKind | undefined) {}

  policy(maxAttempts = 3, { stopAfter = Number.POSITIVE_INFINITY } = {}): ChunkPolicy<string> {
    let pauses = 0;
    return {
      maxAttempts,
      attempt: async (messages, exhausted?: Exhausted) => {
        this.attempts.push([...messages]);
        if (exhausted) {
          this.deadLettered.push(...messages.map((message) => ({ message, attempts: exhausted.attempts })));
          return;
        }
        const kind = this.fails(messages, this.attempts.length);
        if (kind) throw Object.assign(new Error(`${kind} failure`), { kind });
        this.committed.push(...messages);
      },
      classify: (error) => (error as { kind: FailureKind }).kind,
      pause: async () => ++pauses < stopAfter,
    };
  }
}

describe('runChunk (given these failures, when a chunk runs, then these commits and letters)', () => {
  it('retries transient, fenced and environment failures for as long as they last, and never dead-letters for them', async () => {
    const kinds: FailureKind[] = ['transient', 'fenced', 'environment', 'transient', 'transient', 'fenced', 'transient'];
    const transactions = new FakeTransactions((_messages, attempt) => kinds[attempt - 1]);

    expect(await runChunk(['a', 'b'], transactions.policy(2))).toBe(true);

    expect(transactions.attempts).toHaveLength(kinds.length + 1);
    expect(transactions.committed).toEqual(['a', 'b']);
    expect(transactions.deadLettered).toEqual([]);
  });

  it('splits a chunk that keeps failing and dead-letters only the message that still fails, with its attempts', async () => {
    const transactions = new FakeTransactions((messages) => (messages.includes('poison') ? 'message' : undefined));

    expect(await runChunk(['a', 'poison', 'b'], transactions.policy(3))).toBe(true);

    expect(transactions.committed).toEqual(['a', 'b']);
    expect(transactions.deadLettered).toEqual([{ message: 'poison', attempts: 3 }]);
    // three failing attempts of the chunk, then a, three of poison, its letter, then b
    expect(transactions.attempts.map((messages) => messages.join())).toEqual([
      'a,poison,b',
      'a,poison,b',
      'a,poison,b',
      'a',
      'poison',
      'poison',
      'poison',
      'poison',
      'b',
    ]);
  });

  it('counts only message failures towards the attempts', async () => {
    const kinds: (FailureKind | undefined)[] = ['message', 'transient', 'transient', 'message', 'fenced', undefined];
    const transactions = new FakeTransactions((_messages, attempt) => kinds[attempt - 1]);

    expect(await runChunk(['a'], transactions.policy(3))).toBe(true);

    expect(transactions.committed).toEqual(['a']);
    expect(transactions.deadLettered).toEqual([]);
  });

  it('gives up, committing nothing more, when the member must stop', async () => {
    const transactions = new FakeTransactions(() => 'transient');

    expect(await runChunk(['a', 'b'], transactions.policy(3, { stopAfter: 2 }))).toBe(false);

    expect(transactions.attempts).toHaveLength(2);
    expect(transactions.committed).toEqual([]);
  });
});

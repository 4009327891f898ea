import type { ChunkInfo, ProcessorObserver } from '@ouro/messaging';
import { describe, expect, it } from 'vitest';
import { combineObservers } from './combine.js';

describe('combineObservers', () => {
  it('passes every event to each observer, and nests their arounds, the first outermost', async () => {
    const calls: string[] = [];
    const recording = (name: string): ProcessorObserver => ({
      joined: (partitions) => calls.push(`${name} joined ${partitions.join(',')}`),
      around: async (_chunk, run) => {
        calls.push(`${name} before`);
        const result = await run();
        calls.push(`${name} after`);
        return result;
      },
    });
    const combined = combineObservers(recording('a'), { failed: () => calls.push('b failed') }, recording('c'));
    const chunk: ChunkInfo = { topic: 't', group: 0, messages: [] };

    combined.joined?.([1, 2]);
    combined.failed?.({ group: 0, partitions: [0, 3], kind: 'transient', attempt: 1 });
    const result = await combined.around?.(chunk, async () => {
      calls.push('run');
      return 7;
    });

    expect(result).toBe(7);
    expect(calls).toEqual(['a joined 1,2', 'c joined 1,2', 'b failed', 'a before', 'c before', 'run', 'c after', 'a after']);
  });
});

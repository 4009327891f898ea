import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRedisBenchmarkCsv } from './redis-output.js';

// redis-benchmark 7.0 with --csv against the stack's Redis; the test name holds a JSON value whose
// quotes redis-benchmark leaves unescaped.
const sample = readFileSync(join(import.meta.dirname, 'samples', 'redis-benchmark.csv'), 'utf8');

describe('parseRedisBenchmarkCsv', () => {
  it('reads the figures from the end of the row, whatever quotes the command holds', () => {
    const [figures] = parseRedisBenchmarkCsv(sample);

    expect(figures?.requestsPerSec).toBe(176470.58);
    expect(figures?.latencyMs).toEqual({ avg: 1.533, p50: 1.687, p95: 2.015, p99: 2.015, max: 2.015 });
    expect(figures?.test).toMatch(/^EVALSHA [0-9a-f]{40} 1 ceil:order:.*"status":"committed"\} 60 /);
  });

  it('refuses output without a CSV row', () => {
    expect(() => parseRedisBenchmarkCsv('Could not connect to Redis at 127.0.0.1:6379: Connection refused\n')).toThrow(/no CSV/);
  });
});

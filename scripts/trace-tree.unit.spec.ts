import { describe, expect, it } from 'vitest';
import { type JaegerSpan, traceTree } from './trace-tree.js';

const span = (
  spanID: string,
  operationName: string,
  startMs: number,
  durationMs: number,
  parent?: string,
  processID = 'p1',
): JaegerSpan => ({
  spanID,
  operationName,
  processID,
  startTime: 1_000_000_000 + startMs * 1000,
  duration: durationMs * 1000,
  references: parent ? [{ refType: 'CHILD_OF', spanID: parent }] : [],
});

describe('traceTree', () => {
  it('indents each span under its parent, in start order, with its offset, duration and service', () => {
    const tree = traceTree({
      traceID: 't',
      processes: { p1: { serviceName: 'order-api' }, p2: { serviceName: 'order-processor' } },
      spans: [
        span('c', 'process orders.commands', 40, 20, 'b', 'p2'),
        span('a', 'POST /orders', 0, 30),
        span('b', 'send orders.commands', 5, 10, 'a'),
        span('d', 'transaction', 45, 10, 'c', 'p2'),
      ],
    });

    expect(tree.split('\n')).toEqual([
      '   0.0 ms   30.0 ms  order-api: POST /orders',
      '   5.0 ms   10.0 ms    order-api: send orders.commands',
      '  40.0 ms   20.0 ms      order-processor: process orders.commands',
      '  45.0 ms   10.0 ms        order-processor: transaction',
    ]);
  });

  it('hangs a span with no parent in the trace under the span it is linked to, marked; else it is a root', () => {
    const tree = traceTree({
      traceID: 't',
      processes: { p1: { serviceName: 'order-api' } },
      spans: [
        span('a', 'POST /orders', 0, 30),
        { ...span('b', 'process', 40, 5), references: [{ refType: 'FOLLOWS_FROM', spanID: 'a' }] },
        { ...span('c', 'other', 50, 5), references: [{ refType: 'CHILD_OF', spanID: 'elsewhere' }] },
      ],
    });

    expect(tree.split('\n').map((line) => line.trim())).toEqual([
      '0.0 ms   30.0 ms  order-api: POST /orders',
      '40.0 ms    5.0 ms    ⇢ order-api: process',
      '50.0 ms    5.0 ms  order-api: other',
    ]);
  });
});

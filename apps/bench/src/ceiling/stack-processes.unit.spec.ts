import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseListeners, pidsServing } from './stack-processes.js';

// `ss -ltnpH` on the development machine with the stack, a three-node test cluster and apps running.
const listeners = parseListeners(readFileSync(join(import.meta.dirname, 'samples', 'ss-ltnp.txt'), 'utf8'));

describe('parseListeners', () => {
  it('finds the process behind each port, IPv4 and IPv4-mapped IPv6 alike', () => {
    expect(listeners.get(9092)).toEqual([21785]);
    expect(listeners.get(5432)).toEqual([30440]);
    expect(listeners.get(6379)).toEqual([26437]);
  });

  it('gives a port with no process shown no pid', () => {
    expect(listeners.get(2024)).toEqual([]);
  });
});

describe('pidsServing', () => {
  it('gathers the pids of several ports once each', () => {
    expect(pidsServing(listeners, [9092, 9212], 'Kafka')).toEqual([21785]);
  });

  it('refuses a port nothing listens on, rather than counting a missing service as idle', () => {
    expect(() => pidsServing(listeners, [1], 'nothing')).toThrow(/no process listens on port 1/);
  });
});

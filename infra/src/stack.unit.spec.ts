import { describe, expect, it } from 'vitest';
import { isStackExtra, serviceNames, stackServiceNames } from './stack.js';

describe('the parts of the stack', () => {
  it('are the four core services unless an extra is asked for; cdc adds Kafka Connect', () => {
    expect(stackServiceNames()).toEqual(serviceNames);
    expect(stackServiceNames(['cdc'])).toEqual(['kafka', 'registry', 'postgres', 'redis', 'connect']);
    expect(stackServiceNames(['cdc', 'cdc'])).toHaveLength(5);
  });

  it('adds Jaeger for tracing', () => {
    expect(stackServiceNames(['tracing'])).toEqual(['kafka', 'registry', 'postgres', 'redis', 'jaeger']);
    expect(stackServiceNames(['tracing', 'cdc'])).toEqual(['kafka', 'registry', 'postgres', 'redis', 'jaeger', 'connect']);
  });

  it('knows its extras by name', () => {
    expect(isStackExtra('cdc')).toBe(true);
    expect(isStackExtra('tracing')).toBe(true);
    expect(isStackExtra('toString')).toBe(false);
  });
});

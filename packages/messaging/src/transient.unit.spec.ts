import { describe, expect, it } from 'vitest';
import { UndecodableMessage } from './serde.js';
import { describeFailure } from './transactional-processor.js';
import { isTransient } from './transient.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
class KafkaJSConnectionError extends Error {
  override name = 'KafkaJSConnectionError';
}

describe('isTransient', () => {
  it('retries what a dependency outage looks like', () => {
    expect(isTransient(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(isTransient(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isTransient(withCode('could not serialize access', '40001'))).toBe(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransient(new KafkaJSConnectionError('Connection error'))).toBe(true);
    expect(isTransient(new Error('Failed query', { cause: withCode('read ECONNRESET', 'ECONNRESET') }))).toBe(true);
  });

  it('does not retry a bad message or a statement refused for its data', () => {
    expect(isTransient(new UndecodableMessage('not in the Confluent wire format'))).toBe(false);
    expect(isTransient(new Error('wrapped', { cause: new UndecodableMessage('bad body') }))).toBe(false);
    expect(isTransient(withCode('value out of range for type bigint', '22003'))).toBe(false);
    expect(isTransient(withCode('null value in column violates not-null constraint', '23502'))).toBe(false);
    expect(isTransient(new TypeError("Cannot read properties of undefined (reading 'sku')"))).toBe(false);
  });
});

describe('describeFailure', () => {
  it('states the innermost cause with its code, without NUL characters', () => {
    const driver = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { name: 'error', code: '22021' });
    const wrapper = new Error('Failed query: insert … params: c\u0000nul', { cause: driver });
    expect(describeFailure(wrapper)).toBe('error 22021: invalid byte sequence for encoding "UTF8": 0x00');
    expect(describeFailure(new Error('a\u0000b'))).toBe('Error: ab');
  });
});

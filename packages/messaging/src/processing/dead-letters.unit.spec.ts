import { describe, expect, it } from 'vitest';
import { type DeadLetter, deadLetterRecord, parseDeadLetter } from './dead-letters.js';

describe('dead-letter records', () => {
  const letter: DeadLetter = {
    topic: 'orders.commands',
    partition: 2,
    offset: '41',
    key: 'order-1',
    value: Buffer.from([1, 2, 3]),
    headers: { traceparent: '00-abc-def-01' },
    reason: 'undecodable',
    error: 'not in the Confluent wire format',
    attempts: 1,
  };

  it('keeps the original key, value and headers and names the reason, source and attempts', () => {
    const record = deadLetterRecord(letter, 'orders.commands.dlq', new Date('2026-11-22T10:00:00Z'));
    expect(record).toMatchObject({ topic: 'orders.commands.dlq', key: 'order-1', value: Buffer.from([1, 2, 3]) });
    expect(record.headers).toMatchObject({
      traceparent: '00-abc-def-01',
      'ouro.dlq.reason': 'undecodable',
      'ouro.dlq.source-topic': 'orders.commands',
      'ouro.dlq.source-partition': '2',
      'ouro.dlq.source-offset': '41',
      'ouro.dlq.attempts': '1',
      'ouro.dlq.failed-at': '2026-11-22T10:00:00.000Z',
    });
  });

  it('reads back what it wrote, with the original headers apart', () => {
    const record = deadLetterRecord(letter, 'orders.commands.dlq', new Date('2026-11-22T10:00:00Z'));
    const headers = Object.fromEntries(Object.entries(record.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
    const read = parseDeadLetter({ key: record.key, value: record.value, headers });
    expect(read).toMatchObject({ topic: 'orders.commands', partition: 2, offset: '41', reason: 'undecodable', attempts: 1 });
    expect(Object.keys(read.originalHeaders)).toEqual(['traceparent']);
  });

  it('cuts a very long error message', () => {
    const record = deadLetterRecord({ ...letter, error: 'x'.repeat(10_000) }, 'dlq');
    expect(String(record.headers?.['ouro.dlq.error']).length).toBe(2_000);
  });
});

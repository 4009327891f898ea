import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from './failures.js';
import { describeFailure } from './processing/describe-failure.js';
import { SchemaUnavailable, UndecodableMessage } from './serde.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
/** A broker's answer as kafkajs raises it (kafkajs fills `type` and `retriable` from the protocol's error table). */
const answer = (type: string, retriable: boolean) => new KafkaJSProtocolError({ message: type, type, code: 0, retriable } as never);

describe('classifyFailure', () => {
  it('retries what a dependency outage looks like', () => {
    for (const error of [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      withCode('terminating connection due to administrator command', '57P01'),
      withCode('could not serialize access', '40001'),
      new Error('Connection terminated unexpectedly'),
      new KafkaJSConnectionError('Connection error'),
      new Error('Failed query', { cause: withCode('read ECONNRESET', 'ECONNRESET') }),
      answer('NOT_COORDINATOR', true),
      // kafkajs' retrier gave up, but on a retriable cause
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection timeout'), { retryCount: 5, retryTime: 1 }),
      // the registry answered 503, or did not answer
      new SchemaUnavailable(7, new Error('Error, status 503')),
    ]) {
      expect(classifyFailure(error), String(error)).toBe('transient');
    }
  });

  it("takes a newer producer's epoch as fencing, never as the message's fault", () => {
    expect(classifyFailure(answer('INVALID_PRODUCER_EPOCH', false))).toBe('fenced');
    expect(classifyFailure(new Error('commit failed', { cause: answer('PRODUCER_FENCED', false) }))).toBe('fenced');
  });

  it("takes Kafka's refusal of the member itself as the environment's fault, never the message's", () => {
    expect(classifyFailure(answer('TOPIC_AUTHORIZATION_FAILED', false))).toBe('environment');
    expect(classifyFailure(answer('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', false))).toBe('environment');
    expect(classifyFailure(answer('UNSUPPORTED_VERSION', false))).toBe('environment');
  });

  it("counts what is the message's own: it does not decode, a value or a record is refused for good", () => {
    for (const error of [
      new UndecodableMessage('not in the Confluent wire format'),
      new Error('wrapped', { cause: new UndecodableMessage('bad body') }),
      withCode('value out of range for type bigint', '22003'),
      withCode('null value in column violates not-null constraint', '23502'),
      new TypeError("Cannot read properties of undefined (reading 'sku')"),
      answer('MESSAGE_TOO_LARGE', false),
      answer('RECORD_LIST_TOO_LARGE', false),
      new KafkaJSNonRetriableError('Transaction state exception: Invalid state TRANSACTING'),
    ]) {
      expect(classifyFailure(error), String(error)).toBe('message');
    }
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

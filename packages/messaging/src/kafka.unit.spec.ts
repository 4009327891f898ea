import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkajsLogLine } from './kafka.js';

const line = (level: logLevel, log: Record<string, unknown> & { message: string }) =>
  JSON.parse(
    kafkajsLogLine({ namespace: 'Connection', level, log: { timestamp: '2026-11-30T10:00:00.000Z', logger: 'kafkajs', ...log } }) ?? 'null',
  );

describe('kafkajs log lines', () => {
  it('are pino-compatible JSON: numeric level, time, msg, the entry fields', () => {
    expect(line(logLevel.ERROR, { message: 'Crash: KafkaJSNonRetriableError: boom', groupId: 'g' })).toEqual({
      level: 50,
      time: Date.parse('2026-11-30T10:00:00.000Z'),
      name: 'kafkajs',
      namespace: 'Connection',
      groupId: 'g',
      msg: 'Crash: KafkaJSNonRetriableError: boom',
    });
  });

  it.each([
    [
      'The group coordinator is not available',
      { message: 'Response GroupCoordinator(key: 10, version: 2)', error: 'The group coordinator is not available' },
    ],
    [
      'The coordinator is loading',
      {
        message: 'Response FindCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests for this group",
      },
    ],
    ['a reconnect', { message: 'Failed to connect to broker, reconnecting', retryCount: 1, retryTime: 300 }],
    ['a rejoin', { message: 'The coordinator is not aware of this member, re-joining the group' }],
  ])('an error kafkajs retries by itself (%s) is a warning', (_case, log) => {
    expect(line(logLevel.ERROR, log).level).toBe(40);
  });

  it('an error that is not retriable stays an error', () => {
    expect(
      line(logLevel.ERROR, {
        message: 'Response Produce(key: 0, version: 7)',
        error: 'The request included message batch larger than the configured segment size on the server',
      }).level,
    ).toBe(50);
  });

  it('drops the warning about limited idempotent retries, which does not apply', () => {
    expect(
      kafkajsLogLine({
        namespace: 'Producer',
        level: logLevel.WARN,
        log: { message: 'Limiting retries for the idempotent producer to 5' },
      }),
    ).toBeUndefined();
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { type BackoffPolicy, backoffDelay } from './backoff.js';

export interface RetryOptions {
  readonly policy: BackoffPolicy;
  /** Retrying ends (and `retry` resolves `stopped`) once this says no; checked before every attempt. */
  readonly running: () => boolean;
  /** Ends the wait between attempts early (a shutdown must not wait out a backoff). */
  readonly signal?: AbortSignal;
  /** Called with every failure before the wait: log it, keep a group session alive, or throw to give up. */
  readonly onFailure?: (error: unknown, attempt: number) => void | Promise<void>;
}

export const stopped: unique symbol = Symbol('stopped');

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await sleep(ms, undefined, signal ? { signal } : undefined).catch(() => {});
}

/**
 * Settles with `promise`, or with `onTimeout` after `ms`, whichever is first; the timer is cleared
 * either way (a pending timer would hold the process open).
 */
export async function within<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise, pause(ms, timer.signal).then(() => onTimeout)]);
  } finally {
    timer.abort();
  }
}

/**
 * The one retry loop: runs `operation` until it succeeds, with exponential backoff and full jitter
 * between attempts, for as long as `running` says yes. What a failure means (and whether to go on
 * at all) belongs to `onFailure`, which may throw to give up.
 */
export async function retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T | typeof stopped> {
  for (let attempt = 1; options.running(); attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      await options.onFailure?.(error, attempt);
      if (!options.running()) break;
      await pause(backoffDelay(attempt, options.policy), options.signal);
    }
  }
  return stopped;
}

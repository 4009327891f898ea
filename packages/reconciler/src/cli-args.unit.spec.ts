import { describe, expect, it } from 'vitest';
import { parseVerifyArgs, UsageError } from './cli-args.js';

describe('parseVerifyArgs', () => {
  it('defaults to every command, the table and a 10 s convergence bound', () => {
    expect(parseVerifyArgs([])).toEqual({
      acceptedFile: undefined,
      json: false,
      convergenceMs: 10_000,
      cacheKeyPrefix: undefined,
      audit: false,
    });
  });

  it('reads every option', () => {
    expect(
      parseVerifyArgs(['--accepted', 'run.jsonl', '--json', '--convergence-ms', '2500', '--cache-prefix', 'x:order:', '--audit']),
    ).toEqual({
      acceptedFile: 'run.jsonl',
      json: true,
      convergenceMs: 2_500,
      cacheKeyPrefix: 'x:order:',
      audit: true,
    });
  });

  it('answers --help with nothing to run', () => {
    expect(parseVerifyArgs(['--help'])).toBeUndefined();
  });

  it('refuses unknown options and a bound that is not a whole number of milliseconds', () => {
    expect(() => parseVerifyArgs(['--acepted', 'x'])).toThrow(UsageError);
    expect(() => parseVerifyArgs(['--convergence-ms', '-1'])).toThrow(/--convergence-ms/);
    expect(() => parseVerifyArgs(['--convergence-ms', 'soon'])).toThrow(UsageError);
  });
});

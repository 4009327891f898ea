import { describe, expect, it } from 'vitest';
import { AcceptedFileError, parseAcceptedLines } from './accepted-file.js';

describe('parseAcceptedLines', () => {
  it('reads one entry per line, accepted with its orderId or unresolved, skipping blank lines', () => {
    const text = [
      '{"key":"k1","outcome":"accepted","orderId":"o-1","attempts":2,"ambiguous":true}',
      '',
      '{"key":"k2","outcome":"unresolved","attempts":5,"ambiguous":true}',
      '',
    ].join('\n');

    expect(parseAcceptedLines(text)).toEqual([
      { key: 'k1', outcome: 'accepted', orderId: 'o-1', attempts: 2, ambiguous: true },
      { key: 'k2', outcome: 'unresolved', attempts: 5, ambiguous: true },
    ]);
  });

  it('names the line that is not JSON or not an entry', () => {
    const good = '{"key":"k1","outcome":"accepted","orderId":"o-1","attempts":1,"ambiguous":false}';
    expect(() => parseAcceptedLines(`${good}\n{oops`, 'run.jsonl')).toThrow(new AcceptedFileError('run.jsonl:2: not JSON'));
    expect(() => parseAcceptedLines('{"key":"k","outcome":"accepted","attempts":1,"ambiguous":false}')).toThrow(
      /:1: an accepted entry needs "orderId"/,
    );
    expect(() => parseAcceptedLines('{"key":"k","outcome":"rejected","attempts":1,"ambiguous":false}')).toThrow(/"outcome"/);
    expect(() => parseAcceptedLines('{"key":"k","outcome":"unresolved","attempts":0,"ambiguous":true}')).toThrow(/"attempts"/);
    expect(() => parseAcceptedLines('{"key":"k","outcome":"unresolved","attempts":1}')).toThrow(/"ambiguous"/);
    expect(() => parseAcceptedLines('[]')).toThrow(/"key"/);
  });
});

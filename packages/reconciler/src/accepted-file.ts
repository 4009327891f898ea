import { readFileSync } from 'node:fs';

interface EntryBase {
  /** The Idempotency-Key every attempt of this logical request carried. */
  readonly key: string;
  readonly attempts: number;
  /** At least one attempt failed after the request may have reached the server (5xx, timeout, reset). */
  readonly ambiguous: boolean;
}

/**
 * One logical client request, as the load generator recorded it: one JSON line each. `accepted` when
 * some attempt was answered 202 (with the orderId it named); `unresolved` when none got a definite answer.
 */
export type AcceptedEntry =
  | (EntryBase & { readonly outcome: 'accepted'; readonly orderId: string })
  | (EntryBase & { readonly outcome: 'unresolved' });

export class AcceptedFileError extends Error {
  override name = 'AcceptedFileError';
}

function entryFrom(value: unknown): AcceptedEntry | string {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const { key, outcome, orderId, attempts, ambiguous } = value as Record<string, unknown>;
  if (typeof key !== 'string' || key === '') return '"key" must be a non-empty string';
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1) return '"attempts" must be a positive integer';
  if (typeof ambiguous !== 'boolean') return '"ambiguous" must be true or false';
  if (outcome === 'unresolved') return { key, outcome, attempts, ambiguous };
  if (outcome !== 'accepted') return '"outcome" must be "accepted" or "unresolved"';
  if (typeof orderId !== 'string' || orderId === '') return 'an accepted entry needs "orderId"';
  return { key, outcome, orderId, attempts, ambiguous };
}

/** Parses the JSON-lines text; blank lines are skipped, anything else malformed names its line. */
export function parseAcceptedLines(text: string, source = 'accepted file'): AcceptedEntry[] {
  const entries: AcceptedEntry[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new AcceptedFileError(`${source}:${index + 1}: not JSON`);
    }
    const entry = entryFrom(parsed);
    if (typeof entry === 'string') throw new AcceptedFileError(`${source}:${index + 1}: ${entry}`);
    entries.push(entry);
  }
  return entries;
}

/** Reads the load generator's file of client requests (`--accepted FILE`). */
export function readAcceptedFile(path: string): AcceptedEntry[] {
  return parseAcceptedLines(readFileSync(path, 'utf8'), path);
}

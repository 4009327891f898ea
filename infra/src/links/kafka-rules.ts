import { FrameReader, type KafkaApi, type RequestHeader, requestHeader, responseCorrelationId } from './kafka-protocol.js';
import type { Direction, Inspector, Verdict } from './link.js';

/**
 * What a rule does to a matching request:
 * - `observe`: nothing; the match is only reported (to act at that moment, e.g. pause the client);
 * - `drop-reply`: the broker gets the request and answers; the answer is discarded (the client waits
 *   for it until its request timeout);
 * - `drop-reply-and-reset`: the same, then the connection is reset: the reply lost with its
 *   connection, as when the broker dies after doing the work;
 * - `hold`: the request (and everything after it on that connection) waits until `release()`.
 */
export type KafkaAction = 'observe' | 'drop-reply' | 'drop-reply-and-reset' | 'hold';

export interface KafkaRule {
  readonly api: KafkaApi | readonly KafkaApi[];
  readonly action: KafkaAction;
  /** Only requests whose client id (sent in every request header) matches. */
  readonly clientId?: string | RegExp;
  /** Only requests to this node (its index in the link's node order). */
  readonly node?: number;
  /** How many matching requests the rule takes (default 1); then it is spent. */
  readonly times?: number;
}

/** A request a rule took, and the node (index in the link's node order) it was sent to. */
export type RuleMatch = RequestHeader & { readonly node: number };

/** A rule in force: when it matched, and (for `hold`) the way to let the held requests go. */
export interface ArmedRule {
  /** Resolves with the first matching request. */
  readonly matched: Promise<RuleMatch>;
  readonly matches: () => number;
  /** Lets every request this rule holds go on. */
  release(): void;
  /** Withdraws the rule (held requests are released). */
  remove(): void;
}

interface Entry {
  readonly rule: KafkaRule;
  remaining: number;
  count: number;
  readonly onMatch: (match: RuleMatch) => void;
  readonly released: Promise<void>;
}

const matchesClient = (pattern: KafkaRule['clientId'], clientId: string | null) =>
  pattern === undefined || (typeof pattern === 'string' ? clientId === pattern : pattern.test(clientId ?? ''));

/** The rules of one Kafka link, shared by its connections. */
export class KafkaRules {
  private readonly entries = new Set<Entry>();

  arm(rule: KafkaRule): ArmedRule {
    let onMatch: (match: RuleMatch) => void = () => {};
    const matched = new Promise<RuleMatch>((resolve) => (onMatch = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const entry: Entry = { rule, remaining: rule.times ?? 1, count: 0, onMatch, released };
    this.entries.add(entry);
    return {
      matched,
      matches: () => entry.count,
      release,
      remove: () => {
        this.entries.delete(entry);
        release();
      },
    };
  }

  /** The inspector for one new connection to `node`: frames both ways, the rules applied to its requests. */
  inspector(node = 0): Inspector {
    const readers = { request: new FrameReader(), reply: new FrameReader() };
    /** Correlation ids whose replies are to be dropped, and how. */
    const doomed = new Map<number, Verdict>();
    return {
      units: (direction: Direction, chunk: Buffer) => readers[direction].push(chunk),
      decide: (direction: Direction, frame: Buffer): Verdict => {
        if (direction === 'reply') {
          const correlationId = responseCorrelationId(frame);
          const verdict = doomed.get(correlationId);
          doomed.delete(correlationId);
          return verdict ?? { kind: 'forward' };
        }
        const header = requestHeader(frame);
        const entry = this.match(header, node);
        if (!entry) return { kind: 'forward' };
        switch (entry.rule.action) {
          case 'observe':
            return { kind: 'forward' };
          case 'drop-reply':
            doomed.set(header.correlationId, { kind: 'drop' });
            return { kind: 'forward' };
          case 'drop-reply-and-reset':
            doomed.set(header.correlationId, { kind: 'drop-and-reset' });
            return { kind: 'forward' };
          case 'hold':
            return { kind: 'hold', until: entry.released };
        }
      },
    };
  }

  private match(header: RequestHeader, node: number): Entry | undefined {
    for (const entry of this.entries) {
      const apis: readonly KafkaApi[] = typeof entry.rule.api === 'string' ? [entry.rule.api] : entry.rule.api;
      if (!header.api || !apis.includes(header.api) || !matchesClient(entry.rule.clientId, header.clientId)) continue;
      if (entry.rule.node !== undefined && entry.rule.node !== node) continue;
      entry.count++;
      entry.onMatch({ ...header, node });
      if (--entry.remaining <= 0) this.entries.delete(entry);
      return entry;
    }
    return undefined;
  }
}

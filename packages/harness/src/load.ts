import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '@ouro/messaging';
import type { AcceptedEntry } from '@ouro/reconciler';

/**
 * How the clients send: `rate` starts that many logical requests per second whatever happens (an
 * open loop, like independent users); `workers` keeps that many clients busy, each sending its next
 * order once the last one is settled (a closed loop, like a fleet of services calling the API).
 */
export type LoadShape = { readonly kind: 'rate'; readonly perSecond: number } | { readonly kind: 'workers'; readonly count: number };

export interface LoadOptions {
  /** The order-api instances alive now; each attempt goes to the next one. */
  readonly targets: () => readonly string[];
  readonly shape: LoadShape;
  /** One attempt's limit; a timeout counts as ambiguous. */
  readonly requestTimeoutMs?: number;
  /** How long a request keeps retrying after its first attempt before it is left unresolved. */
  readonly retryForMs?: number;
  /** Told of each request the moment some attempt was answered 202 (`at`: epoch ms), e.g. to time it end to end. */
  readonly onAccepted?: (entry: AcceptedEntry & { readonly outcome: 'accepted' }, at: number) => void;
  /**
   * The most logical requests (retries included) a rate-shaped client holds at once (default 1,000).
   * Beyond it, a request that falls due is not sent and is counted as shed, as a client with a bounded
   * pool would: without a bound, every second of an outage adds a second's requests retrying at once,
   * thousands of sockets in this process, which also runs the network links the apps talk through.
   */
  readonly maxInFlight?: number;
}

export interface LoadStats {
  readonly started: number;
  readonly accepted: number;
  readonly unresolved: number;
  /** Definite refusals (4xx): a client bug or a server bug, never expected here. */
  readonly refused: number;
  readonly inFlight: number;
  readonly retries: number;
  /** Requests that fell due while the client held `maxInFlight`: never sent. */
  readonly shed: number;
}

/** A request the client gave up on after a definite 4xx: recorded beside the reconciler's entries. */
export interface Refusal {
  readonly key: string;
  readonly status: number;
  readonly body: string;
}

let sequence = 0;

function order() {
  sequence++;
  return {
    customerId: `chaos-customer-${sequence % 97}`,
    currency: 'EUR',
    items: [
      { sku: `SKU-${sequence % 31}`, quantity: 1 + (sequence % 3), unitPriceCents: 100 + (sequence % 900) },
      ...(sequence % 4 === 0 ? [{ sku: 'GIFT-WRAP', quantity: 1, unitPriceCents: 250 }] : []),
    ],
  };
}

/** What an attempt's answer says about whether the order may exist. */
function isAmbiguous(status: number, body: string): boolean {
  // 503 kafka-unavailable (and shutting-down) promise that nothing was written; every other 5xx may have been.
  if (status === 503) return !/"code":"(kafka-unavailable|shutting-down)"/.test(body);
  return true;
}

/**
 * Client load as a careful client sends it: each request has an Idempotency-Key, and on a 5xx, a
 * timeout or a refused connection it retries with the same key and body (exponential backoff with
 * jitter), on the next instance. Each logical request is recorded for the reconciler: its orderId
 * once some attempt got 202, and whether any attempt was ambiguous. Each 202 is also timed, per
 * instance, so that liveness can be judged: when did each instance accept again after a fault.
 */
export class LoadGenerator {
  private readonly entries: AcceptedEntry[] = [];
  private readonly refusals: Refusal[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly lastAccepted = new Map<string, number>();
  private stats = { started: 0, accepted: 0, unresolved: 0, refused: 0, retries: 0, shed: 0 };
  private running = false;
  private next = 0;
  private loops: Promise<void>[] = [];
  /** Aborted by stop({ abandon: true }): requests in flight are cut, none is retried. */
  private readonly abandoned = new AbortController();

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    this.running = true;
    const { shape } = this.options;
    if (shape.kind === 'workers') {
      this.loops = Array.from({ length: shape.count }, async () => {
        while (this.running) await this.track(this.send());
      });
      return;
    }
    const startedAt = Date.now();
    this.loops = [
      (async () => {
        while (this.running) {
          const due = Math.floor(((Date.now() - startedAt) / 1000) * shape.perSecond);
          const maxInFlight = this.options.maxInFlight ?? 1_000;
          while (this.stats.started + this.stats.shed < due) {
            if (this.pending.size >= maxInFlight) this.stats.shed++;
            else void this.track(this.send());
          }
          await sleep(10);
        }
      })(),
    ];
  }

  private track(request: Promise<void>): Promise<void> {
    const tracked = request.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
    return tracked;
  }

  /**
   * Stops starting requests, waits for those in flight to settle (retries included) and returns the
   * record. With `abandon` (a client shutting down, not a measurement) those in flight are cut and
   * not retried: each is recorded unresolved, at once.
   */
  async stop({ abandon = false }: { abandon?: boolean } = {}): Promise<{ entries: AcceptedEntry[]; refusals: Refusal[] }> {
    this.running = false;
    if (abandon) this.abandoned.abort();
    await Promise.all(this.loops);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    return { entries: [...this.entries], refusals: [...this.refusals] };
  }

  get progress(): LoadStats {
    return { ...this.stats, inFlight: this.pending.size };
  }

  /** The entries so far (requests still retrying are not in yet). */
  get recorded(): readonly AcceptedEntry[] {
    return this.entries;
  }

  /** When `target` last answered 202 (epoch ms), if ever. */
  acceptedAt(target: string): number | undefined {
    return this.lastAccepted.get(target);
  }

  private target(): string | undefined {
    const targets = this.options.targets();
    if (targets.length === 0) return undefined;
    return targets[this.next++ % targets.length];
  }

  private async send(): Promise<void> {
    this.stats.started++;
    const key = randomUUID();
    const body = JSON.stringify(order());
    const giveUpAt = Date.now() + (this.options.retryForMs ?? 90_000);
    let ambiguous = false;
    for (let attempt = 1; ; attempt++) {
      const target = this.target();
      if (target) {
        try {
          const response = await fetch(`${target}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key },
            body,
            signal: AbortSignal.any([AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000), this.abandoned.signal]),
          });
          const text = await response.text();
          if (response.status === 202) {
            const { orderId } = JSON.parse(text) as { orderId: string };
            const entry = { key, outcome: 'accepted' as const, orderId, attempts: attempt, ambiguous };
            this.entries.push(entry);
            this.stats.accepted++;
            this.lastAccepted.set(target, Date.now());
            this.options.onAccepted?.(entry, Date.now());
            return;
          }
          if (response.status < 500) {
            this.refusals.push({ key, status: response.status, body: text.slice(0, 500) });
            this.stats.refused++;
            return;
          }
          if (isAmbiguous(response.status, text)) ambiguous = true;
        } catch (error) {
          // A reset or a timeout: the request may or may not have reached the server. A refused
          // connection never carried it.
          if ((error as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') ambiguous = true;
        }
      }
      if (Date.now() > giveUpAt || this.abandoned.signal.aborted) {
        this.entries.push({ key, outcome: 'unresolved', attempts: attempt, ambiguous });
        this.stats.unresolved++;
        return;
      }
      this.stats.retries++;
      await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: 2_000 }), undefined, { signal: this.abandoned.signal }).catch(() => {});
    }
  }
}

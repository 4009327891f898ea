// What the console's server tells its page: the SSE events and the JSON answers. Shared by both
// sides (the page imports types only), so the two cannot drift apart.

/** The steps an order goes through, in order. */
export const steps = ['accepted', 'pending', 'command', 'stored', 'announced', 'committed'] as const;
export type Step = (typeof steps)[number];

/** One step of one order as the console saw it happen in the real system. */
export interface OrderStep {
  readonly orderId: string;
  readonly step: Step;
  /** Epoch ms: when the step happened, from the system's own record of it where it keeps one. */
  readonly at: number;
  /** Where: `p3@1207` for a record, `orders` for the row, the HTTP status for the answer. */
  readonly detail: string;
}

/** One second of the live deployment, aggregated over every order (not only those followed step by step). */
export interface MetricsPoint {
  /** End of the second, epoch ms. */
  readonly t: number;
  readonly commandsPerSecond: number;
  readonly eventsPerSecond: number;
  /** From acceptance to OrderCreated visible to a read_committed consumer, over that second's orders. */
  readonly freshnessP50Ms: number | null;
  readonly freshnessP99Ms: number | null;
  /** Commands the processors' group has not committed yet. */
  readonly lag: number | null;
  /** 1 in `sampleEvery` orders is followed step by step (1: every order). */
  readonly sampleEvery: number;
}

export type FaultKind = 'kill-processor' | 'pause-processor' | 'kill-broker' | 'cut-kafka' | 'partition-postgres' | 'restart-redis';

export interface FaultInfo {
  readonly kind: FaultKind;
  readonly title: string;
  readonly detail: string;
  /** `stack`: the stack's own service (everyone using it sees it); `deployment`: only the console's processes and links. */
  readonly reach: 'stack' | 'deployment';
}

/** A fault on a timeline: when it was injected and healed, or why it could not be. */
export interface FaultMark {
  readonly id: number;
  /** `live` (the console's deployment) or `race`. */
  readonly scope: 'live' | 'race';
  readonly kind: FaultKind;
  readonly phase: 'injected' | 'healed' | 'failed';
  readonly at: number;
  readonly text: string;
}

export interface LoadState {
  readonly ratePerSecond: number;
  readonly accepted: number;
  readonly retries: number;
  readonly inFlight: number;
}

export interface WatchedTopicsInfo {
  readonly commands: string;
  readonly events: string;
  readonly deadLetters: string;
}

export interface LiveStatus {
  readonly state: 'starting' | 'running' | 'failed';
  readonly message: string;
  readonly apiUrl?: string;
  readonly topics?: WatchedTopicsInfo;
  readonly load: LoadState;
}

/** One design in the race, as the reconciler's checks see it now. */
export interface ContenderCounters {
  readonly name: string;
  readonly title: string;
  readonly summary: string;
  readonly accepted: number;
  readonly stored: number;
  readonly announced: number;
  /** Accepted, not yet announced. */
  readonly inFlight: number;
  readonly duplicated: number;
  readonly ghost: number;
  /** Judged at rest only (an order in flight is neither): null while the load runs. */
  readonly lost: number | null;
  readonly unannounced: number | null;
  readonly unaccepted: number | null;
  readonly retries: number;
  readonly e2eP50Ms: number | null;
  readonly e2eP99Ms: number | null;
  /** At rest, for Ouro: the full reconciler's verdict (every invariant, the cache included). */
  readonly reconciler?: { readonly ok: boolean; readonly violations: readonly string[] };
  /** The first findings of each violated check, each saying what is wrong where. */
  readonly findings: readonly string[];
}

export interface RacePlan {
  readonly ratePerSecond: number;
  readonly durationSeconds: number;
  readonly fault: FaultKind | 'none';
  readonly faultAtSeconds: number;
}

export interface RaceState {
  readonly phase: 'idle' | 'starting' | 'running' | 'settling' | 'done' | 'failed';
  readonly message: string;
  readonly plan?: RacePlan;
  readonly startedAt?: number;
  readonly contenders: readonly ContenderCounters[];
  /** Designs left out of the race because what they need does not run here, and how to bring it up. */
  readonly unavailable: readonly { readonly name: string; readonly title: string; readonly reason: string }[];
}

export interface ConsoleSnapshot {
  readonly live: LiveStatus;
  readonly faults: readonly FaultInfo[];
  readonly timeline: readonly FaultMark[];
  readonly metrics: readonly MetricsPoint[];
  readonly orders: readonly OrderStep[];
  readonly race: RaceState;
}

/** The SSE stream: `event:` is the type, `data:` the JSON. */
export type ConsoleEvent =
  | { readonly type: 'snapshot'; readonly data: ConsoleSnapshot }
  | { readonly type: 'step'; readonly data: OrderStep }
  | { readonly type: 'metrics'; readonly data: MetricsPoint }
  | { readonly type: 'fault'; readonly data: FaultMark }
  | { readonly type: 'live'; readonly data: LiveStatus }
  | { readonly type: 'race'; readonly data: RaceState }
  /** Step events this client did not get because it read too slowly (the rest of the stream is whole). */
  | { readonly type: 'dropped'; readonly data: { readonly count: number } };

/** An order's whole history, as `GET /api/orders/:id` answers. */
export interface OrderHistory {
  readonly orderId: string;
  readonly command?: { readonly topic: string; readonly at: string; readonly timestamp?: number; readonly from: 'stream' | 'row' };
  readonly events: readonly { readonly topic: string; readonly at: string; readonly timestamp: number }[];
  readonly row?: Readonly<Record<string, unknown>>;
  readonly failure?: Readonly<Record<string, unknown>>;
  readonly cache?: Readonly<Record<string, unknown>> | { readonly unreadable: string };
  readonly deadLetter?: { readonly topic: string; readonly at: string; readonly reason?: string };
  /** The steps the console saw, if it followed this order. */
  readonly steps: readonly OrderStep[];
}

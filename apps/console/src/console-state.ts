import type {
  ConsoleEvent,
  ConsoleSnapshot,
  FaultInfo,
  FaultMark,
  LiveStatus,
  MetricsPoint,
  OrderStep,
  RaceState,
} from './shared/protocol.js';

export interface StateLimits {
  /** Seconds of metrics kept (the charts' window). */
  readonly metrics: number;
  /** Order steps kept for a page that opens now. */
  readonly steps: number;
  /** Fault marks kept on the timeline. */
  readonly marks: number;
}

export const defaultStateLimits: StateLimits = { metrics: 120, steps: 600, marks: 200 };

/** Keeps the last `limit` items: pushes are O(1) amortised, memory stays bounded. */
function pushBounded<T>(items: T[], item: T, limit: number): void {
  items.push(item);
  if (items.length > limit * 2) items.splice(0, items.length - limit);
}

const lastOf = <T>(items: readonly T[], limit: number): T[] => items.slice(Math.max(0, items.length - limit));

/**
 * What the console knows, bounded: the latest live status and race state, the last minutes of
 * metrics, order steps and fault marks. Every change goes out to the pages (`publish`); a page that
 * opens gets the snapshot first, then the changes.
 */
export class ConsoleState {
  private live: LiveStatus;
  private race: RaceState = { phase: 'idle', message: 'no race yet', contenders: [], unavailable: [] };
  private readonly metrics: MetricsPoint[] = [];
  private readonly steps: OrderStep[] = [];
  private readonly marks: FaultMark[] = [];
  private faultIds = 0;

  constructor(
    private readonly faults: readonly FaultInfo[],
    private readonly publish: (event: ConsoleEvent) => void,
    private readonly limits: StateLimits = defaultStateLimits,
  ) {
    this.live = { state: 'starting', message: 'starting', load: { ratePerSecond: 0, accepted: 0, retries: 0, inFlight: 0 } };
  }

  snapshot(): ConsoleSnapshot {
    return {
      live: this.live,
      faults: this.faults,
      timeline: lastOf(this.marks, this.limits.marks),
      metrics: lastOf(this.metrics, this.limits.metrics),
      orders: lastOf(this.steps, this.limits.steps),
      race: this.race,
    };
  }

  get raceState(): RaceState {
    return this.race;
  }

  nextFaultId = (): number => ++this.faultIds;

  onLive = (status: LiveStatus): void => {
    this.live = status;
    this.publish({ type: 'live', data: status });
  };

  onRace = (state: RaceState): void => {
    this.race = state;
    this.publish({ type: 'race', data: state });
  };

  onStep = (step: OrderStep): void => {
    pushBounded(this.steps, step, this.limits.steps);
    this.publish({ type: 'step', data: step });
  };

  onMetrics = (point: MetricsPoint): void => {
    pushBounded(this.metrics, point, this.limits.metrics);
    this.publish({ type: 'metrics', data: point });
  };

  onFault = (mark: FaultMark): void => {
    pushBounded(this.marks, mark, this.limits.marks);
    this.publish({ type: 'fault', data: mark });
  };
}

import type { CommittedTransaction, ProcessorObserver } from '@ouro/messaging';

export interface ReadinessPolicy {
  /** A partition with messages behind it and no commit for this long is stalled. */
  readonly stallAfterMs: number;
}

export interface PartitionProgress {
  readonly lag: number;
  /** When this member last committed a chunk of it, or was assigned it (epoch ms). */
  readonly lastProgressAt: number;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly member: boolean;
  readonly partitions: readonly number[];
  /** Partitions with messages waiting and no commit within the stall bound. */
  readonly stalled: readonly number[];
  readonly reasons: readonly string[];
}

/**
 * Whether this processor does its job, from what the runtime reports: it is a member of its group,
 * and no partition it holds has messages waiting without a commit for `stallAfterMs` (a lag that
 * stays and no commit: a dependency down, a poison loop, a stuck transaction). A member with no
 * partitions (more members than partitions) is ready: it takes over when another leaves.
 */
export class ProcessorReadiness implements ProcessorObserver {
  private member = false;
  private readonly progress = new Map<number, PartitionProgress>();

  constructor(
    private readonly policy: ReadinessPolicy,
    private readonly clock: () => number = Date.now,
  ) {}

  joined(partitions: readonly number[]): void {
    this.member = true;
    const now = this.clock();
    for (const partition of [...this.progress.keys()]) if (!partitions.includes(partition)) this.progress.delete(partition);
    for (const partition of partitions) if (!this.progress.has(partition)) this.progress.set(partition, { lag: 0, lastProgressAt: now });
  }

  left(): void {
    this.member = false;
    this.progress.clear();
  }

  fetched(partition: number, lag: number): void {
    const known = this.progress.get(partition);
    // A lag that appears after an idle spell starts the stall clock now, not at the last commit.
    const lastProgressAt = known && known.lag > 0 ? known.lastProgressAt : this.clock();
    this.progress.set(partition, { lag, lastProgressAt });
  }

  committed({ parts }: CommittedTransaction): void {
    const now = this.clock();
    for (const { partition, lag } of parts) this.progress.set(partition, { lag, lastProgressAt: now });
  }

  report(): ReadinessReport {
    const now = this.clock();
    const partitions = [...this.progress.keys()].sort((a, b) => a - b);
    const stalled = partitions.filter((partition) => {
      const { lag, lastProgressAt } = this.progress.get(partition) ?? { lag: 0, lastProgressAt: now };
      return lag > 0 && now - lastProgressAt >= this.policy.stallAfterMs;
    });
    const reasons = [
      ...(this.member ? [] : ['not a member of the consumer group']),
      ...stalled.map(
        (partition) =>
          `partition ${partition}: ${this.progress.get(partition)?.lag} message(s) waiting, no commit for ${this.policy.stallAfterMs / 1000} s or more`,
      ),
    ];
    return { ready: reasons.length === 0, member: this.member, partitions, stalled, reasons };
  }
}

import type { KafkaMessage, Transaction } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../failures.js';
import { silentLogger } from '../logger.js';
import type { Exhausted } from './chunk-policy.js';
import { GroupRounds, type Outputs, type PartitionMessage } from './group-rounds.js';
import type { GroupTask } from './group-task.js';
import type { ProcessorObserver } from './observer.js';

/** What one committed transaction carried. */
interface Committed {
  readonly records: number;
  readonly offsets: Record<number, string>;
}

/**
 * A partition group's task with a fake transaction: it records what each committed transaction
 * carried, and fails the commits it is told to fail.
 */
class FakeTask {
  readonly group: number = 0;
  positions: Map<number, bigint> | undefined;
  committed: Committed[] = [];
  verifications = 0;
  discards = 0;
  failNextCommits = 0;

  constructor(private readonly stored: ReadonlyMap<number, bigint> = new Map()) {}

  get verified(): boolean {
    return this.positions !== undefined;
  }

  position(partition: number): bigint | undefined {
    return this.positions ? (this.positions.get(partition) ?? 0n) : undefined;
  }

  async verify(): Promise<ReadonlyMap<number, bigint>> {
    this.verifications++;
    this.positions = new Map(this.stored);
    return this.positions;
  }

  async transact(work: (transaction: Transaction) => Promise<ReadonlyMap<number, bigint>>): Promise<void> {
    let records = 0;
    let offsets: Record<number, string> = {};
    const transaction = {
      sendBatch: async ({ topicMessages }: { topicMessages: { messages: unknown[] }[] }) => {
        records += topicMessages.reduce((sum, { messages }) => sum + messages.length, 0);
      },
      sendOffsets: async ({ topics }: { topics: { partitions: { partition: number; offset: string }[] }[] }) => {
        offsets = Object.fromEntries((topics[0]?.partitions ?? []).map(({ partition, offset }) => [partition, offset]));
      },
    } as unknown as Transaction;
    const next = await work(transaction);
    if (this.failNextCommits > 0) {
      this.failNextCommits--;
      throw new TransientFailure('the commit answer was lost');
    }
    this.committed.push({ records, offsets });
    for (const [partition, offset] of next) this.positions?.set(partition, offset);
  }

  async discard(): Promise<void> {
    this.discards++;
    this.positions = undefined;
  }
}

class TransientFailure extends Error {}
class BadMessage extends Error {}

const classify = (error: unknown): FailureKind => (error instanceof BadMessage ? 'message' : 'transient');

const message = (offset: number): KafkaMessage =>
  ({
    offset: String(offset),
    key: Buffer.from(`k${offset}`),
    value: Buffer.from('v'),
    headers: {},
    timestamp: '0',
    attributes: 0,
  }) as KafkaMessage;

const running = { running: () => true, heartbeat: async () => {} };

function rounds(
  task: FakeTask,
  outputs: (messages: readonly PartitionMessage[], exhausted: Exhausted | undefined) => Promise<Outputs>,
  observer?: ProcessorObserver,
) {
  return new GroupRounds({
    task: task as unknown as GroupTask,
    groupId: 'group',
    topic: 'commands',
    outputs,
    deadLetterTopic: 'commands.dlq',
    classify,
    maxAttempts: 2,
    retry: { initialMs: 0, maxMs: 0 },
    maxQueuedAfterCommit: 1_000,
    stopSignal: new AbortController().signal,
    logger: silentLogger,
    observer,
  });
}

/** One output record per message, written to `events`. */
const echo = async (messages: readonly PartitionMessage[]): Promise<Outputs> => ({
  records: messages.map(({ message: { key } }) => ({ topic: 'events', key: key?.toString() ?? null, value: Buffer.from('e') })),
  letters: [],
  afterCommit: [],
});

describe('GroupRounds', () => {
  it("commits the chunks of several partitions handed in together in one transaction, with each partition's next offset", async () => {
    const task = new FakeTask();
    const group = rounds(task, echo);

    const handed = [group.submit(0, [message(0), message(1)], running, 0), group.submit(3, [message(5)], running, 0)];

    expect(await Promise.all(handed)).toEqual([true, true]);
    expect(task.committed).toEqual([{ records: 3, offsets: { 0: '2', 3: '6' } }]);
  });

  it('leaves out what the group had committed already, as read when it was verified', async () => {
    const task = new FakeTask(new Map([[0, 2n]]));
    const seen: string[] = [];
    const group = rounds(task, async (messages) => {
      seen.push(...messages.map(({ message: { offset } }) => offset));
      return echo(messages);
    });

    await group.submit(0, [message(0), message(1), message(2), message(3)], running, 0);

    expect(seen).toEqual(['2', '3']);
    expect(task.committed).toEqual([{ records: 2, offsets: { 0: '4' } }]);
  });

  it('after a commit whose outcome is unknown, fences and reads the offsets again before the retry', async () => {
    const task = new FakeTask();
    task.failNextCommits = 1;
    const group = rounds(task, echo);

    expect(await group.submit(1, [message(7)], running, 0)).toBe(true);

    expect(task.discards).toBeGreaterThanOrEqual(1);
    expect(task.verifications).toBe(2);
    expect(task.committed).toEqual([{ records: 1, offsets: { 1: '8' } }]);
  });

  it('dead-letters only the message that keeps failing, once the chunk has used up its attempts, and commits the rest', async () => {
    const task = new FakeTask();
    const group = rounds(task, async (messages, exhausted) => {
      if (exhausted) {
        const letters = messages.map(({ partition, message: { offset } }) => ({
          topic: 'commands',
          partition,
          offset,
          key: null,
          value: null,
          headers: {},
          reason: 'failing' as const,
          error: String(exhausted.error),
          attempts: exhausted.attempts,
        }));
        return { records: [], letters, afterCommit: [] };
      }
      if (messages.some(({ message: { offset } }) => offset === '1')) throw new BadMessage('cannot be handled');
      return echo(messages);
    });

    expect(await group.submit(0, [message(0), message(1), message(2)], running, 0)).toBe(true);

    // alone, offset 0 and 2 commit their event; offset 1 commits its dead letter
    expect(task.committed.map(({ offsets }) => offsets[0])).toEqual(['1', '2', '3']);
    expect(task.committed.map(({ records }) => records)).toEqual([1, 1, 1]);
  });

  it('writes nothing for a chunk handed in after the member stopped', async () => {
    const task = new FakeTask();
    const group = rounds(task, echo);

    expect(await group.submit(0, [message(0)], { running: () => false, heartbeat: async () => {} }, 0)).toBe(false);
    expect(task.committed).toEqual([]);
  });

  it('reports each transaction once to the observer, with its group and its part of each partition; a failed attempt once, naming its partitions', async () => {
    // given a group whose first commit fails, watched by an observer
    const task = Object.assign(new FakeTask(), { group: 2, failNextCommits: 1 });
    const heard: unknown[] = [];
    const group = rounds(task, echo, {
      verified: (group, positions) => heard.push(['verified', group, [...positions]]),
      failed: ({ group, partitions, kind, attempt }) => heard.push(['failed', group, partitions, kind, attempt]),
      committed: ({ group, parts, records }) => heard.push(['committed', group, parts, records]),
      around: (chunk, run) => {
        heard.push(['attempt', chunk.group, chunk.messages.map(({ partition, offset }) => `${partition}/${offset}`)]);
        return run();
      },
    });

    // when chunks of two of its partitions are handed in together
    const handed = [group.submit(2, [message(0), message(1)], running, 7), group.submit(5, [message(4)], running, 0)];
    expect(await Promise.all(handed)).toEqual([true, true]);

    // then every attempt spans both partitions, and the one transaction that committed is heard once
    expect(heard).toEqual([
      ['attempt', 2, ['2/0', '2/1', '5/4']],
      ['verified', 2, []],
      ['failed', 2, [2, 5], 'transient', 1],
      ['attempt', 2, ['2/0', '2/1', '5/4']],
      ['verified', 2, []],
      [
        'committed',
        2,
        [
          { partition: 2, messages: 2, deadLetters: [], lag: 7 },
          { partition: 5, messages: 1, deadLetters: [], lag: 0 },
        ],
        3,
      ],
    ]);
  });

  it('reports where a committed transaction spent its time, phase by phase', async () => {
    // given outputs that take a while to build
    const task = new FakeTask();
    const phases: Record<string, number>[] = [];
    const group = rounds(
      task,
      async (messages) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        return echo(messages);
      },
      { committed: ({ phasesMs }) => phases.push(phasesMs) },
    );

    // when
    expect(await group.submit(0, [message(0), message(1)], running, 0)).toBe(true);

    // then
    expect(task.committed).toEqual([{ records: 2, offsets: { 0: '2' } }]);
    expect(Object.keys(phases[0] ?? {}).sort()).toEqual(['build', 'commit', 'offsets', 'send', 'verify', 'waiting']);
    expect(phases[0]?.build).toBeGreaterThanOrEqual(25);
    expect(Object.values(phases[0] ?? {}).every((ms) => ms >= 0)).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import { committedChannel } from '@ouro/cache';
import type { OrderCreated, OrderCreationRequested } from '@ouro/contracts';
import { type AvroSerde, parseDeadLetter } from '@ouro/messaging';
import type { Redis } from 'ioredis';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import type { MetricsPoint, OrderStep, Step } from '../shared/protocol.js';
import { BoundedMap, inSample, type SamplingPolicy, SecondBuckets, sampleEveryFor } from './flow-metrics.js';

export interface WatchedTopics {
  readonly commands: string;
  readonly events: string;
  readonly deadLetters: string;
}

export interface FlowWatcherDeps {
  /** Straight to the brokers, not through the deployment's links: a fault on the links must not blind the console. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly topics: WatchedTopics;
  /** The processors' group, whose committed offsets say how far behind they are. */
  readonly processorGroup: string;
  readonly commands: AvroSerde<OrderCreationRequested>;
  readonly events: AvroSerde<OrderCreated>;
  readonly redis: Redis;
  /** Becomes a subscriber connection: Redis allows it nothing else. */
  readonly subscriber: Redis;
  /** Straight to PostgreSQL, for the rows of the orders followed. */
  readonly pool: pg.Pool;
  readonly cacheKeyPrefix?: string;
  readonly sampling: SamplingPolicy;
  /** How many orders the console remembers (for lookups and steps); the oldest are forgotten. */
  readonly remember: number;
  readonly onStep: (step: OrderStep) => void;
  readonly onMetrics: (point: MetricsPoint) => void;
}

/** What the console saw of one order, for lookups. */
export interface SeenOrder {
  command?: { partition: number; offset: string; timestamp: number };
  events: { partition: number; offset: string; timestamp: number }[];
  deadLetter?: { partition: number; offset: string; reason?: string };
  /** When the committed notification came (epoch ms). */
  committedAt?: number;
  steps: OrderStep[];
}

const at = (partition: number, offset: string) => `p${partition}@${offset}`;

/**
 * Watches one deployment as it works, from the real system: read_committed consumers on its
 * commands, events and dead-letter topics, Redis (the pending entry, read when the command shows up;
 * the committed notification order-processor publishes) and PostgreSQL (the row, looked up by id
 * once its OrderCreated is out). Every order counts in the metrics; step by step it follows every
 * order below the sampling bound, one in N above it (and always those it is asked to follow).
 */
export class FlowWatcher {
  private readonly consumer: Consumer;
  private readonly seen: BoundedMap<string, SeenOrder>;
  private readonly followed: BoundedMap<string, true>;
  /** Committed notifications that came before the watcher read the command (Redis can be faster than a consumer). */
  private readonly earlyCommits: BoundedMap<string, number>;
  private readonly buckets = new SecondBuckets();
  private sampleEvery = 1;
  private lag: number | null = null;
  private ticker?: NodeJS.Timeout;
  private rowsWanted = new Set<string>();
  private lookingUpRows = false;
  private readonly prefix: string;

  constructor(private readonly deps: FlowWatcherDeps) {
    this.consumer = deps.kafka.consumer({ groupId: `console-watch-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100 });
    this.seen = new BoundedMap(deps.remember);
    this.followed = new BoundedMap(deps.remember);
    this.earlyCommits = new BoundedMap(deps.remember);
    this.prefix = deps.cacheKeyPrefix ?? 'ouro:order:';
  }

  /** Resolves once the consumer is in its group: from then on every new record is seen. */
  async start(): Promise<void> {
    const { topics } = this.deps;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [topics.commands, topics.events, topics.deadLetters], fromBeginning: false });
    const joined = new Promise<void>((resolve) => this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) await this.record(batch.topic, batch.partition, message);
      },
    });
    await this.deps.subscriber.subscribe(committedChannel);
    this.deps.subscriber.on('message', (_channel: string, orderId: string) => this.committed(orderId));
    await joined;
    this.ticker = setInterval(() => void this.tick(), 1_000);
  }

  async stop(): Promise<void> {
    clearInterval(this.ticker);
    await this.consumer.disconnect().catch(() => {});
    this.deps.subscriber.disconnect();
  }

  /** Follows this order step by step whatever the sample (an order placed from the page). */
  follow(orderId: string): void {
    this.followed.set(orderId, true);
    // The records may have been read before the 202 came back: show what was seen of them.
    const seen = this.seen.get(orderId);
    const { topics } = this.deps;
    if (seen?.command)
      this.step(orderId, 'command', seen.command.timestamp, `${topics.commands} ${at(seen.command.partition, seen.command.offset)}`);
    const [event] = seen?.events ?? [];
    if (event) {
      this.step(orderId, 'announced', event.timestamp, `${topics.events} ${at(event.partition, event.offset)}`);
      this.rowsWanted.add(orderId);
      void this.lookUpRows();
    }
    if (seen?.committedAt !== undefined) this.step(orderId, 'committed', seen.committedAt, 'Redis: committed');
  }

  /** Records a step the console itself saw (the 202 of an order it placed). */
  report(step: OrderStep): void {
    this.emit(step);
  }

  lookup(orderId: string): SeenOrder | undefined {
    return this.seen.get(orderId);
  }

  private isFollowed(orderId: string): boolean {
    return this.followed.has(orderId) || inSample(orderId, this.sampleEvery);
  }

  private entry(orderId: string): SeenOrder {
    let entry = this.seen.get(orderId);
    if (!entry) {
      entry = { events: [], steps: [] };
      this.seen.set(orderId, entry);
    }
    return entry;
  }

  private emit(step: OrderStep): void {
    const entry = this.entry(step.orderId);
    if (entry.steps.some((known) => known.step === step.step)) return;
    entry.steps.push(step);
    this.deps.onStep(step);
  }

  private step(orderId: string, step: Step, stepAt: number, detail: string): void {
    if (this.isFollowed(orderId)) this.emit({ orderId, step, at: stepAt, detail });
  }

  private async record(topic: string, partition: number, message: KafkaMessage): Promise<void> {
    const { topics } = this.deps;
    const orderId = message.key?.toString();
    if (!orderId || !message.value) return;
    const timestamp = Number(message.timestamp);
    if (topic === topics.commands) {
      this.buckets.command();
      this.entry(orderId).command = { partition, offset: message.offset, timestamp };
      if (!this.isFollowed(orderId)) return;
      const command = await this.deps.commands.decode(message.value).catch(() => undefined);
      if (command) this.step(orderId, 'accepted', command.occurredAt, 'order-api');
      this.step(orderId, 'command', timestamp, `${topic} ${at(partition, message.offset)}`);
      const committedAt = this.earlyCommits.get(orderId);
      if (committedAt === undefined) void this.pending(orderId);
      else this.step(orderId, 'committed', committedAt, 'Redis: committed');
    } else if (topic === topics.events) {
      const event = await this.deps.events.decode(message.value).catch(() => undefined);
      if (event) this.buckets.event(Date.now() - event.acceptedAt);
      this.entry(orderId).events.push({ partition, offset: message.offset, timestamp });
      if (!this.isFollowed(orderId)) return;
      this.step(orderId, 'announced', timestamp, `${topic} ${at(partition, message.offset)}`);
      this.rowsWanted.add(orderId);
      void this.lookUpRows();
    } else if (topic === topics.deadLetters) {
      const letter = parseDeadLetter({ key: orderId, value: message.value, headers: message.headers ?? {} });
      this.entry(orderId).deadLetter = { partition, offset: message.offset, reason: `${letter.reason}: ${letter.error}` };
    }
  }

  /** The pending entry order-api writes once Kafka acknowledged the command (it may already say committed). */
  private async pending(orderId: string): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const value = await this.deps.redis.get(`${this.prefix}${orderId}`).catch(() => null);
      if (value !== null) {
        const status = (JSON.parse(value) as { status?: string }).status;
        if (status === 'pending') this.step(orderId, 'pending', Date.now(), 'Redis: pending');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private committed(orderId: string): void {
    const seen = this.seen.get(orderId);
    if (!seen) {
      this.earlyCommits.set(orderId, Date.now());
      return;
    }
    seen.committedAt ??= Date.now();
    this.step(orderId, 'committed', seen.committedAt, 'Redis: committed');
  }

  /** The rows of followed orders whose OrderCreated is out, a batch at a time. */
  private async lookUpRows(): Promise<void> {
    if (this.lookingUpRows || this.rowsWanted.size === 0) return;
    this.lookingUpRows = true;
    try {
      while (this.rowsWanted.size > 0) {
        const ids = [...this.rowsWanted].slice(0, 500);
        for (const id of ids) this.rowsWanted.delete(id);
        const { rows } = await this.deps.pool.query<{ id: string; committed_at: Date; source: string }>(
          `select id, committed_at, 'p' || source_partition || '@' || source_offset as source from orders where id = any($1::uuid[])`,
          [ids],
        );
        for (const row of rows) {
          this.step(row.id, 'stored', row.committed_at.getTime(), `orders row (command ${row.source})`);
        }
      }
    } catch {
      // PostgreSQL unreachable (a fault): the steps of these orders stay unseen, the rest goes on.
    } finally {
      this.lookingUpRows = false;
    }
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    const point = this.buckets.close(now, this.lag, this.sampleEvery);
    this.sampleEvery = sampleEveryFor(point.commandsPerSecond, this.deps.sampling);
    this.deps.onMetrics(point);
    this.lag = await this.processorLag().catch(() => null);
  }

  private async processorLag(): Promise<number> {
    const { admin, topics, processorGroup } = this.deps;
    const [ends, [committed]] = await Promise.all([
      admin.fetchTopicOffsets(topics.commands),
      admin.fetchOffsets({ groupId: processorGroup, topics: [topics.commands] }),
    ]);
    return ends.reduce((sum, { partition, high }) => {
      const offset = Number(committed?.partitions.find((entry) => entry.partition === partition)?.offset ?? '-1');
      return sum + Math.max(0, Number(high) - Math.max(0, offset));
    }, 0);
  }
}

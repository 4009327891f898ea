import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connections } from '@ouro/config';
import { closeLinks, type Links, LoadGenerator, openLinks } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import { hasCaughtUp } from '@ouro/messaging';
import type { KeyedPosition } from '@ouro/reconciler';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type pg from 'pg';
import { faultCatalog } from '../fault-catalog.js';
import type { FaultMark, RacePlan, RaceState } from '../shared/protocol.js';
import type { Contender, ContenderSpec } from './contenders.js';
import { countersOf } from './counters.js';
import { raceLimits } from './limits.js';
import { startAll } from './start-all.js';

export interface RaceDeps {
  readonly specs: readonly ContenderSpec[];
  readonly connections: Connections;
  readonly stack: StackConfig;
  /** Straight to the brokers and PostgreSQL: the checks must see through any fault on the links. */
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly pool: pg.Pool;
  readonly logDir?: string | undefined;
  readonly onState: (state: RaceState) => void;
  readonly onFault: (mark: FaultMark) => void;
  readonly nextFaultId: () => number;
}

interface Lane {
  readonly spec: ContenderSpec;
  readonly contender: Contender;
  readonly load: LoadGenerator;
  readonly acceptedAt: Map<string, number>;
  readonly firstSeen: Map<string, number>;
  readonly announced: KeyedPosition[];
  readonly latencies: number[];
  stored: string[];
  reconciler?: { ok: boolean; violations: readonly string[] } | undefined;
}

const idle: RaceState = { phase: 'idle', message: 'no race yet', contenders: [], unavailable: [] };

/**
 * The same client load, and the same fault at the same moment, on every design side by side: each
 * contender reaches the stack through one shared set of links, a client of its own sends it orders
 * at the planned rate (Idempotency-Key, retries), and a read_committed consumer watches where it
 * announces them. Every second the reconciler's delivery checks run over what is there; once the
 * load has stopped and every design has drained, they run once more, at rest, with the full
 * reconciler for Ouro.
 */
export class Race {
  private state: RaceState = idle;
  private lanes: Lane[] = [];
  private running = false;
  private aborted = false;

  constructor(private readonly deps: RaceDeps) {}

  get current(): RaceState {
    return this.state;
  }

  start(plan: RacePlan): { started: boolean; reason?: string } {
    if (this.running) return { started: false, reason: 'a race is running' };
    this.running = true;
    this.aborted = false;
    void this.run(plan).finally(() => {
      this.running = false;
    });
    return { started: true };
  }

  /** Stops a race early (the console is shutting down); what it started is closed. */
  async stop(): Promise<void> {
    this.aborted = true;
    while (this.running) await sleep(100);
  }

  private set(state: Partial<RaceState>): void {
    this.state = { ...this.state, ...state };
    this.deps.onState(this.state);
  }

  private publishCounters(atRest: boolean): void {
    this.set({
      contenders: this.lanes.map((lane) =>
        countersOf({
          name: lane.spec.name,
          title: lane.spec.title,
          summary: lane.contender.summary ?? lane.spec.summary,
          storedIn: lane.contender.storedIn,
          announcedIn: lane.contender.announcedIn,
          accepted: lane.load.recorded,
          retries: lane.load.progress.retries,
          announced: lane.announced,
          stored: lane.stored,
          latencies: lane.latencies,
          atRest,
          ...(lane.reconciler ? { reconciler: lane.reconciler } : {}),
        }),
      ),
    });
  }

  /** Announced first, then stored: so nothing announced can look unstored. */
  private async readStored(): Promise<void> {
    await Promise.all(
      this.lanes.map(async (lane) => {
        const candidates = [...new Set([...lane.acceptedAt.keys(), ...lane.firstSeen.keys()])];
        lane.stored = await lane.contender.storedOrderIds(candidates).catch(() => lane.stored);
      }),
    );
  }

  /** The designs that can run here now, and why the others cannot (the page says how to bring them in). */
  async designs(): Promise<ContenderSpec[]> {
    const { connections, stack } = this.deps;
    const answers = await Promise.all(
      this.deps.specs.map(async (spec) => ({
        spec,
        availability: (await spec.availability?.({ connections, stack })) ?? { available: true as const },
      })),
    );
    this.set({
      unavailable: answers.flatMap(({ spec, availability }) =>
        availability.available ? [] : [{ name: spec.name, title: spec.title, reason: availability.reason }],
      ),
    });
    return answers.flatMap(({ spec, availability }) => (availability.available ? [spec] : []));
  }

  private async run(plan: RacePlan): Promise<void> {
    const { connections, stack, pool, admin } = this.deps;
    this.lanes = [];
    this.set({ phase: 'starting', message: 'checking which designs can run here', plan, contenders: [] });
    let specs: ContenderSpec[] = [];
    let links: Links | undefined;
    let watcher: { consumer: Consumer; groupId: string } | undefined;
    const started: Contender[] = [];
    try {
      specs = await this.designs();
      this.set({ message: `starting ${specs.map((spec) => spec.title).join(', ')}` });
      links = await openLinks(stack, connections);
      const shared = links;
      started.push(
        ...(await startAll(
          specs,
          (spec) => spec.start({ connections, stack, links: shared, pool, admin, logDir: this.deps.logDir }),
          raceLimits.startTimeoutMs,
        )),
      );
      this.lanes = specs.map((spec, index) => this.lane(spec, started[index] as Contender, plan));
      watcher = await this.watch();
      if (this.aborted) return;

      const startedAt = Date.now();
      this.set({ phase: 'running', message: `${plan.ratePerSecond} orders/s to each for ${plan.durationSeconds} s`, startedAt });
      for (const lane of this.lanes) lane.load.start();
      const ticker = setInterval(() => void this.readStored().then(() => this.publishCounters(false)), 1_000);
      try {
        const fault = plan.fault === 'none' ? undefined : this.scheduleFault(plan, startedAt, shared);
        while (!this.aborted && Date.now() - startedAt < plan.durationSeconds * 1_000) await sleep(100);
        // Stopped early (the console is shutting down): the requests in flight are abandoned.
        await Promise.all(this.lanes.map((lane) => lane.load.stop({ abandon: this.aborted })));
        await fault;
      } finally {
        clearInterval(ticker);
      }

      this.set({ phase: 'settling', message: 'load stopped: waiting for every design to finish what it holds' });
      const settled = await this.settle(watcher.groupId);
      await this.readStored();
      const ouroLike = this.lanes.filter((lane) => lane.contender.reconcile);
      await Promise.all(ouroLike.map(async (lane) => (lane.reconciler = await lane.contender.reconcile?.(lane.load.recorded))));
      this.publishCounters(true);
      this.set({
        phase: 'done',
        message: settled
          ? 'at rest: every check below is final'
          : `not every design drained within ${raceLimits.settleTimeoutMs / 1000} s: judged as it stands`,
      });
    } catch (error) {
      this.set({ phase: 'failed', message: error instanceof Error ? error.message : String(error) });
    } finally {
      await watcher?.consumer.disconnect().catch(() => {});
      if (watcher) await this.deps.admin.deleteGroups([watcher.groupId]).catch(() => {});
      const closed = await Promise.allSettled(started.map((contender) => contender.close()));
      const leftovers = closed.flatMap((outcome, index) =>
        outcome.status === 'rejected' ? [`${specs[index]?.title ?? 'a design'} was not closed: ${String(outcome.reason)}`] : [],
      );
      if (leftovers.length > 0) this.set({ message: `${this.state.message} · ${leftovers.join(' · ')}` });
      if (links) await closeLinks(links);
    }
  }

  private lane(spec: ContenderSpec, contender: Contender, plan: RacePlan): Lane {
    const acceptedAt = new Map<string, number>();
    const lane: Lane = {
      spec,
      contender,
      acceptedAt,
      firstSeen: new Map(),
      announced: [],
      latencies: [],
      stored: [],
      load: new LoadGenerator({
        targets: () => contender.urls(),
        shape: { kind: 'rate', perSecond: plan.ratePerSecond },
        requestTimeoutMs: 5_000,
        retryForMs: 30_000,
        onAccepted: (entry, at) => {
          acceptedAt.set(entry.orderId, at);
          const seen = lane.firstSeen.get(entry.orderId);
          if (seen !== undefined) this.latency(lane, Math.max(0, seen - at));
        },
      }),
    };
    return lane;
  }

  private latency(lane: Lane, ms: number): void {
    if (lane.latencies.length < raceLimits.latencySamples) lane.latencies.push(ms);
    else lane.latencies[Math.floor(Math.random() * raceLimits.latencySamples)] = ms;
  }

  /** One read_committed consumer over every contender's announcements. */
  private async watch(): Promise<{ consumer: Consumer; groupId: string }> {
    const byTopic = new Map(this.lanes.map((lane) => [lane.contender.announcedIn, lane]));
    const groupId = `console-race-${randomUUID()}`;
    const consumer = this.deps.kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      // One commit per fetched batch: settling asks the group whether it has read to the end.
      autoCommitInterval: 0,
      eachBatch: async ({ batch }) => {
        const lane = byTopic.get(batch.topic);
        if (!lane) return;
        const now = Date.now();
        for (const message of batch.messages) {
          const key = message.key?.toString() ?? null;
          lane.announced.push({ key, partition: batch.partition, offset: Number(message.offset) });
          if (key === null || lane.firstSeen.has(key)) continue;
          lane.firstSeen.set(key, now);
          const accepted = lane.acceptedAt.get(key);
          if (accepted !== undefined) this.latency(lane, Math.max(0, now - accepted));
        }
      },
    });
    await joined;
    return { consumer, groupId };
  }

  private scheduleFault(plan: RacePlan, startedAt: number, links: Links): Promise<void> {
    if (plan.fault === 'none') return Promise.resolve();
    const kind = plan.fault;
    const mark = (phase: FaultMark['phase'], text: string) =>
      this.deps.onFault({ id: this.deps.nextFaultId(), scope: 'race', kind, phase, at: Date.now(), text });
    return sleep(Math.max(0, startedAt + plan.faultAtSeconds * 1_000 - Date.now())).then(() =>
      this.aborted
        ? undefined
        : faultCatalog[kind]
            .run({
              stack: this.deps.stack,
              links,
              writers: this.lanes.map((lane) => lane.contender.writer),
              injected: (text) => mark('injected', text),
              healed: (text) => mark('healed', text),
            })
            .catch((error: unknown) => mark('failed', error instanceof Error ? error.message : String(error))),
    );
  }

  /** Until every design has drained and the watching consumer has read every announcement (or the bound). */
  private async settle(groupId: string): Promise<boolean> {
    const deadline = Date.now() + raceLimits.settleTimeoutMs;
    const topics = this.lanes.map((lane) => lane.contender.announcedIn);
    while (!this.aborted && Date.now() < deadline) {
      await this.readStored();
      this.publishCounters(false);
      const drained = (
        await Promise.all(this.lanes.map((lane) => lane.contender.drained((orderId) => lane.firstSeen.has(orderId)).catch(() => false)))
      ).every(Boolean);
      if (drained) {
        const read = await Promise.all(topics.map((topic) => hasCaughtUp(this.deps.admin, groupId, topic).catch(() => false)));
        if (read.every(Boolean)) return true;
      }
      await sleep(500);
    }
    return false;
  }
}

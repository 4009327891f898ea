import { setTimeout as sleep } from 'node:timers/promises';
import type { Connections } from '@ouro/config';
import {
  addProcessor,
  crashAndRestart,
  crashApi,
  crashProcessor,
  degradeLink,
  deploy,
  type Fault,
  type FaultContext,
  type Links,
  LoadGenerator,
  loseKafkaReplies,
  pauseApi,
  type Refusal,
  removeProcessor,
  zombieProcessor,
} from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import { type AcceptedEntry, type ReconcileReport, reconcile } from '@ouro/reconciler';
import { auditReader } from './audit.js';
import { defaultBounds, groupBacklog, type LivenessBounds, LivenessMonitor, type Recovery } from './liveness.js';
import type { Progress } from './progress.js';
import { converge, livenessFailures, requestCounts } from './run.js';

export interface SoakOptions {
  readonly durationMs: number;
  readonly seed: number;
  /** Orders per second from each client. */
  readonly ratePerSecond: number;
  readonly clients: number;
  /** Between a fault's heal and the next fault: the time the apps have to show they are back. */
  readonly quietMs: number;
  /** How often the invariants that must hold at every moment are checked while the load runs. */
  readonly checkEveryMs: number;
  readonly convergeTimeoutMs: number;
  readonly connections: Connections;
  readonly stack: StackConfig;
  readonly progress: Progress;
  readonly liveness?: LivenessBounds;
  readonly logDir?: string;
}

/** Deterministic randomness: the same seed, the same faults in the same order with the same parameters. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface FaultKind {
  readonly weight: number;
  readonly make: (random: () => number) => Fault;
}

const between = (random: () => number, low: number, high: number) => Math.round(low + (high - low) * random());
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Every kind of fault, with how often it is drawn and its parameters drawn from ranges. */
export const faultKinds: readonly FaultKind[] = [
  { weight: 2, make: () => crashProcessor },
  { weight: 1, make: (random) => zombieProcessor(between(random, 8_000, 12_000)) },
  { weight: 1, make: (random) => crashApi(between(random, 0, 2), between(random, 500, 3_000)) },
  { weight: 1, make: (random) => pauseApi(between(random, 0, 2), between(random, 3_000, 10_000)) },
  { weight: 2, make: (random) => crashAndRestart('kafka', between(random, 1_000, 6_000)) },
  { weight: 1, make: (random) => crashAndRestart('redis', between(random, 500, 3_000)) },
  { weight: 1, make: (random) => crashAndRestart('postgres', between(random, 500, 3_000)) },
  { weight: 1, make: (random) => degradeLink('kafka', { kind: 'partitioned' }, between(random, 2_000, 10_000)) },
  { weight: 1, make: (random) => degradeLink('kafka', { kind: 'replies-lost' }, between(random, 1_000, 5_000)) },
  { weight: 1, make: (random) => degradeLink('kafka', { kind: 'delayed', ms: between(random, 50, 500) }, between(random, 3_000, 10_000)) },
  {
    weight: 2,
    make: (random) => {
      const [api, clients] = pick(random, [
        ['EndTxn', /^order-processor/],
        ['TxnOffsetCommit', /^order-processor/],
        ['AddOffsetsToTxn', /^order-processor/],
        ['Produce', /^order-api$/],
        ['Produce', /^order-processor/],
      ] as const);
      return loseKafkaReplies(api, between(random, 1_000, 6_000), clients);
    },
  },
  { weight: 1, make: (random) => degradeLink('postgres', { kind: 'partitioned' }, between(random, 2_000, 8_000)) },
  {
    weight: 1,
    make: (random) => degradeLink('postgres', { kind: 'delayed', ms: between(random, 50, 400) }, between(random, 3_000, 8_000)),
  },
  {
    weight: 1,
    make: (random) => degradeLink(pick<keyof Links>(random, ['redis', 'registry']), { kind: 'partitioned' }, between(random, 2_000, 8_000)),
  },
  {
    weight: 1,
    make: (random) => degradeLink(pick<keyof Links>(random, ['redis', 'registry']), { kind: 'refusing' }, between(random, 2_000, 8_000)),
  },
  {
    weight: 1,
    make: () => async (context: FaultContext) => {
      await addProcessor(context);
      await removeProcessor('SIGTERM')(context);
    },
  },
];

function draw(random: () => number): Fault {
  const total = faultKinds.reduce((sum, kind) => sum + kind.weight, 0);
  let at = random() * total;
  for (const kind of faultKinds) {
    at -= kind.weight;
    if (at < 0) return kind.make(random);
  }
  return (faultKinds[0] as FaultKind).make(random);
}

/** Violations that may never appear, not even for a moment while the system works. */
const alwaysChecked = ['duplicated', 'ghost', 'mismatch', 'out-of-order', 'misrouted', 'disagreement'] as const;

export interface SafetyCheck {
  readonly at: number;
  readonly orders: number;
  readonly violations: readonly string[];
}

export interface SoakResult {
  readonly seed: number;
  readonly durationMs: number;
  readonly topology: string;
  readonly load: string;
  readonly faults: readonly string[];
  readonly faultErrors: readonly string[];
  readonly recoveries: readonly Recovery[];
  readonly livenessFailures: readonly string[];
  readonly safetyChecks: readonly SafetyCheck[];
  readonly requests: number;
  readonly accepted: number;
  readonly ambiguous: number;
  readonly unresolved: number;
  readonly refused: number;
  /** Requests never sent: they fell due while a client held its most requests at once. */
  readonly shed: number;
  readonly convergeMs: number | null;
  readonly report: ReconcileReport;
  readonly entries: readonly AcceptedEntry[];
  readonly refusals: readonly Refusal[];
  readonly ok: boolean;
  readonly tails?: string;
}

/**
 * A long run: faults of every kind, drawn from the seed one after another (each healed, then a quiet
 * window in which the apps must show they are back), under steady load from several clients; the
 * invariants that must always hold are checked every few minutes while it runs, and all of them at
 * the end.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { progress, durationMs } = options;
  const topology = { apis: 3, processors: 3 };
  const { namespace, links, deployment, admin, close } = await deploy('soak', topology, options);
  const random = seededRandom(options.seed);
  const loads = Array.from(
    { length: options.clients },
    () =>
      new LoadGenerator({
        targets: () => deployment.urls(),
        shape: { kind: 'rate', perSecond: options.ratePerSecond },
        retryForMs: 180_000,
      }),
  );
  const liveness = new LivenessMonitor(
    {
      backlog: groupBacklog(admin, namespace.groupId, namespace.commandsTopic),
      apis: () => deployment.urls(),
      acceptedAt: (api) => Math.max(0, ...loads.map((load) => load.acceptedAt(api) ?? 0)) || undefined,
    },
    options.liveness ?? defaultBounds,
  );
  const audit = auditReader(options.stack, options.connections);
  const faults: string[] = [];
  const faultErrors: string[] = [];
  const safetyChecks: SafetyCheck[] = [];
  const context: FaultContext = {
    deployment,
    stack: options.stack,
    links,
    injected: (fault) => {
      faults.push(fault);
      progress.note(`  soak: ${fault}`);
    },
    healed: (fault) => {
      liveness.healed(fault);
      progress.note(`  soak: healed: ${fault}`);
    },
    riding: (fault) => {
      liveness.healed(fault);
      progress.note(`  soak: riding through: ${fault}`);
    },
  };

  try {
    const started = Date.now();
    for (const load of loads) load.start();
    const sum = (stat: 'accepted' | 'inFlight' | 'shed') => loads.reduce((total, load) => total + load.progress[stat], 0);
    const accepted = () => sum('accepted');
    const ticker = setInterval(() => {
      const elapsed = Math.round((Date.now() - started) / 1000);
      progress.update(
        `  soak  ${elapsed}/${durationMs / 1000}s  accepted ${accepted()}  in flight ${sum('inFlight')}  shed ${sum('shed')}  faults ${faults.length}  checks ${safetyChecks.length}`,
      );
    }, 1_000);
    const checking = (async () => {
      while (Date.now() - started < durationMs) {
        await sleep(Math.min(options.checkEveryMs, Math.max(0, started + durationMs - Date.now())));
        if (Date.now() - started >= durationMs) break;
        const entries = loads.flatMap((load) => load.recorded);
        const report = await reconcile({ connections: options.connections, topics: namespace, accepted: entries, audit }).catch(
          (error: unknown) => {
            faultErrors.push(`a check could not read the deployment: ${(error as Error).message}`);
            return undefined;
          },
        );
        if (!report) continue;
        const violations = alwaysChecked.filter((name) => report.checks[name].findings.length > 0);
        safetyChecks.push({ at: Date.now() - started, orders: report.counts.accepted, violations });
        progress.note(
          `  soak: invariants checked at ${Math.round((Date.now() - started) / 1000)} s: ${violations.join(', ') || 'all hold'}`,
        );
      }
    })();
    let recorded: Awaited<ReturnType<LoadGenerator['stop']>>[];
    try {
      // The first fault after a warm-up as long as a quiet window; none starts too late to be healed and checked.
      await sleep(options.quietMs);
      while (Date.now() - started < durationMs - options.quietMs) {
        await draw(random)(context).catch((error: unknown) => {
          faultErrors.push(error instanceof Error ? error.message : String(error));
          progress.note(`  soak: fault failed: ${faultErrors.at(-1)}`);
        });
        await sleep(options.quietMs);
      }
      await sleep(Math.max(0, started + durationMs - Date.now()));
      await liveness.acceptancesSettled();
      recorded = await Promise.all(loads.map((load) => load.stop()));
      await checking;
    } finally {
      clearInterval(ticker);
      progress.done();
    }
    const entries = recorded.flatMap((record) => record.entries);
    const refusals = recorded.flatMap((record) => record.refusals);
    const recoveries = await liveness.recoveries();
    const { report, convergeMs } = await converge({
      admin,
      namespace,
      connections: options.connections,
      entries,
      since: Date.now(),
      timeoutMs: options.convergeTimeoutMs,
      progress,
      label: 'soak',
      stack: options.stack,
    });
    const late = livenessFailures(recoveries);
    const ok =
      report.ok &&
      convergeMs !== null &&
      late.length === 0 &&
      safetyChecks.every((check) => check.violations.length === 0) &&
      report.checks['dead-lettered'].orderIds.length === 0 &&
      refusals.length === 0 &&
      faultErrors.length === 0;
    return {
      seed: options.seed,
      durationMs,
      topology: `${topology.apis} api · ${topology.processors} processors`,
      load: `${options.clients} clients × ${options.ratePerSecond} orders/s`,
      faults,
      faultErrors,
      recoveries,
      livenessFailures: late,
      safetyChecks,
      ...requestCounts(entries, refusals),
      shed: loads.reduce((total, load) => total + load.progress.shed, 0),
      convergeMs,
      report,
      entries,
      refusals,
      ok,
      ...(ok ? {} : { tails: deployment.tails() }),
    };
  } finally {
    await close();
  }
}

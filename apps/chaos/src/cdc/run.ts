import { setTimeout as sleep } from 'node:timers/promises';
import { currentWalPosition, slotConfirmedPast } from '@ouro/cdc';
import { LoadGenerator, type LoadShape } from '@ouro/harness';
import { type AcceptedEntry, formatOutboxReport, type OutboxCheckName, type OutboxReport, reconcileOutbox } from '@ouro/reconciler';
import type pg from 'pg';
import { auditReader } from '../audit.js';
import { type Backlog, type LivenessBounds, LivenessMonitor } from '../liveness.js';
import type { Progress } from '../progress.js';
import { describeLoad, type FaultRunResult, livenessFailures, requestCounts } from '../run.js';
import { runUnderFaults } from '../under-faults.js';
import { type CdcConnections, CdcDeployment, cdcConnections } from './deployment.js';
import type { CdcScenario } from './scenarios.js';
import type { CdcStacks } from './stack.js';

export interface CdcRunOptions {
  readonly durationMs: number;
  readonly load: LoadShape;
  /** How long after the load ends the relay may take to satisfy every invariant. */
  readonly convergeTimeoutMs: number;
  readonly stacks: CdcStacks;
  readonly progress: Progress;
  readonly liveness?: LivenessBounds;
  readonly logDir?: string;
}

export interface CdcScenarioResult extends FaultRunResult {
  readonly unannounced: number;
  /** Orders published more than once, and the records beyond each one's first: what a consumer must absorb. */
  readonly duplicated: number;
  readonly duplicateRecords: number;
  readonly tolerated: readonly OutboxCheckName[];
  /** Every violated check of the last reconciliation, tolerated ones included. */
  readonly violations: readonly OutboxCheckName[];
  readonly report: OutboxReport;
}

/**
 * The relay's backlog: the WAL's end at the heal, worked through once Debezium has confirmed a
 * position past it to its slot (it does once the records before it are in Kafka and its offsets
 * flushed). The load goes on after every heal, so later outbox rows carry the position past the mark.
 */
function slotBacklog(pool: pg.Pool, slot: string): Backlog {
  return async () => {
    const mark = await currentWalPosition(pool);
    return () => slotConfirmedPast(pool, slot, mark);
  };
}

/** The verdict's violations: those the scenario does not tolerate. */
const untolerated = (report: OutboxReport, scenario: CdcScenario) => report.violations.filter((name) => !scenario.tolerates.includes(name));

async function converge(
  scenario: CdcScenario,
  deployment: CdcDeployment,
  connections: CdcConnections,
  {
    entries,
    since,
    timeoutMs,
    progress,
    stacks,
  }: { entries: readonly AcceptedEntry[]; since: number; timeoutMs: number; progress: Progress; stacks: CdcStacks },
): Promise<{ report: OutboxReport; convergeMs: number | null }> {
  const audit = auditReader(stacks.services, connections);
  const check = () =>
    reconcileOutbox({
      kafkaBrokers: connections.kafkaBrokers,
      schemaRegistryUrl: connections.schemaRegistryUrl,
      databaseUrl: connections.databaseUrl,
      table: deployment.tables.orders,
      topic: deployment.topic,
      accepted: entries,
      audit,
    });
  while (Date.now() - since < timeoutMs) {
    progress.update(`  ${scenario.name}  converging ${((Date.now() - since) / 1000).toFixed(0)}s`);
    const report = await check().catch(() => undefined);
    if (report && untolerated(report, scenario).length === 0) return { report, convergeMs: Date.now() - since };
    await sleep(1_000);
  }
  progress.done();
  return { report: await check(), convergeMs: null };
}

/** Runs one CDC scenario in a deployment of its own: load, faults on schedule, then waits for the reconciler to agree. */
export async function runCdcScenario(scenario: CdcScenario, options: CdcRunOptions): Promise<CdcScenarioResult> {
  const { progress, stacks } = options;
  const durationMs = Math.max(options.durationMs, scenario.minDurationMs ?? 0);
  const connections = cdcConnections(stacks, scenario.delivery);
  const deployment = await CdcDeployment.start(scenario.name, scenario.servers, connections, options.logDir);
  const load = new LoadGenerator({ targets: () => deployment.urls(), shape: options.load, retryForMs: 180_000 });
  const liveness = new LivenessMonitor(
    { backlog: slotBacklog(deployment.pool, deployment.slot), apis: () => deployment.urls(), acceptedAt: (api) => load.acceptedAt(api) },
    options.liveness,
  );
  try {
    const { entries, refusals, faults, faultErrors, loadEnded } = await runUnderFaults({
      label: scenario.name,
      durationMs,
      schedule: scenario.steps.map((step) => ({
        at: step.at,
        run: (hooks) => step.run({ services: stacks.services, connect: stacks.workers[scenario.delivery], ...hooks }),
      })),
      load,
      liveness,
      progress,
    });
    const recoveries = await liveness.recoveries();
    const { report, convergeMs } = await converge(scenario, deployment, connections, {
      entries,
      since: loadEnded,
      timeoutMs: options.convergeTimeoutMs,
      progress,
      stacks,
    });
    const count = (name: keyof OutboxReport['checks']) => report.checks[name].orderIds.length;
    const late = livenessFailures(recoveries);
    const ok =
      untolerated(report, scenario).length === 0 &&
      convergeMs !== null &&
      late.length === 0 &&
      refusals.length === 0 &&
      faultErrors.length === 0;
    return {
      scenario: scenario.name,
      description: scenario.description,
      topology: `${scenario.servers} CDC server${scenario.servers > 1 ? 's' : ''} · 1 Connect worker (${scenario.delivery})`,
      load: describeLoad(options.load),
      durationMs,
      ...requestCounts(entries, refusals),
      retries: load.progress.retries,
      shed: load.progress.shed,
      faults,
      faultErrors,
      lost: count('lost'),
      unannounced: count('unannounced'),
      ghosts: count('ghost'),
      duplicated: count('duplicated'),
      duplicateRecords: report.counts.duplicateRecords,
      tolerated: scenario.tolerates,
      violations: report.violations,
      recoveries,
      livenessFailures: late,
      convergeMs,
      ok,
      report,
      entries,
      refusals,
      ...(ok ? {} : { tails: `${formatOutboxReport(report)}\n${deployment.tails()}` }),
    };
  } finally {
    await deployment.stop();
  }
}

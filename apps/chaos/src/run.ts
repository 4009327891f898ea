import { setTimeout as sleep } from 'node:timers/promises';
import type { Connections } from '@ouro/config';
import { deploy, type FaultContext, type Links, LoadGenerator, type LoadShape, type Refusal, type Topology } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import { hasCaughtUp } from '@ouro/messaging';
import type { Namespace } from '@ouro/provisioning';
import { type AcceptedEntry, type ReconcileReport, reconcile } from '@ouro/reconciler';
import type { Admin } from 'kafkajs';
import { auditReader } from './audit.js';
import { groupBacklog, type LivenessBounds, LivenessMonitor, type Recovery } from './liveness.js';
import type { Progress } from './progress.js';
import type { Scenario } from './scenarios.js';
import { type FaultHooks, runUnderFaults } from './under-faults.js';

export interface RunOptions {
  readonly durationMs: number;
  /** The clients' shape when the scenario does not set one: a steady rate by default. */
  readonly load: LoadShape;
  /** How long after the load ends the system may take to satisfy every invariant. */
  readonly convergeTimeoutMs: number;
  readonly connections: Connections;
  /** The stack whose services the faults hit: the default one, or the three-node cluster's. */
  readonly stack: StackConfig;
  readonly progress: Progress;
  readonly liveness?: LivenessBounds;
  /** Where each app's output is written when the run ends (a directory per scenario). */
  readonly logDir?: string;
}

/** What every fault run reports, whatever design it ran: the load, the faults and the checks' verdict. */
export interface FaultRunResult {
  readonly scenario: string;
  readonly description: string;
  readonly topology: string;
  readonly load: string;
  readonly durationMs: number;
  readonly requests: number;
  readonly accepted: number;
  readonly ambiguous: number;
  readonly unresolved: number;
  readonly refused: number;
  readonly retries: number;
  /** Requests never sent: they fell due while the client held its most requests at once. */
  readonly shed: number;
  readonly faults: readonly string[];
  readonly faultErrors: readonly string[];
  readonly lost: number;
  readonly ghosts: number;
  /** How each healed fault was recovered from; `livenessFailures` names those that were not in time. */
  readonly recoveries: readonly Recovery[];
  readonly livenessFailures: readonly string[];
  /** From the end of the load until every invariant (not tolerated) held; null when it never did within the bound. */
  readonly convergeMs: number | null;
  readonly ok: boolean;
  readonly entries: readonly AcceptedEntry[];
  readonly refusals: readonly Refusal[];
  /** The apps' last log lines when the run failed. */
  readonly tails?: string;
}

export interface ScenarioResult extends FaultRunResult {
  readonly duplicated: number;
  readonly deadLettered: number;
  readonly tolerated: number;
  /** Every violated check of the last reconciliation. */
  readonly violations: readonly string[];
  readonly report: ReconcileReport;
}

/** What the clients asked for and what became of it, as every fault run reports it. */
export function requestCounts(entries: readonly AcceptedEntry[], refusals: readonly Refusal[]) {
  return {
    requests: entries.length + refusals.length,
    accepted: entries.filter((entry) => entry.outcome === 'accepted').length,
    ambiguous: entries.filter((entry) => entry.ambiguous).length,
    unresolved: entries.filter((entry) => entry.outcome === 'unresolved').length,
    refused: refusals.length,
  };
}

export const describeLoad = (shape: LoadShape) => (shape.kind === 'workers' ? `${shape.count} workers` : `${shape.perSecond} orders/s`);

const describeTopology = ({ apis, processors }: Topology, cluster: boolean) =>
  `${apis} api · ${processors} processor${processors > 1 ? 's' : ''}${cluster ? ' · 3 brokers' : ''}`;

/** What is not back in time, by fault. */
export function livenessFailures(recoveries: readonly Recovery[]): string[] {
  return recoveries.flatMap(({ fault, acceptedAfterMs, caughtUpAfterMs }) => [
    ...(acceptedAfterMs === null ? [`${fault}: an order-api did not accept again in time`] : []),
    ...(caughtUpAfterMs === null ? [`${fault}: the processors did not catch up in time`] : []),
  ]);
}

/** Waits until the group has consumed everything and the reconciler agrees, up to `timeoutMs` after `since`. */
export async function converge({
  admin,
  namespace,
  connections,
  entries,
  since,
  timeoutMs,
  progress,
  label,
  stack,
}: {
  admin: Admin;
  namespace: Namespace;
  connections: Connections;
  entries: readonly AcceptedEntry[];
  since: number;
  timeoutMs: number;
  progress: Progress;
  label: string;
  stack: StackConfig;
}): Promise<{ report: ReconcileReport; convergeMs: number | null }> {
  const audit = auditReader(stack, connections);
  while (Date.now() - since < timeoutMs) {
    progress.update(`  ${label}  converging ${((Date.now() - since) / 1000).toFixed(0)}s`);
    if (await hasCaughtUp(admin, namespace.groupId, namespace.commandsTopic).catch(() => false)) {
      const report = await reconcile({ connections, topics: namespace, accepted: entries, audit });
      if (report.ok) return { report, convergeMs: Date.now() - since };
    }
    await sleep(1_000);
  }
  progress.done();
  return { report: await reconcile({ connections, topics: namespace, accepted: entries, audit }), convergeMs: null };
}

/** Runs one scenario in a deployment of its own: load, faults on schedule, then wait for the reconciler to agree. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const { connections, progress } = options;
  const durationMs = Math.max(options.durationMs, scenario.minDurationMs ?? 0);
  const shape = scenario.load ?? options.load;
  const { namespace, links, deployment, admin, close } = await deploy(scenario.name, scenario.topology, options);
  const load = new LoadGenerator({ targets: () => deployment.urls(), shape, retryForMs: 180_000 });
  const liveness = new LivenessMonitor(
    {
      backlog: groupBacklog(admin, namespace.groupId, namespace.commandsTopic),
      apis: () => deployment.urls(),
      acceptedAt: (api) => load.acceptedAt(api),
    },
    options.liveness,
  );
  const context: Omit<FaultContext, keyof FaultHooks> = { deployment, stack: options.stack, links: links as Links };

  try {
    const { entries, refusals, faults, faultErrors, loadEnded } = await runUnderFaults({
      label: scenario.name,
      durationMs,
      schedule: scenario.steps.map((step) => ({ at: step.at, run: (hooks) => step.run({ ...context, ...hooks }) })),
      load,
      liveness,
      progress,
    });
    const recoveries = await liveness.recoveries();
    const { report, convergeMs } = await converge({
      admin,
      namespace,
      connections,
      entries,
      since: loadEnded,
      timeoutMs: options.convergeTimeoutMs,
      progress,
      label: scenario.name,
      stack: options.stack,
    });
    const count = (name: keyof ReconcileReport['checks']) => report.checks[name].orderIds.length;
    const late = livenessFailures(recoveries);
    // An unresolved request (the client gave up retrying) is reported, not failed: its order exists
    // or not, and the reconciler accounts for both (a retry of an ambiguous request is tolerated).
    const ok =
      report.ok &&
      convergeMs !== null &&
      late.length === 0 &&
      count('dead-lettered') === 0 &&
      refusals.length === 0 &&
      faultErrors.length === 0;
    return {
      scenario: scenario.name,
      description: scenario.description,
      topology: describeTopology(scenario.topology, scenario.cluster === true),
      load: describeLoad(shape),
      durationMs,
      ...requestCounts(entries, refusals),
      retries: load.progress.retries,
      shed: load.progress.shed,
      faults,
      faultErrors,
      lost: count('lost'),
      duplicated: count('duplicated'),
      ghosts: count('ghost'),
      deadLettered: count('dead-lettered'),
      tolerated: count('tolerated'),
      violations: report.violations,
      recoveries,
      livenessFailures: late,
      convergeMs,
      ok,
      report,
      entries,
      refusals,
      ...(ok ? {} : { tails: deployment.tails() }),
    };
  } finally {
    await close();
  }
}

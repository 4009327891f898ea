import { setTimeout as sleep } from 'node:timers/promises';
import type { Connections } from '@ouro/config';
import { Link, type StackConfig } from '@ouro/infra';
import { createKafka, hasCaughtUp } from '@ouro/messaging';
import { provisionNamespace } from '@ouro/provisioning';
import { type AcceptedEntry, type ReconcileReport, reconcile } from '@ouro/reconciler';
import { uniqueName } from '@ouro/testing';
import { Deployment } from './deployment.js';
import { LoadGenerator, type Refusal } from './load.js';
import type { Progress } from './progress.js';
import type { FaultContext, Scenario } from './scenarios.js';

export interface RunOptions {
  readonly durationMs: number;
  readonly ratePerSecond: number;
  /** How long after the load ends the system may take to satisfy every invariant. */
  readonly convergeTimeoutMs: number;
  readonly connections: Connections;
  /** The stack whose services the faults hit: the default one, or the three-node cluster's. */
  readonly stack: StackConfig;
  readonly progress: Progress;
}

export interface ScenarioResult {
  readonly scenario: string;
  readonly description: string;
  readonly topology: string;
  readonly durationMs: number;
  readonly requests: number;
  readonly accepted: number;
  readonly ambiguous: number;
  readonly unresolved: number;
  readonly refused: number;
  readonly retries: number;
  readonly faults: readonly string[];
  readonly faultErrors: readonly string[];
  readonly lost: number;
  readonly duplicated: number;
  readonly ghosts: number;
  readonly deadLettered: number;
  readonly tolerated: number;
  /** Every violated check of the last reconciliation. */
  readonly violations: readonly string[];
  /** From the end of the load until every invariant held; null when it never did within the bound. */
  readonly convergeMs: number | null;
  readonly ok: boolean;
  readonly report: ReconcileReport;
  readonly entries: readonly AcceptedEntry[];
  readonly refusals: readonly Refusal[];
  /** The apps' last log lines when the run failed. */
  readonly tails?: string;
}

const withPort = (url: string, port: number) => {
  const parsed = new URL(url);
  parsed.port = String(port);
  return parsed.toString();
};

/** Runs one scenario in a deployment of its own: load, faults on schedule, then wait for the reconciler to agree. */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<ScenarioResult> {
  const { connections, progress, durationMs } = options;
  const namespace = await provisionNamespace(uniqueName(`chaos-${scenario.name}`), { partitions: 6, connections });
  const database = new URL(connections.databaseUrl);
  const postgresLink = scenario.postgresProxy
    ? await Link.open({ host: database.hostname, port: Number(database.port || 5432) })
    : undefined;
  const deployment = new Deployment({
    ...namespace.env,
    KAFKA_BROKERS: connections.kafkaBrokers.join(','),
    DATABASE_URL: postgresLink ? withPort(connections.databaseUrl, postgresLink.port) : connections.databaseUrl,
    // A crashed member's partitions move after 6 s (Kafka's minimum), not 30.
    PROCESSOR_SESSION_TIMEOUT_MS: '6000',
    PROCESSOR_TRANSACTION_TIMEOUT_MS: '10000',
    API_REQUEST_LOGGING: 'false',
  });
  const faults: string[] = [];
  const faultErrors: string[] = [];
  const context: FaultContext = {
    deployment,
    stack: options.stack,
    ...(postgresLink ? { postgresLink } : {}),
    injected: (fault) => {
      faults.push(fault);
      progress.note(`  ${scenario.name}: ${fault}`);
    },
  };
  const kafka = createKafka({ brokers: connections.kafkaBrokers, clientId: 'ouro-chaos' });
  const admin = kafka.admin();
  const load = new LoadGenerator({ targets: () => deployment.urls(), ratePerSecond: options.ratePerSecond, retryForMs: 180_000 });

  try {
    await Promise.all([deployment.start(scenario.topology), admin.connect()]);
    const started = Date.now();
    load.start();
    let recorded: Awaited<ReturnType<LoadGenerator['stop']>>;
    const ticker = setInterval(() => {
      const { accepted, inFlight, retries, unresolved, refused } = load.progress;
      const elapsed = ((Date.now() - started) / 1000).toFixed(0);
      progress.update(
        `  ${scenario.name}  ${elapsed}/${durationMs / 1000}s  accepted ${accepted}  in flight ${inFlight}  retries ${retries}  unresolved ${unresolved}  refused ${refused}  faults ${faults.length}`,
      );
    }, 250);
    try {
      for (const step of scenario.steps) {
        await sleep(Math.max(0, started + step.at * durationMs - Date.now()));
        await step.run(context).catch((error: unknown) => {
          faultErrors.push(error instanceof Error ? error.message : String(error));
          progress.note(`  ${scenario.name}: fault step failed: ${faultErrors.at(-1)}`);
        });
      }
      await sleep(Math.max(0, started + durationMs - Date.now()));
      recorded = await load.stop();
    } finally {
      clearInterval(ticker);
      progress.done();
    }
    const loadEnded = Date.now();
    const { entries, refusals } = recorded;

    // Quiescence: the group has consumed everything, then the reconciler must agree (retried while the cache converges).
    let report: ReconcileReport | undefined;
    let convergeMs: number | null = null;
    while (Date.now() - loadEnded < options.convergeTimeoutMs) {
      progress.update(`  ${scenario.name}  converging ${((Date.now() - loadEnded) / 1000).toFixed(0)}s`);
      if (await hasCaughtUp(admin, namespace.groupId, namespace.commandsTopic).catch(() => false)) {
        report = await reconcile({ connections, topics: namespace, accepted: entries });
        if (report.ok) {
          convergeMs = Date.now() - loadEnded;
          break;
        }
      }
      await sleep(1_000);
    }
    progress.done();
    report ??= await reconcile({ connections, topics: namespace, accepted: entries });
    const count = (name: keyof ReconcileReport['checks']) => report.checks[name].orderIds.length;
    const unresolved = entries.filter((entry) => entry.outcome === 'unresolved').length;
    // An unresolved request (the client gave up retrying) is reported, not failed: its order exists
    // or not, and the reconciler accounts for both (a retry of an ambiguous request is tolerated).
    const ok = report.ok && convergeMs !== null && count('dead-lettered') === 0 && refusals.length === 0 && faultErrors.length === 0;
    return {
      scenario: scenario.name,
      description: scenario.description,
      topology: `${scenario.topology.apis} api · ${scenario.topology.processors} processor${scenario.cluster ? ' · 3 brokers' : ''}`,
      durationMs,
      requests: entries.length + refusals.length,
      accepted: entries.filter((entry) => entry.outcome === 'accepted').length,
      ambiguous: entries.filter((entry) => entry.ambiguous).length,
      unresolved,
      refused: refusals.length,
      retries: load.progress.retries,
      faults,
      faultErrors,
      lost: count('lost'),
      duplicated: count('duplicated'),
      ghosts: count('ghost'),
      deadLettered: count('dead-lettered'),
      tolerated: count('tolerated'),
      violations: report.violations,
      convergeMs,
      ok,
      report,
      entries,
      refusals,
      ...(ok ? {} : { tails: deployment.tails() }),
    };
  } finally {
    await deployment.stop();
    await postgresLink?.close();
    await admin.disconnect();
  }
}

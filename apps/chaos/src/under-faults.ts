import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, Refusal } from '@ouro/harness';
import type { AcceptedEntry } from '@ouro/reconciler';
import type { LivenessMonitor } from './liveness.js';
import type { Progress } from './progress.js';

/**
 * Where a fault says what it did: each is recorded, and each heal starts its liveness check, as
 * does a fault the deployment rides through (the apps must be back while it lasts).
 */
export interface FaultHooks {
  readonly injected: (fault: string) => void;
  readonly healed: (fault: string) => void;
  readonly riding: (fault: string) => void;
}

/** One fault of a schedule: when, as a fraction of the load's duration, and what, given the hooks. */
export interface ScheduledFault {
  readonly at: number;
  readonly run: (hooks: FaultHooks) => Promise<void>;
}

export interface UnderFaults {
  readonly entries: AcceptedEntry[];
  readonly refusals: Refusal[];
  readonly faults: string[];
  readonly faultErrors: string[];
  /** When the load stopped: convergence is timed from here. */
  readonly loadEnded: number;
}

/**
 * Runs the load for `durationMs` with each fault at its moment, showing progress, and stops the
 * load only once every heal's acceptance check has its answer: a fault healed near the end must
 * be judged on requests really sent. A fault that fails is recorded, not thrown.
 */
export async function runUnderFaults({
  label,
  durationMs,
  schedule,
  load,
  liveness,
  progress,
}: {
  label: string;
  durationMs: number;
  schedule: readonly ScheduledFault[];
  load: LoadGenerator;
  liveness: LivenessMonitor;
  progress: Progress;
}): Promise<UnderFaults> {
  const faults: string[] = [];
  const faultErrors: string[] = [];
  const hooks: FaultHooks = {
    injected: (fault) => {
      faults.push(fault);
      progress.note(`  ${label}: ${fault}`);
    },
    healed: (fault) => {
      liveness.healed(fault);
      progress.note(`  ${label}: healed: ${fault}`);
    },
    riding: (fault) => {
      liveness.healed(fault);
      progress.note(`  ${label}: riding through: ${fault}`);
    },
  };
  const started = Date.now();
  load.start();
  const ticker = setInterval(() => {
    const { accepted, inFlight, retries, unresolved, refused, shed } = load.progress;
    const elapsed = ((Date.now() - started) / 1000).toFixed(0);
    progress.update(
      `  ${label}  ${elapsed}/${durationMs / 1000}s  accepted ${accepted}  in flight ${inFlight}  retries ${retries}  unresolved ${unresolved}  refused ${refused}  shed ${shed}  faults ${faults.length}`,
    );
  }, 250);
  try {
    for (const step of schedule) {
      await sleep(Math.max(0, started + step.at * durationMs - Date.now()));
      await step.run(hooks).catch((error: unknown) => {
        faultErrors.push(error instanceof Error ? error.message : String(error));
        progress.note(`  ${label}: fault step failed: ${faultErrors.at(-1)}`);
      });
    }
    await sleep(Math.max(0, started + durationMs - Date.now()));
    await liveness.acceptancesSettled();
    const { entries, refusals } = await load.stop();
    return { entries, refusals, faults, faultErrors, loadEnded: Date.now() };
  } finally {
    clearInterval(ticker);
    progress.done();
  }
}

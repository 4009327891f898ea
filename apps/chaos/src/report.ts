import type { Recovery } from './liveness.js';
import type { ScenarioResult } from './run.js';
import type { SoakResult } from './soak.js';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The slowest recovery of a run, as "API back in … / caught up in …". */
export function slowestRecovery(recoveries: readonly Recovery[]): string {
  if (recoveries.length === 0) return '—';
  const worst = (pick: (recovery: Recovery) => number | null) =>
    recoveries.some((recovery) => pick(recovery) === null) ? null : Math.max(...recoveries.map((recovery) => pick(recovery) ?? 0));
  return `${seconds(worst((recovery) => recovery.acceptedAfterMs))} / ${seconds(worst((recovery) => recovery.caughtUpAfterMs))}`;
}

/** The table a run prints (and RELIABILITY.md records): one row per scenario. */
export function resultTable(results: readonly ScenarioResult[]): string {
  const header =
    '| scenario | apps | load | orders accepted | unresolved | ambiguous / retries | faults injected | lost | duplicated | ghosts | other violations | dead-lettered | slowest recovery (API accepts / caught up) | time to converge | verdict |';
  const rule = '|---|---|---|--:|--:|--:|---|--:|--:|--:|---|--:|---|--:|---|';
  const rows = results.map((result) => {
    const others = result.violations.filter((name) => !['lost', 'duplicated', 'ghost'].includes(name));
    const faultList = result.faults.length > 0 ? `${result.faults.length}: ${result.faults.join(', ')}` : '0';
    const problems = [
      ...result.faultErrors.map((error) => `fault failed: ${error}`),
      ...result.livenessFailures,
      ...(result.refused > 0 ? [`${result.refused} refused`] : []),
    ];
    return `| ${result.scenario} | ${result.topology} | ${result.load} | ${result.accepted} | ${result.unresolved} | ${result.ambiguous} / ${result.retries} | ${faultList} | ${result.lost} | ${result.duplicated} | ${result.ghosts} | ${others.join(', ') || '0'} | ${result.deadLettered} | ${slowestRecovery(result.recoveries)} | ${seconds(result.convergeMs)} | ${result.ok ? 'ok' : `**FAILED**${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`} |`;
  });
  return [header, rule, ...rows].join('\n');
}

/** A soak run: its summary, then every fault with how the apps recovered from it. */
export function soakTables(result: SoakResult): string {
  const count = (name: keyof SoakResult['report']['checks']) => result.report.checks[name].orderIds.length;
  const summary = [
    '| seed | duration | apps | load | orders accepted | unresolved | ambiguous | shed (never sent) | faults | invariant checks while running | lost | duplicated | ghosts | other violations | liveness failures | time to converge | verdict |',
    '|--:|--:|---|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|--:|--:|---|',
    `| ${result.seed} | ${Math.round(result.durationMs / 60_000)} min | ${result.topology} | ${result.load} | ${result.accepted} | ${result.unresolved} | ${result.ambiguous} | ${result.shed} | ${result.faults.length} | ${result.safetyChecks.length}, ${result.safetyChecks.filter((check) => check.violations.length > 0).length} with violations | ${count('lost')} | ${count('duplicated')} | ${count('ghost')} | ${result.report.violations.filter((name) => !['lost', 'duplicated', 'ghost'].includes(name)).join(', ') || '0'} | ${result.livenessFailures.length} | ${seconds(result.convergeMs)} | ${result.ok ? 'ok' : '**FAILED**'} |`,
  ];
  const faults = [
    '| # | fault (healed) | API accepted again after | caught up after |',
    '|--:|---|--:|--:|',
    ...result.recoveries.map(
      (recovery, index) =>
        `| ${index + 1} | ${recovery.fault} | ${seconds(recovery.acceptedAfterMs)} | ${seconds(recovery.caughtUpAfterMs)} |`,
    ),
  ];
  return `${summary.join('\n')}\n\n${faults.join('\n')}`;
}

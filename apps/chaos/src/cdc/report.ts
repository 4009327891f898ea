import { slowestRecovery } from '../report.js';
import type { CdcScenarioResult } from './run.js';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/**
 * The CDC scenarios' table: losses and duplicates side by side. The duplicates column says what a
 * consumer must absorb (orders published more than once, and the extra records); a verdict that
 * tolerates them says so.
 */
export function cdcResultTable(results: readonly CdcScenarioResult[]): string {
  const header =
    '| scenario | apps | load | orders accepted | unresolved | ambiguous / retries | faults injected | lost | unpublished | ghosts | duplicated (orders / extra records) | other violations | slowest recovery (accepts / relay caught up) | time to converge | verdict |';
  const rule = '|---|---|---|--:|--:|--:|---|--:|--:|--:|--:|---|---|--:|---|';
  const rows = results.map((result) => {
    const others = result.violations.filter((name) => !['lost', 'unannounced', 'ghost', 'duplicated'].includes(name));
    const faultList = result.faults.length > 0 ? `${result.faults.length}: ${result.faults.join(', ')}` : '0';
    const problems = [
      ...result.faultErrors.map((error) => `fault failed: ${error}`),
      ...result.livenessFailures,
      ...(result.refused > 0 ? [`${result.refused} refused`] : []),
    ];
    const tolerated = result.tolerated.filter((name) => result.violations.includes(name));
    const verdict = result.ok
      ? `ok${tolerated.length > 0 ? ` (${tolerated.join(', ')} tolerated)` : ''}`
      : `**FAILED**${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`;
    return `| ${result.scenario} | ${result.topology} | ${result.load} | ${result.accepted} | ${result.unresolved} | ${result.ambiguous} / ${result.retries} | ${faultList} | ${result.lost} | ${result.unannounced} | ${result.ghosts} | ${result.duplicated} / ${result.duplicateRecords} | ${others.join(', ') || '0'} | ${slowestRecovery(result.recoveries)} | ${seconds(result.convergeMs)} | ${verdict} |`;
  });
  return [header, rule, ...rows].join('\n');
}

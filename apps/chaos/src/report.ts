import type { ScenarioResult } from './run.js';

const seconds = (ms: number | null) => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);

/** The table a run prints (and RELIABILITY.md records): one row per scenario. */
export function resultTable(results: readonly ScenarioResult[]): string {
  const header =
    '| scenario | apps | orders accepted | unresolved | ambiguous / retries | faults injected | lost | duplicated | ghosts | other violations | dead-lettered | time to converge | verdict |';
  const rule = '|---|---|--:|--:|--:|---|--:|--:|--:|---|--:|--:|---|';
  const rows = results.map((result) => {
    const others = result.violations.filter((name) => !['lost', 'duplicated', 'ghost'].includes(name));
    const faultList = result.faults.length > 0 ? `${result.faults.length}: ${result.faults.join(', ')}` : '0';
    const problems = [
      ...result.faultErrors.map((error) => `fault failed: ${error}`),
      ...(result.refused > 0 ? [`${result.refused} refused`] : []),
    ];
    return `| ${result.scenario} | ${result.topology} | ${result.accepted} | ${result.unresolved} | ${result.ambiguous} / ${result.retries} | ${faultList} | ${result.lost} | ${result.duplicated} | ${result.ghosts} | ${others.join(', ') || '0'} | ${result.deadLettered} | ${seconds(result.convergeMs)} | ${result.ok ? 'ok' : `**FAILED**${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`} |`;
  });
  return [header, rule, ...rows].join('\n');
}

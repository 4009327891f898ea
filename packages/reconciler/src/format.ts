import { type CheckResult, checkNames, type ReconcileReport } from './report.js';

export interface FormatOptions {
  /** Order ids in a table row. */
  readonly idsPerRow?: number;
  /** Findings listed under the table per check that has any. */
  readonly findingsPerCheck?: number;
}

function verdict(check: CheckResult): string {
  if (!check.applies) return 'n/a';
  if (check.findings.length === 0) return 'ok';
  return check.severity === 'violation' ? 'VIOLATION' : 'info';
}

function firstIds(check: CheckResult, limit: number): string {
  if (!check.applies) return check.name === 'misrouted' ? '(partition counts differ)' : '(needs --accepted)';
  const shown = check.orderIds.slice(0, limit).join(' ');
  const more = check.orderIds.length - limit;
  return more > 0 ? `${shown} +${more}` : shown;
}

function scopeLine({ scope, counts }: ReconcileReport): string {
  if (scope === 'all-commands') return `every command counts as accepted (${counts.accepted} orders)`;
  return `accepted file: ${counts.accepted} accepted, ${counts.ambiguous} ambiguous, ${counts.unresolved} unresolved`;
}

function countsLine({ counts }: ReconcileReport): string {
  return [
    `commands ${counts.commands}${counts.undecodableCommands > 0 ? ` (${counts.undecodableCommands} undecodable)` : ''}`,
    `rows ${counts.rows}`,
    `failures ${counts.failures}`,
    `events ${counts.events}`,
    `dead letters ${counts.deadLetterRecords}`,
    `cache entries ${counts.cacheEntries}`,
  ].join(' · ');
}

/** The report for a terminal: what was read, one row per check, then the findings of each check that has any. */
export function formatReport(report: ReconcileReport, { idsPerRow = 3, findingsPerCheck = 10 }: FormatOptions = {}): string {
  const checks = checkNames.map((name) => report.checks[name]);
  const lines = [
    `ouro verify  ${report.topics.commands} → ${report.topics.events} (dead letters: ${report.topics.deadLetter})`,
    `scope        ${scopeLine(report)}`,
    `read         ${countsLine(report)}`,
    '',
    `${'check'.padEnd(14)} ${'orders'.padStart(6)}  ${'result'.padEnd(9)}  first orders`,
    ...checks.map((check) =>
      [
        check.name.padEnd(14),
        (check.applies ? String(check.orderIds.length) : '-').padStart(6),
        '',
        verdict(check).padEnd(9),
        '',
        firstIds(check, idsPerRow),
      ]
        .join(' ')
        .trimEnd(),
    ),
  ];
  for (const check of checks.filter((entry) => entry.findings.length > 0)) {
    lines.push('', `${check.name} (${check.severity}):`);
    for (const finding of check.findings.slice(0, findingsPerCheck)) lines.push(`  ${finding.orderId}  ${finding.detail}`);
    const more = check.findings.length - findingsPerCheck;
    if (more > 0) lines.push(`  … and ${more} more (--json lists them all)`);
  }
  lines.push(
    '',
    report.ok
      ? `✓ every invariant holds (${report.counts.deadLettered} dead-lettered, ${report.counts.tolerated} tolerated)`
      : `✗ ${report.violations.length} violated: ${report.violations.join(', ')}`,
  );
  return lines.join('\n');
}

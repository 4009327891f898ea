import { type OutboxReport, outboxCheckNames } from './outbox-check.js';

/** An outbox deployment's report for a terminal: what was read, one row per check, the findings of each check that has any. */
export function formatOutboxReport(report: OutboxReport, { findingsPerCheck = 10 } = {}): string {
  const { counts } = report;
  const checks = outboxCheckNames.map((name) => report.checks[name]);
  const lines = [
    `ouro verify  ${report.table} → ${report.topic} (change data capture)`,
    `scope        accepted file: ${counts.accepted} accepted, ${counts.ambiguous} ambiguous, ${counts.unresolved} unresolved`,
    `read         rows ${counts.rows} · events ${counts.events} (${counts.duplicateRecords} repeating an order already published)`,
    '',
    `${'check'.padEnd(14)} ${'orders'.padStart(6)}  result`,
    ...checks.map(
      (check) =>
        `${check.name.padEnd(14)} ${(check.applies ? String(check.orderIds.length) : '-').padStart(6)}  ${
          !check.applies ? 'n/a' : check.findings.length === 0 ? 'ok' : check.severity === 'violation' ? 'VIOLATION' : 'info'
        }`,
    ),
  ];
  for (const check of checks.filter((entry) => entry.findings.length > 0)) {
    lines.push('', `${check.name} (${check.severity}):`);
    for (const finding of check.findings.slice(0, findingsPerCheck)) lines.push(`  ${finding.orderId}  ${finding.detail}`);
    const more = check.findings.length - findingsPerCheck;
    if (more > 0) lines.push(`  … and ${more} more`);
  }
  lines.push('', report.ok ? '✓ every invariant holds' : `✗ ${report.violations.length} violated: ${report.violations.join(', ')}`);
  return lines.join('\n');
}

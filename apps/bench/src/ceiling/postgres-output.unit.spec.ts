import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePgbench, parsePsqlCopy } from './postgres-output.js';

// pgbench and psql 15 against the stack's PostgreSQL, captured as they printed it.
const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', name), 'utf8');

describe('parsePgbench', () => {
  it('reads tps, the transaction counts and the latency of each command of the script', () => {
    const figures = parsePgbench(sample('pgbench.txt'));

    expect(figures).toMatchObject({ clients: 1, transactions: 3, failed: 0, tps: 76.438963, latencyAvgMs: 13.082 });
    expect(figures.statements.map((statement) => statement.latencyMs)).toEqual([0.004, 2.338, 10.699]);
    expect(figures.statements.map((statement) => statement.command.split(' ')[0])).toEqual(['\\set', 'select', 'with']);
  });

  it('refuses output without tps (pgbench failed)', () => {
    expect(() => parsePgbench('pgbench: error: connection to server failed\n')).toThrow(/no/);
  });
});

describe('parsePsqlCopy', () => {
  it('reads the rows COPY reports and the time psql measured', () => {
    expect(parsePsqlCopy(sample('psql-copy.txt'))).toEqual({ rows: 300, ms: 4.824 });
  });
});

// Parsers for pgbench's and psql's output (PostgreSQL 15), pure so that real captured output can be
// replayed in unit tests.

export interface PgbenchFigures {
  readonly clients: number;
  readonly transactions: number;
  readonly failed: number;
  readonly tps: number;
  readonly latencyAvgMs: number;
  /** Per command of the script (`-r`), in script order: where a transaction's time goes. */
  readonly statements: ReadonlyArray<{ readonly latencyMs: number; readonly command: string }>;
}

const required = (text: string | undefined, what: string, output: string): number => {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value)) throw new Error(`pgbench printed no ${what}:\n${output.slice(-1_500)}`);
  return value;
};

export function parsePgbench(output: string): PgbenchFigures {
  const field = (pattern: RegExp, what: string) => required(output.match(pattern)?.[1], what, output);
  const latencies = output.split(/^statement latencies in milliseconds.*$/m)[1] ?? '';
  return {
    clients: field(/^number of clients: (\d+)$/m, 'client count'),
    transactions: field(/^number of transactions actually processed: (\d+)/m, 'transaction count'),
    failed: Number(output.match(/^number of failed transactions: (\d+)/m)?.[1] ?? 0),
    tps: field(/^tps = ([\d.]+)/m, 'tps'),
    latencyAvgMs: field(/^latency average = ([\d.]+) ms$/m, 'average latency'),
    statements: [...latencies.matchAll(/^\s+([\d.]+)\s+\d+\s+(\S.*)$/gm)].map(([, latency, command]) => ({
      latencyMs: Number(latency),
      command: command?.trim() ?? '',
    })),
  };
}

/** psql with `\timing on` around a `\copy`: the row count COPY reports and the time psql measured. */
export function parsePsqlCopy(output: string): { readonly rows: number; readonly ms: number } {
  const rows = output.match(/^COPY (\d+)$/m)?.[1];
  const ms = output.match(/^Time: ([\d.]+) ms/m)?.[1];
  if (rows === undefined || ms === undefined) throw new Error(`psql reported no COPY:\n${output.slice(-1_000)}`);
  return { rows: Number(rows), ms: Number(ms) };
}

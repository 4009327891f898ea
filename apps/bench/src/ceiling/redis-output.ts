// Parser for `redis-benchmark --csv` (Redis 7), pure so that real captured output can be replayed in unit tests.

export interface RedisBenchmarkFigures {
  readonly test: string;
  readonly requestsPerSec: number;
  readonly latencyMs: { readonly avg: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

/** The CSV's header names its columns; one row per test. */
export function parseRedisBenchmarkCsv(output: string): RedisBenchmarkFigures[] {
  const rows = output
    .split('\n')
    .filter((line) => line.startsWith('"'))
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map(([, cell]) => (cell ?? '').replaceAll('""', '"')));
  const [header, ...tests] = rows;
  if (header?.[0] !== 'test' || tests.length === 0) throw new Error(`redis-benchmark printed no CSV figures:\n${output.slice(-1_000)}`);
  const column = (row: readonly string[], name: string) => {
    const value = Number(row[header.indexOf(name)]);
    if (!Number.isFinite(value)) throw new Error(`redis-benchmark printed no ${name}:\n${output.slice(-1_000)}`);
    return value;
  };
  return tests.map((row) => ({
    test: row[0] ?? '',
    requestsPerSec: column(row, 'rps'),
    latencyMs: {
      avg: column(row, 'avg_latency_ms'),
      p50: column(row, 'p50_latency_ms'),
      p95: column(row, 'p95_latency_ms'),
      p99: column(row, 'p99_latency_ms'),
      max: column(row, 'max_latency_ms'),
    },
  }));
}

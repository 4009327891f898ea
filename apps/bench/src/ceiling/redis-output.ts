// Parser for `redis-benchmark --csv` (Redis 7), pure so that real captured output can be replayed in unit tests.

export interface RedisBenchmarkFigures {
  readonly test: string;
  readonly requestsPerSec: number;
  readonly latencyMs: { readonly avg: number; readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number };
}

/**
 * The CSV's header names its columns; one row per test. redis-benchmark does not escape the quotes
 * of a command's arguments in the test name (a JSON value), so a row is read from its end: the
 * figures are the last cells, and the test name is whatever comes before them.
 */
export function parseRedisBenchmarkCsv(output: string): RedisBenchmarkFigures[] {
  const lines = output.split('\n').filter((line) => line.startsWith('"'));
  const [headerLine, ...tests] = lines;
  const header = headerLine?.split(',').map((cell) => cell.replaceAll('"', ''));
  if (header?.[0] !== 'test' || tests.length === 0) throw new Error(`redis-benchmark printed no CSV figures:\n${output.slice(-1_000)}`);
  const figures = header.length - 1;
  return tests.map((line) => {
    const cells = line.split(',');
    const values = cells.slice(-figures).map((cell) => Number(cell.replaceAll('"', '')));
    const column = (name: string) => {
      const value = values[header.indexOf(name) - 1];
      if (value === undefined || !Number.isFinite(value)) throw new Error(`redis-benchmark printed no ${name}:\n${line.slice(-500)}`);
      return value;
    };
    return {
      test: cells.slice(0, -figures).join(',').slice(1, -1),
      requestsPerSec: column('rps'),
      latencyMs: {
        avg: column('avg_latency_ms'),
        p50: column('p50_latency_ms'),
        p95: column('p95_latency_ms'),
        p99: column('p99_latency_ms'),
        max: column('max_latency_ms'),
      },
    };
  });
}

// Parsers for the output of Kafka's own tools (kafka-tools 4.1), pure so that real captured output
// can be replayed in unit tests. Each throws when the line it needs is missing: a tool that failed
// must not turn into a figure.

export interface ProducerFigures {
  readonly records: number;
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly latencyMs: {
    readonly avg: number;
    readonly max: number;
    readonly p50: number;
    readonly p95: number;
    readonly p99: number;
    readonly p99_9: number;
  };
}

export interface ConsumerFigures {
  readonly records: number;
  readonly mb: number;
  /** Over the whole run, the group join included. */
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  /** Over the fetching only (rebalance time excluded): what reading costs. */
  readonly fetchRecordsPerSec: number;
  readonly fetchMbPerSec: number;
  readonly rebalanceMs: number;
  readonly fetchMs: number;
}

export interface CopierProgress {
  readonly transactionalId: string;
  /** When it started copying (after initTransactions), ms since the epoch. */
  readonly startedAt: number;
  /** When its last transaction committed. */
  readonly endedAt: number;
  readonly copied: number;
  readonly transactions: number;
}

export interface LatencyFigures {
  readonly messages: number;
  readonly avgMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p99_9Ms: number;
}

const number = (text: string | undefined, what: string): number => {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value)) throw new Error(`no ${what} in the tool's output`);
  return value;
};

/** ProducerPerformance: its last line, the whole run's summary (the one with percentiles). */
export function parseProducerPerformance(output: string): ProducerFigures {
  const match = output.match(
    /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/m,
  );
  if (!match) throw new Error(`ProducerPerformance printed no summary:\n${output.slice(-1_000)}`);
  const [, records, rate, mb, avg, max, p50, p95, p99, p999] = match;
  return {
    records: number(records, 'record count'),
    recordsPerSec: number(rate, 'rate'),
    mbPerSec: number(mb, 'MB/s'),
    latencyMs: {
      avg: number(avg, 'average latency'),
      max: number(max, 'max latency'),
      p50: number(p50, 'p50'),
      p95: number(p95, 'p95'),
      p99: number(p99, 'p99'),
      p99_9: number(p999, 'p99.9'),
    },
  };
}

/** ConsumerPerformance: the header line names the columns of the line after it. */
export function parseConsumerPerformance(output: string): ConsumerFigures {
  const lines = output.split('\n').map((line) => line.trim());
  const headerAt = lines.findIndex((line) => line.startsWith('start.time,'));
  const header = lines[headerAt]?.split(/,\s*/);
  const values = lines[headerAt + 1]?.split(/,\s*/);
  if (headerAt < 0 || !header || !values || values.length !== header.length) {
    throw new Error(`ConsumerPerformance printed no figures:\n${output.slice(-1_000)}`);
  }
  const column = (name: string) => number(values[header.indexOf(name)], name);
  return {
    records: column('data.consumed.in.nMsg'),
    mb: column('data.consumed.in.MB'),
    recordsPerSec: column('nMsg.sec'),
    mbPerSec: column('MB.sec'),
    fetchRecordsPerSec: column('fetch.nMsg.sec'),
    fetchMbPerSec: column('fetch.MB.sec'),
    rebalanceMs: column('rebalance.time.ms'),
    fetchMs: column('fetch.time.ms'),
  };
}

/** ExactlyOnceCopy (infra/kafka/tools): one JSON line at its end, its times in ms since the epoch. */
export function parseExactlyOnceCopy(output: string): CopierProgress {
  const line = output.split('\n').find((text) => text.startsWith('{"transactionalId"'));
  if (!line) throw new Error(`the copy did not run to its end:\n${output.slice(-1_000)}`);
  const figures = JSON.parse(line) as Record<string, unknown>;
  const field = (name: string) => number(String(figures[name]), name);
  return {
    transactionalId: String(figures.transactionalId),
    startedAt: field('startedAt'),
    endedAt: field('endedAt'),
    copied: field('copied'),
    transactions: field('transactions'),
  };
}

/** Several copiers at once: their records over the span from the first start to the last end, on their own clocks. */
export function combineCopiers(copiers: readonly CopierProgress[]) {
  const copied = copiers.reduce((sum, copier) => sum + copier.copied, 0);
  const transactions = copiers.reduce((sum, copier) => sum + copier.transactions, 0);
  const seconds = (Math.max(...copiers.map((c) => c.endedAt)) - Math.min(...copiers.map((c) => c.startedAt))) / 1000;
  return {
    instances: copiers.length,
    copied,
    transactions,
    recordsPerTransaction: transactions === 0 ? 0 : Math.round(copied / transactions),
    seconds,
    recordsPerSec: Math.round(copied / seconds),
  };
}

/** EndToEndLatency: "Avg latency: … ms" and "Percentiles: 50th = …, 99th = …, 99.9th = …" (whole milliseconds). */
export function parseEndToEndLatency(output: string, messages: number): LatencyFigures {
  const avg = output.match(/^Avg latency: ([\d.]+) ms$/m)?.[1];
  const percentiles = output.match(/^Percentiles: 50th = (\d+), 99th = (\d+), 99\.9th = (\d+)$/m);
  if (!avg || !percentiles) throw new Error(`EndToEndLatency printed no figures:\n${output.slice(-1_000)}`);
  return {
    messages,
    avgMs: number(avg, 'average latency'),
    p50Ms: number(percentiles[1], 'p50'),
    p99Ms: number(percentiles[2], 'p99'),
    p99_9Ms: number(percentiles[3], 'p99.9'),
  };
}

// Each Ouro figure of the run as a fraction of the ceiling it is bounded by. Pure: the figures in,
// the comparisons out.
import type { Ceiling } from './ceiling.js';

export interface CeilingFraction {
  readonly figure: string;
  readonly ouro: number;
  readonly ceiling: string;
  readonly ceilingValue: number;
  readonly unit: string;
  /** For rates Ouro ÷ ceiling; for latencies floor ÷ Ouro. Either way 1 is the machine's limit. */
  readonly fraction: number;
}

interface OuroFigures {
  readonly commandApi: Readonly<Record<string, ReadonlyArray<{ readonly offeredRate: number | null; readonly throughput: number }>>>;
  readonly endToEnd: Readonly<
    Record<
      string,
      ReadonlyArray<{ readonly offeredRate: number | null; readonly e2e?: { readonly p50: number; readonly p99: number } | undefined }>
    >
  >;
  readonly catchUp: { readonly ordersPerSecond: number };
}

type CeilingFigures = Pick<Ceiling, 'kafka' | 'postgres' | 'redis'>;

const round = (value: number) => Math.round(value * 1000) / 1000;

/** The named ceilings a figure is compared with, each a rate per second. */
function rates(ceiling: CeilingFigures) {
  return {
    idempotent: { name: 'ProducerPerformance, idempotent', value: ceiling.kafka.producerIdempotent.recordsPerSec, unit: 'records/s' },
    copy: { name: 'ExactlyOnceCopy (exactly-once copy)', value: ceiling.kafka.exactlyOnceCopy.recordsPerSec, unit: 'records/s' },
    read: {
      name: 'ConsumerPerformance, read_committed (fetching)',
      value: ceiling.kafka.consumerReadCommitted.fetchRecordsPerSec,
      unit: 'records/s',
    },
    insert: { name: "pgbench, the processor's insert", value: ceiling.postgres.insert.rowsPerSec, unit: 'rows/s' },
    copyRows: { name: 'PostgreSQL COPY', value: ceiling.postgres.copy.rowsPerSec, unit: 'rows/s' },
    settle: { name: 'redis-benchmark, settle script', value: ceiling.redis.settle.requestsPerSec, unit: 'settles/s' },
  };
}

type Rate = ReturnType<typeof rates>[keyof ReturnType<typeof rates>];

/** The lowest of several ceilings, named after all of them: the step that bounds a path. */
function lowest(...candidates: readonly Rate[]): Rate {
  const [first, ...rest] = candidates;
  if (!first) throw new Error('no ceiling to compare with');
  const min = rest.reduce((low, rate) => (rate.value < low.value ? rate : low), first);
  return { ...min, name: `min(${candidates.map((rate) => rate.name).join('; ')}) = ${min.name}` };
}

export function ceilingFractions(ouro: OuroFigures, ceiling: CeilingFigures): CeilingFraction[] {
  const r = rates(ceiling);
  const saturation = (server: string) => ouro.commandApi[server]?.find((run) => run.offeredRate === null)?.throughput ?? Number.NaN;
  const rate = (figure: string, value: number, against: Rate): CeilingFraction => ({
    figure,
    ouro: value,
    ceiling: against.name,
    ceilingValue: against.value,
    unit: against.unit,
    fraction: round(value / against.value),
  });
  const catchUp = ouro.catchUp.ordersPerSecond;
  const latency = ceiling.kafka.endToEndLatency;
  return [
    rate('command API saturation, Ouro order-api alone (orders/s)', saturation('Ouro order-api alone'), r.idempotent),
    rate(
      'command API saturation, Ouro order-api + processor (orders/s)',
      saturation('Ouro order-api + processor'),
      lowest(r.idempotent, r.copy, r.insert),
    ),
    rate('processor catch-up (orders/s)', catchUp, lowest(r.insert, r.copy)),
    rate('processor catch-up (orders/s)', catchUp, r.copy),
    rate('processor catch-up (orders/s)', catchUp, r.insert),
    rate('processor catch-up (orders/s)', catchUp, r.read),
    rate('processor catch-up (orders/s)', catchUp, r.settle),
    rate('processor catch-up (orders/s)', catchUp, r.copyRows),
    ...(ouro.endToEnd['Ouro order-api + processor'] ?? []).flatMap((run) => {
      const floor = (percentile: 'p50' | 'p99', ceilingName: string, ceilingValue: number): CeilingFraction => {
        const ouroMs = run.e2e?.[percentile] ?? Number.NaN;
        return {
          figure: `end to end ${percentile} at ${run.offeredRate}/s (ms)`,
          ouro: ouroMs,
          ceiling: `EndToEndLatency ${ceilingName} (one record at a time, acks=all, read_committed)`,
          ceilingValue,
          unit: 'ms',
          fraction: round(ceilingValue / ouroMs),
        };
      };
      // The tool prints whole milliseconds: a p99 of 0 would be no floor at all.
      return [floor('p50', 'average', latency.avgMs), floor('p99', 'p99', Math.max(latency.p99Ms, latency.avgMs))];
    }),
  ];
}

// The "Ceiling" section of the report: what the machine does with the stack's own tools, each Ouro
// figure as a fraction of it, and where the CPU went in every measured phase.
import type { Ceiling } from '../ceiling/ceiling.js';
import type { PhaseCpu } from '../ceiling/cpu.js';
import type { CeilingFraction } from '../ceiling/fractions.js';

export interface CeilingResults {
  readonly ceiling?: (Ceiling & { readonly fractions: readonly CeilingFraction[] }) | undefined;
  /** Why the ceiling phase gave no figures, when it failed. */
  readonly ceilingError?: string | undefined;
  readonly cpu?: readonly PhaseCpu[] | undefined;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** pgbench's latency of the script's command that starts with `keyword`. */
const statementMs = (postgres: Ceiling['postgres'], keyword: string) =>
  postgres.insert.statements.find((statement) => statement.command.startsWith(keyword))?.latencyMs ?? Number.NaN;

function ceilingTable(ceiling: Ceiling): string[] {
  const { kafka, postgres, redis } = ceiling;
  const p = kafka.producerIdempotent;
  const t = kafka.producerTransactional;
  const c = kafka.consumerReadCommitted;
  const copy = kafka.exactlyOnceCopy;
  const e2e = kafka.endToEndLatency;
  const rows: Array<[string, string, string]> = [
    [
      `Kafka ProducerPerformance, acks=all, idempotent, ${p.recordBytes} B records`,
      `${p.recordsPerSec} records/s (${p.mbPerSec} MB/s)`,
      `latency p50 ${p.latencyMs.p50} ms, p99 ${p.latencyMs.p99} ms, p99.9 ${p.latencyMs.p99_9} ms; ${p.records.toLocaleString('en')} records`,
    ],
    [
      `Kafka ProducerPerformance, transactional, ${t.recordBytes} B records`,
      `${t.recordsPerSec} records/s (${t.mbPerSec} MB/s)`,
      `${t.transactionDurationMs} ms transactions, ≥ ${t.recordsPerTransaction} records each; p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms`,
    ],
    [
      'Kafka ConsumerPerformance, read_committed (the transactional records)',
      `${c.fetchRecordsPerSec} records/s (${c.fetchMbPerSec} MB/s) fetching`,
      `${c.recordsPerSec} records/s over the whole run, group join (${c.rebalanceMs} ms) included`,
    ],
    [
      `Kafka exactly-once copy (ExactlyOnceCopy: read_committed, write, offsets in one transaction) × ${copy.instances} (one per partition group), ${copy.recordBytes} B records`,
      `${copy.recordsPerSec} records/s`,
      `${copy.copied.toLocaleString('en')} records in ${copy.transactions} transactions (${copy.recordsPerTransaction} each, at most ${copy.transactionSize} of each partition), ${copy.seconds} s on the copiers' clocks`,
    ],
    [
      `Kafka EndToEndLatency, acks=all, read_committed, ${e2e.recordBytes} B, one record at a time`,
      `average ${e2e.avgMs} ms`,
      `p50 ${e2e.p50Ms} ms, p99 ${e2e.p99Ms} ms, p99.9 ${e2e.p99_9Ms} ms (whole milliseconds, as the tool prints them); ${e2e.messages} records`,
    ],
    [
      `PostgreSQL, the processor's insert (pgbench, ${postgres.insert.rowsPerStatement} rows per statement, ${postgres.insert.clients} clients), ${postgres.insert.rowBytes} B rows`,
      `${postgres.insert.rowsPerSec} rows/s`,
      `${postgres.insert.tps.toFixed(1)} statements/s; per transaction ${postgres.insert.latencyAvgMs} ms, of which the insert ${statementMs(postgres, 'insert')} ms and generating fresh ids ${statementMs(postgres, 'select')} ms`,
    ],
    [
      'PostgreSQL COPY of the same rows (psql `\\copy`)',
      `${postgres.copy.rowsPerSec} rows/s`,
      `${postgres.copy.rows.toLocaleString('en')} rows in ${postgres.copy.ms} ms`,
    ],
    [
      `Redis, the cache's settle script (redis-benchmark EVALSHA, pipelines of ${redis.settle.pipeline}, ${redis.settle.clients} clients), ${redis.settle.valueBytes} B values`,
      `${redis.settle.requestsPerSec} settles/s`,
      `per pipelined request p50 ${redis.settle.latencyMs.p50} ms, p99 ${redis.settle.latencyMs.p99} ms`,
    ],
  ];
  return ['| ceiling | figure | detail |', '|---|---|---|', ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

function cpuTable(phases: readonly PhaseCpu[]): string[] {
  const names = [...new Set(phases.flatMap((phase) => phase.processes.map((process) => process.name)))];
  const lines = [
    `| phase | wall s | orders | ${names.join(' | ')} | other | all listed | machine busy | verdict |`,
    `|---|---|---|${names.map(() => '---|').join('')}---|---|---|---|`,
  ];
  for (const phase of phases) {
    // A phase that moved no orders (the console idle) has no per-order figure: its row says so.
    const none = phase.orders === 0;
    const cells = names.map((name) => (none ? '—' : (phase.processes.find((process) => process.name === name)?.perThousandOrders ?? '')));
    const other = Math.max(0, phase.machineCpuSec - phase.listedCpuSec);
    const perThousand = (seconds: number) => (none ? '—' : Math.round((seconds / phase.orders) * 1000 * 1000) / 1000);
    lines.push(
      `| ${phase.phase} | ${phase.wallSec} | ${phase.orders.toLocaleString('en')} | ${cells.join(' | ')} | ${perThousand(other)} | ${perThousand(phase.listedCpuSec)} | ${phase.machineCpuSec} of ${phase.capacitySec} CPU s (${percent(phase.busyShare)}) | ${phase.verdict === 'CPU-bound' ? '**CPU-bound**' : 'waiting'} |`,
    );
  }
  return lines;
}

export function renderCeiling(results: CeilingResults): string[] {
  const { ceiling, ceilingError, cpu } = results;
  if (!ceiling && !ceilingError && !cpu?.length) return [];
  const lines: string[] = ['', '## Ceiling: what this machine does with the stack’s own tools', ''];
  if (ceilingError) {
    lines.push('**The ceiling phase failed**, so no Ouro figure of this run has a fraction:', '', '```', ceilingError, '```');
  }
  if (ceiling) {
    const { command, event, rowBytes } = ceiling.sizes;
    lines.push(
      `Measured in the same run, on the same stack, after Ouro's phases (${ceiling.seconds} s; Kafka's tools ${ceiling.kafkaToolsVersion}). Records of Ouro's sizes, read back from this run: an \`OrderCreationRequested\` is ${command.recordBytes} B (key ${command.keyBytes}, Avro value ${command.valueBytes}, headers ${command.headerBytes}), an \`OrderCreated\` ${event.recordBytes} B (key ${event.keyBytes}, value ${event.valueBytes}, headers ${event.headerBytes}), a stored row ${rowBytes} B (\`pg_column_size\`). The tools take the processor's shape: chunks of ${ceiling.chunk.size}, ${ceiling.chunk.concurrency} transactions in flight (one per partition group).`,
      '',
      ...ceilingTable(ceiling),
      '',
      '### Ouro as a fraction of its ceiling',
      '',
      'For a rate, Ouro ÷ the ceiling; for a latency, the floor ÷ Ouro. 1 would be all the machine allows.',
      '',
      '| Ouro figure | Ouro | ceiling | ceiling figure | fraction |',
      '|---|---|---|---|---|',
      ...ceiling.fractions.map(
        (row) =>
          `| ${row.figure} | ${row.ouro} | ${row.ceiling} | ${row.ceilingValue} ${row.unit} | **${percent(row.fraction)}**${row.fraction > 1 ? ' (Ouro went past it: that tool, as run here, bounds nothing)' : ''} |`,
      ),
    );
  }
  if (cpu?.length) {
    lines.push(
      '',
      '### CPU seconds per 1,000 orders, per process',
      '',
      'From `/proc/<pid>/stat` (utime + stime, and the children each process reaped) before and after each phase; "other" is everything else the machine ran (`/proc/stat`), other users of the stack included. A phase is **CPU-bound** when the machine was busy ≥ 90% of cores × wall time, otherwise it was waiting. In a ceiling phase, "orders" are the records, rows or settles the tool moved.',
      '',
      ...cpuTable(cpu),
    );
  }
  if (ceiling) {
    lines.push(
      '',
      '### Ceiling commands',
      '',
      '```sh',
      ...[...ceiling.kafka.commands, ...ceiling.postgres.commands, ...ceiling.redis.commands],
      '```',
    );
  }
  return lines;
}

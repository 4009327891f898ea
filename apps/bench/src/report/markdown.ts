import type { LoadResult } from '../processes.js';
import { type TransactionProfile, transactionPhases } from '../processor/phases.js';
import type { ConsoleCost } from '../scenarios/console.js';
import { type CeilingResults, renderCeiling } from './ceiling-markdown.js';

interface ProfileSummary {
  readonly busySamples: number;
  readonly idleShare: number;
  readonly byOwner: ReadonlyArray<{ name: string; share: number }>;
  readonly byFunction: ReadonlyArray<{ name: string; share: number }>;
}

interface Results extends CeilingResults {
  readonly date: string;
  readonly mode: string;
  readonly command: string;
  readonly commit: string;
  readonly machine: { cpus: number; cpuModel?: string | undefined; memoryGb: number; node: string };
  readonly commandApi: Record<string, LoadResult[]>;
  readonly endToEnd: Record<string, LoadResult[]>;
  readonly catchUp: { orders: number; seconds: number; ordersPerSecond: number; peakRssMb: number };
  /** The same backlog drained by several processor processes (one partition group each). */
  readonly catchUpMembers?: { orders: number; members: number; seconds: number; ordersPerSecond: number; peakRssMb: number } | undefined;
  readonly memory: Record<string, number>;
  readonly cdc?: CdcSummary | undefined;
  readonly console?: ConsoleCost | undefined;
  readonly transactions?: Record<string, TransactionProfile | undefined> | undefined;
  readonly profile?: Record<string, ProfileSummary> | undefined;
}

/** What only the CDC baseline has: its relay's catch-up and the Connect worker's memory. */
interface CdcSummary {
  readonly catchUp: { events: number; seconds: number; eventsPerSecond: number; walHeldMb: number };
  readonly connect: { peakRssMbUnderLoad: number; peakRssMb: number; heap: string };
  readonly serverPeakRssMb: number;
}

const saturationOf = (runs: readonly LoadResult[] | undefined) => runs?.find((run) => run.offeredRate === null);

/** The rate both end-to-end series were measured at, the highest such: where the two p99s compare. */
function sharedE2eRate(ouro: readonly LoadResult[], outbox: readonly LoadResult[]): number | undefined {
  const rates = new Set(outbox.map((run) => run.offeredRate));
  return ouro
    .map((run) => run.offeredRate)
    .filter((rate): rate is number => rate !== null && rates.has(rate))
    .sort((a, b) => b - a)[0];
}

/** Each target with its measured value and whether it is met (ratios within this one run). */
export function evaluateTargets(results: Results) {
  const sat = (server: string) => saturationOf(results.commandApi[server])?.throughput ?? Number.NaN;
  const [ouroSat, bareSat, dualSat, whole] = [
    sat('Ouro order-api alone'),
    sat('bare Fastify'),
    sat('naive dual write'),
    sat('Ouro order-api + processor'),
  ];
  const ouroE2e = results.endToEnd['Ouro order-api + processor'] ?? [];
  const outboxE2e = results.endToEnd['polling outbox'] ?? [];
  const e2eP99 = (runs: readonly LoadResult[], rate: number | undefined) =>
    runs.find((run) => run.offeredRate === rate)?.e2e?.p99 ?? Number.NaN;
  const e2eAt1000 = e2eP99(ouroE2e, 1_000);
  const shared = sharedE2eRate(ouroE2e, outboxE2e);
  const [ouroShared, outboxShared] = [e2eP99(ouroE2e, shared), e2eP99(outboxE2e, shared)];
  const catchUp = results.catchUp.ordersPerSecond;
  const members = results.catchUpMembers;
  // The first catch-up fraction is against the lowest of the PostgreSQL insert and the exactly-once copy.
  const ceilingShare = results.ceiling?.fractions.find((fraction) => fraction.figure.startsWith('processor catch-up'));
  const rss = Math.max(...Object.values(results.memory));
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  return [
    { target: 'end to end p99 ≤ 100 ms at 1,000 orders/s', measured: `${e2eAt1000} ms`, met: e2eAt1000 <= 100 },
    {
      target: "end to end p99 ≤ ¼ of the polling outbox's, at the same offered rate",
      measured:
        shared === undefined
          ? 'no rate measured for both'
          : `${ratio(ouroShared, outboxShared)}× (${ouroShared} vs ${outboxShared} ms at ${shared}/s)`,
      met: ouroShared <= outboxShared / 4,
    },
    {
      target: 'whole system (order-api + processor on the same cores) saturates ≥ the naive dual write',
      measured: `${ratio(whole, dualSat)}× (${whole} vs ${dualSat} orders/s)`,
      met: whole >= dualSat,
    },
    {
      target: 'processor catch-up ≥ 12,000 orders/s',
      measured: `${catchUp} orders/s (one processor)${members ? `; ${members.members} processors: ${members.ordersPerSecond} orders/s` : ''}`,
      met: catchUp >= 12_000,
    },
    {
      target: 'processor catch-up ≥ 70% of the ceiling (the lower of the PostgreSQL insert and the exactly-once copy)',
      measured: ceilingShare
        ? `${percent(ceilingShare.fraction)} (${catchUp} vs ${ceilingShare.ceilingValue} ${ceilingShare.unit}, ${ceilingShare.ceiling})`
        : 'no ceiling measured',
      met: ceilingShare !== undefined && ceilingShare.fraction >= 0.7,
    },
    {
      target: 'order-api alone ≥ 0.6× bare Fastify',
      measured: `${ratio(ouroSat, bareSat)}× (${ouroSat} vs ${bareSat} orders/s)`,
      met: ouroSat >= 0.6 * bareSat,
    },
    { target: 'peak RSS ≤ 200 MB per app process, catch-up included', measured: `${rss} MB (largest)`, met: rss <= 200 },
  ];
}

export function cdcLines({ catchUp, connect, serverPeakRssMb }: CdcSummary): string[] {
  return [
    '## Change data capture: the relay and its JVM',
    '',
    `- Backlog of ${catchUp.events.toLocaleString('en')} outbox rows, written while the connector was stopped (its slot then held ${catchUp.walHeldMb} MB of WAL), published in ${catchUp.seconds} s from its resumption (its task's start included): **${catchUp.eventsPerSecond} events/s**.`,
    `- Peak RSS (VmHWM) of the Kafka Connect worker (one JVM, \`-Xmx${connect.heap}\`): ${connect.peakRssMbUnderLoad} MB after the load, ${connect.peakRssMb} MB after the catch-up.`,
    `- Peak RSS (VmHWM) of the CDC server (Node): ${serverPeakRssMb} MB.`,
  ];
}

export function transactionLines(profiles: Readonly<Record<string, TransactionProfile | undefined>>): string[] {
  const rows = Object.entries(profiles).filter((entry): entry is [string, TransactionProfile] => entry[1] !== undefined);
  if (rows.length === 0) return [];
  return [
    "## Where the processor's transactions spend their time",
    '',
    "From order-processor's own metrics (`ouro_processor_transaction_phase_seconds`), read before and after each phase: the mean of each phase of a committed transaction, in ms. In the order they run: *waiting* from a chunk's arrival to its last attempt (the group busy with the transaction before), *verify* (fencing, 0 unless the attempt verified), *build* (decoding, PostgreSQL, encoding), *send* (AddPartitionsToTxn, Produce), *offsets* (AddOffsetsToTxn, TxnOffsetCommit), *commit* (EndTxn). The last column is the mean time from an order's acceptance (stamped by order-api before it writes the command) to the commit of the transaction that announced it (`ouro_order_freshness_seconds`); the end-to-end figures start later (at the 202, once the command is in Kafka) and end later (once a read_committed consumer has read the event).",
    '',
    `| phase of the run | transactions | orders per transaction | ${transactionPhases.join(' | ')} | accepted → committed, mean |`,
    `|---|---|---|${transactionPhases.map(() => '---|').join('')}---|`,
    ...rows.map(
      ([name, profile]) =>
        `| ${name} | ${profile.transactions} | ${profile.ordersPerTransaction} | ${transactionPhases.map((phase) => profile.meanMs[phase]).join(' | ')} | ${profile.acceptedToCommittedMs} |`,
    ),
  ];
}

export function consoleLines({ phases, peakRssMb }: ConsoleCost): string[] {
  return [
    "## The console's own cost",
    '',
    "The console process alone (its server, its watchers of the live deployment, its load generator's client, one page's stream read to the end); the order-api and order-processor it deploys are processes of their own, in the CPU table below.",
    '',
    '| phase | orders | CPU (share of one core) | RSS MB | stream events/s | stream kB/s | followed step by step |',
    '|---|---|---|---|---|---|---|',
    ...phases.map(
      (phase) =>
        `| ${phase.label} | ${phase.orders} | ${Math.round(phase.cpuShareOfCore * 1000) / 10}% | ${phase.rssMb} | ${phase.streamEventsPerSecond} | ${phase.streamKbPerSecond} | ${phase.sampleEvery === 1 ? 'every order' : `1 in ${phase.sampleEvery}`} |`,
    ),
    '',
    `Peak RSS (VmHWM) of the console process: ${peakRssMb} MB.`,
  ];
}

export function renderMarkdown(results: Results, charts: readonly string[]): string {
  const lines: string[] = [];
  lines.push(`# Benchmark ${results.date} (${results.mode})`, '');
  lines.push(
    `Command: \`${results.command}\` at commit \`${results.commit}\`, on ${results.machine.cpus} × ${results.machine.cpuModel ?? 'CPU'}, ${results.machine.memoryGb} GiB, Node ${results.machine.node}. The stack, the apps, the baselines and the load generator share the machine.`,
    '',
  );
  lines.push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const row of evaluateTargets(results)) lines.push(`| ${row.target} | ${row.measured} | ${row.met ? 'yes' : '**no**'} |`);
  lines.push(
    '',
    '## Command API: `POST /orders`',
    '',
    '| server | offered (orders/s) | accepted (orders/s) | p50 ms | p99 ms | p99.9 ms | non-2xx | errors |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const [server, runs] of Object.entries(results.commandApi)) {
    for (const run of runs) {
      lines.push(
        `| ${server} | ${run.offeredRate ?? 'saturation'} | ${run.throughput} | ${run.latencyMs.p50} | ${run.latencyMs.p99} | ${run.latencyMs.p99_9} | ${run.non2xx} | ${run.errors} |`,
      );
    }
  }
  lines.push(
    '',
    '## End to end: from the 202 to the event visible to a read_committed consumer',
    '',
    '| path | offered (orders/s) | orders | never seen | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const [server, runs] of Object.entries(results.endToEnd)) {
    for (const run of runs) {
      const e = run.e2e;
      lines.push(
        `| ${server} | ${run.offeredRate} | ${e?.orders} | ${e?.neverSeen} | ${e?.p50} | ${e?.p90} | ${e?.p99} | ${e?.p99_9} | ${e?.max} |`,
      );
    }
  }
  lines.push('', '## Processor catch-up and memory', '');
  lines.push(
    `- Backlog of ${results.catchUp.orders.toLocaleString('en')} commands drained in ${results.catchUp.seconds} s: **${results.catchUp.ordersPerSecond} orders/s**.`,
  );
  const members = results.catchUpMembers;
  if (members)
    lines.push(
      `- The same backlog, drained by ${members.members} processor processes (one partition group each; ${members.orders.toLocaleString('en')} commands still uncommitted once their group was stable) in ${members.seconds} s: **${members.ordersPerSecond} orders/s**.`,
    );
  for (const [process, mb] of Object.entries(results.memory)) lines.push(`- Peak RSS (VmHWM) ${process}: ${mb} MB`);
  const transactions = transactionLines(results.transactions ?? {});
  if (transactions.length > 0) lines.push('', ...transactions);
  if (results.cdc) lines.push('', ...cdcLines(results.cdc));
  if (results.console) lines.push('', ...consoleLines(results.console));
  for (const [name, profile] of Object.entries(results.profile ?? {})) {
    lines.push(
      '',
      `## CPU profile: ${name}`,
      '',
      `Idle ${profile.idleShare}% of samples; the shares below are of the ${profile.busySamples} busy samples (self time).`,
      '',
    );
    lines.push('| where | share |', '|---|---|');
    for (const row of profile.byOwner) lines.push(`| ${row.name} | ${row.share}% |`);
    lines.push('', '| function | share |', '|---|---|');
    for (const row of profile.byFunction) lines.push(`| \`${row.name}\` | ${row.share}% |`);
  }
  lines.push(...renderCeiling(results));
  lines.push('', '## Charts', '');
  for (const chart of charts) lines.push(`![${chart}](${chart})`, '');
  return `${lines.join('\n')}\n`;
}

import type { LoadResult } from '../processes.js';
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
  readonly memory: Record<string, number>;
  readonly cdc?: CdcSummary | undefined;
  readonly profile?: Record<string, ProfileSummary> | undefined;
}

/** What only the CDC baseline has: its relay's catch-up and the Connect worker's memory. */
interface CdcSummary {
  readonly catchUp: { events: number; seconds: number; eventsPerSecond: number; walHeldMb: number };
  readonly connect: { peakRssMbUnderLoad: number; peakRssMb: number; heap: string };
  readonly serverPeakRssMb: number;
}

const saturationOf = (runs: readonly LoadResult[] | undefined) => runs?.find((run) => run.offeredRate === null);

/** Each target with its measured value and whether it is met. */
export function evaluateTargets(results: Results) {
  const ouro = results.commandApi['Ouro order-api alone'];
  const whole = saturationOf(results.commandApi['Ouro order-api + processor'])?.throughput ?? Number.NaN;
  const ouroSat = saturationOf(ouro)?.throughput ?? Number.NaN;
  const bareSat = saturationOf(results.commandApi['bare Fastify'])?.throughput ?? Number.NaN;
  const dualSat = saturationOf(results.commandApi['naive dual write'])?.throughput ?? Number.NaN;
  const half = ouro
    ?.filter((run) => run.offeredRate !== null)
    .sort((a, b) => Math.abs((a.offeredRate ?? 0) - ouroSat / 2) - Math.abs((b.offeredRate ?? 0) - ouroSat / 2))[0];
  const e2eAt1000 = results.endToEnd['Ouro order-api + processor']?.find((run) => run.offeredRate === 1_000)?.e2e?.p99 ?? Number.NaN;
  const rss = Math.max(...Object.values(results.memory));
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  return [
    {
      target: 'command API throughput ≥ 50% of bare Fastify',
      measured: `${ratio(ouroSat, bareSat) * 100}% (${ouroSat} vs ${bareSat} orders/s)`,
      met: ouroSat >= bareSat / 2,
    },
    {
      target: 'command API throughput ≥ 2× the naive dual write',
      measured: `${ratio(ouroSat, dualSat)}× alone (${ouroSat} vs ${dualSat} orders/s); ${ratio(whole, dualSat)}× with the processor on the same cores (${whole})`,
      met: ouroSat >= 2 * dualSat,
    },
    {
      target: 'command API p99 ≤ 25 ms at 50% of its saturation',
      measured: `${half?.latencyMs.p99} ms at ${half?.offeredRate}/s offered`,
      met: (half?.latencyMs.p99 ?? Number.POSITIVE_INFINITY) <= 25,
    },
    { target: 'end to end p99 ≤ 50 ms at 1,000 orders/s', measured: `${e2eAt1000} ms`, met: e2eAt1000 <= 50 },
    {
      target: 'processor catch-up ≥ 20,000 orders/s',
      measured: `${results.catchUp.ordersPerSecond} orders/s`,
      met: results.catchUp.ordersPerSecond >= 20_000,
    },
    { target: 'peak RSS ≤ 200 MB per app process', measured: `${rss} MB (largest)`, met: rss <= 200 },
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
  for (const [process, mb] of Object.entries(results.memory)) lines.push(`- Peak RSS (VmHWM) ${process}: ${mb} MB`);
  if (results.cdc) lines.push('', ...cdcLines(results.cdc));
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

// The measured half of docs/PATTERNS.md: the four approaches side by side, from one benchmark run
// and the fault runs that cover them. Rendered from their JSON files, so a new run replaces every
// figure at once and names itself as the source.
import type { LoadResult } from '../processes.js';

/** What the table reads from a benchmark run's JSON (`docs/performance/results/<date>.json`). */
export interface BenchRun {
  readonly date: string;
  readonly command: string;
  readonly commit: string;
  readonly plan: { readonly fixedShares: readonly number[] };
  readonly commandApi: Readonly<Record<string, readonly LoadResult[]>>;
  readonly endToEnd: Readonly<Record<string, readonly LoadResult[]>>;
  readonly catchUp: { readonly ordersPerSecond: number };
  readonly memory: Readonly<Record<string, number>>;
  readonly cdc?: {
    readonly catchUp: { readonly eventsPerSecond: number; readonly walHeldMb: number };
    readonly connect: { readonly peakRssMb: number; readonly heap: string };
    readonly serverPeakRssMb: number;
  };
}

interface FaultResult {
  readonly scenario: string;
  readonly accepted: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly ok: boolean;
}

/** What the table reads from a fault run's JSON (`npm run chaos` writes one per run). */
export interface ChaosRun {
  readonly command: string;
  readonly commit?: string;
  readonly startedAt: string;
  readonly results?: readonly FaultResult[];
  readonly cdc?: readonly (FaultResult & { readonly duplicateRecords: number; readonly topology: string })[];
}

export const servers = {
  naive: 'naive dual write',
  outbox: 'polling outbox',
  cdc: 'CDC outbox (Debezium)',
  ouroAlone: 'Ouro order-api alone',
  ouro: 'Ouro order-api + processor',
} as const;

export const figuresStart = '<!-- figures: start (npx tsx apps/bench/src/patterns.ts --write) -->';
export const figuresEnd = '<!-- figures: end -->';

const saturation = (runs: readonly LoadResult[] | undefined) => runs?.find((run) => run.offeredRate === null);

/**
 * The fixed-rate run at the lowest share of order-api's saturation. The rates are offered open loop:
 * a higher share is above what most of the designs sustain, and their latency there is the queue
 * growing in front of them, not the design's.
 */
function atLowestShare(bench: BenchRun, name: string): LoadResult | undefined {
  const shares = bench.plan.fixedShares;
  return bench.commandApi[name]?.[shares.indexOf(Math.min(...shares))];
}

const latency = (run: LoadResult | undefined) =>
  run ? `${run.latencyMs.p50} / ${run.latencyMs.p99} ms at ${run.offeredRate}/s` : 'not measured';

/** End to end at the lowest rate every path was measured at. */
function endToEnd(bench: BenchRun, name: string, rate: number | undefined): string {
  const run = bench.endToEnd[name]?.find((result) => result.offeredRate === rate);
  return run?.e2e ? `${run.e2e.p50} / ${run.e2e.p99} ms (never seen: ${run.e2e.neverSeen})` : 'not measured';
}

function faults(results: readonly FaultResult[], extraRecords?: number): string {
  if (results.length === 0) return 'not faulted';
  const sum = (pick: (result: FaultResult) => number) => results.reduce((total, result) => total + pick(result), 0);
  const failed = results.filter((result) => !result.ok).length;
  const duplicates = `duplicated ${sum((r) => r.duplicated)}${extraRecords === undefined ? '' : ` (${extraRecords} extra records)`}`;
  const verdict = failed > 0 ? `, **${failed} failed**` : '';
  return `${results.length} scenario${results.length > 1 ? 's' : ''}, ${sum((r) => r.accepted).toLocaleString('en')} orders: lost ${sum((r) => r.lost)}, ${duplicates}${verdict}`;
}

/** The measured comparison as a Markdown table, then the runs it comes from. */
export function renderPatternFigures(bench: BenchRun, chaos: readonly ChaosRun[]): string {
  const ouroFaults = chaos.flatMap((run) => run.results ?? []);
  const cdcFaults = chaos.flatMap((run) => run.cdc ?? []);
  const cdcBy = (exactlyOnce: boolean) => cdcFaults.filter((result) => result.topology.includes('exactly-once') === exactlyOnce);
  const cdcFaultCell = [false, true]
    .map((exactlyOnce) => {
      const results = cdcBy(exactlyOnce);
      if (results.length === 0) return undefined;
      const extra = results.reduce((total, result) => total + result.duplicateRecords, 0);
      return `${exactlyOnce ? 'exactly once' : 'at least once'}: ${faults(results, extra)}`;
    })
    .filter((cell) => cell !== undefined)
    .join('; ');
  const rate = (name: string) => saturation(bench.commandApi[name])?.throughput ?? 'not measured';
  const e2eRate = Math.min(
    ...[servers.outbox, servers.cdc, servers.ouro].flatMap((name) =>
      (bench.endToEnd[name] ?? []).map((run) => run.offeredRate ?? Infinity),
    ),
  );
  const cdc = bench.cdc;
  const rows: string[][] = [
    [
      'command API at saturation (orders/s)',
      String(rate(servers.naive)),
      String(rate(servers.outbox)),
      String(rate(servers.cdc)),
      `${rate(servers.ouroAlone)} (order-api alone), ${rate(servers.ouro)} (with its processor on the same cores)`,
    ],
    [
      'command API p50 / p99 at the lowest fixed offered rate',
      latency(atLowestShare(bench, servers.naive)),
      latency(atLowestShare(bench, servers.outbox)),
      latency(atLowestShare(bench, servers.cdc)),
      latency(atLowestShare(bench, servers.ouro)),
    ],
    [
      `end to end (202 → event read, read_committed) p50 / p99 at ${e2eRate}/s`,
      'none: the event is sent before the 202',
      endToEnd(bench, servers.outbox, e2eRate),
      endToEnd(bench, servers.cdc, e2eRate),
      endToEnd(bench, servers.ouro, e2eRate),
    ],
    [
      'catch-up of a backlog (events/s)',
      'none: nothing is relayed',
      'not measured',
      cdc ? `${cdc.catchUp.eventsPerSecond} (the stopped connector's slot held ${cdc.catchUp.walHeldMb} MB of WAL)` : 'not measured',
      `${bench.catchUp.ordersPerSecond} (a fresh processor)`,
    ],
    [
      'peak RSS of its own processes',
      'not measured',
      'not measured',
      cdc ? `server ${cdc.serverPeakRssMb} MB + Connect JVM ${cdc.connect.peakRssMb} MB (\`-Xmx${cdc.connect.heap}\`)` : 'not measured',
      `order-api ${bench.memory['order-api'] ?? '?'} MB + order-processor ${bench.memory['order-processor (catch-up)'] ?? bench.memory['order-processor'] ?? '?'} MB`,
    ],
    ['under faults (`npm run chaos`)', 'not faulted', 'not faulted', cdcFaultCell || 'not faulted', faults(ouroFaults)],
  ];
  const table = [
    `| measured | ${servers.naive} | ${servers.outbox} | CDC outbox (Debezium) | listen to yourself (Ouro) |`,
    '| --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const sources = [
    `- Benchmark: \`${bench.command}\` at commit \`${bench.commit}\`, ${bench.date}.`,
    ...chaos.map(
      (run) =>
        `- Faults: \`${run.command}\` ${run.commit ? `at commit \`${run.commit}\`` : '(its file records no commit)'}, started ${run.startedAt}.`,
    ),
  ];
  return [...table, '', 'Sources:', '', ...sources].join('\n');
}

/** `document` with its figures section replaced by `figures`; it must have both markers. */
export function replaceFigures(document: string, figures: string): string {
  const start = document.indexOf(figuresStart);
  const end = document.indexOf(figuresEnd);
  if (start < 0 || end < start) throw new Error(`the document has no ${figuresStart} … ${figuresEnd} section`);
  return `${document.slice(0, start + figuresStart.length)}\n\n${figures}\n\n${document.slice(end)}`;
}

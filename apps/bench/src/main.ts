// `npm run bench [-- --quick] [-- --profile]`: brings up the stack, runs Ouro's order path and four
// baselines side by side in one run, and writes docs/performance/results/<date>.{json,md} and charts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { listening, type RunningApp, sourceVersion, startApp, startScript } from '@ouro/app-runner';
import { baselineServers } from '@ouro/baselines';
import { loadConnections, loadProcessorConfig } from '@ouro/config';
import { loadStackConfig, stackUp } from '@ouro/infra';
import { waitForGroupToCatchUp } from '@ouro/messaging';
import { provision, provisionNamespace } from '@ouro/provisioning';
import { benchProcessGroups, CpuMeter, ceilingFractions, measureCeiling, processes } from './ceiling/index.js';
import { type LoadResult, peakRssMb, runLoad } from './processes.js';
import { readMetrics, type TransactionProfile, transactionProfile } from './processor/phases.js';
import { renderCharts } from './report/charts.js';
import { renderMarkdown } from './report/markdown.js';
import { summariseProfile } from './report/profile.js';
import { catchUp } from './scenarios/catch-up.js';
import { cdcServerName, measureCdc } from './scenarios/cdc.js';
import { measureConsole } from './scenarios/console.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean' }, profile: { type: 'boolean' } } });
const quick = values.quick ?? false;
const root = resolve(import.meta.dirname, '../../..');
const started = Date.now();
const say = (text: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${text}`);

const plan = quick
  ? {
      saturationSec: 5,
      fixedSec: 5,
      fixedShares: [0.5],
      e2eRates: [500, 1_000],
      e2eSec: 6,
      outboxE2eRates: [500],
      backlog: 20_000,
      connections: 32,
      consoleRates: [50],
      consoleSec: 5,
    }
  : {
      saturationSec: 15,
      fixedSec: 10,
      fixedShares: [0.25, 0.5, 0.75],
      e2eRates: [500, 1_000, 2_000],
      e2eSec: 15,
      outboxE2eRates: [500, 1_000],
      backlog: 100_000,
      connections: 64,
      consoleRates: [50, 200],
      consoleSec: 15,
    };

// The commit the measured code came from, read before anything runs; a dirty tree is said so.
const commit = sourceVersion(root);
say(`Ouro benchmark (${quick ? 'quick' : 'full'}) at ${commit}`);
await stackUp(loadStackConfig());
await provision();
// Ouro's apps run from their esbuild bundles on plain Node, as production runs them (the baselines
// through tsx, which only transforms at load).
execFileSync(join(root, 'node_modules/.bin/turbo'), ['run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit' });
const connections = loadConnections();
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
// Two deployments of Ouro: one whose commands queue up unprocessed (order-api alone, as when the
// processor runs elsewhere), one with its processor on the same cores (the whole system).
const ouroAlone = await provisionNamespace(`bench-alone-${stamp}`, { partitions: 6 });
const ouro = await provisionNamespace(`bench-${stamp}`, { partitions: 6 });
const dual = await provisionNamespace(`bench-dual-${stamp}`, { partitions: 6 });
const outbox = await provisionNamespace(`bench-outbox-${stamp}`, { partitions: 6 });

const profileDir = join(root, '.stack/profiles', stamp);
say('starting order-api, order-processor and the baselines');
const quiet = { API_REQUEST_LOGGING: 'false' };
const servers: Record<string, RunningApp> = {
  'bare Fastify': await startScript('bare', baselineServers['bare-fastify'], {}, listening),
  'Ouro order-api alone': await startApp(
    'order-api',
    { ...ouroAlone.env, ...quiet },
    { bundle: true, ...(values.profile ? { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}) },
  ),
  'Ouro order-api + processor': await startApp('order-api', { ...ouro.env, ...quiet }, { bundle: true }),
  'naive dual write': await startScript('dual-write', baselineServers['dual-write'], { BENCH_TOPIC: dual.commandsTopic }, listening),
  'polling outbox': await startScript('outbox', baselineServers['polling-outbox'], { BENCH_TOPIC: outbox.commandsTopic }, listening),
};
const processor = await startApp('order-processor', ouro.env, { bundle: true });
const admin = (await import('@ouro/messaging')).createKafka({ brokers: connections.kafkaBrokers, clientId: 'bench' }).admin();
await admin.connect();
const settle = () => waitForGroupToCatchUp(admin, ouro.groupId, ouro.commandsTopic, 300_000);
// CPU accounting (ceiling/cpu.ts) around saturation, end to end and catch-up: CPU seconds per process, cores used up or not.
const cpu = new CpuMeter(
  benchProcessGroups(loadStackConfig(), {
    orderApi: [servers['Ouro order-api alone']?.pid ?? -1, servers['Ouro order-api + processor']?.pid ?? -1],
    processor: [processor.pid],
    baselines: ['bare Fastify', 'naive dual write', 'polling outbox'].map((name) => servers[name]?.pid ?? -1),
  }),
);

// Where the processor's transactions spent their time in a phase: its own metrics, read before and after.
const processorMetrics = () => readMetrics(processor.url);
const transactions: Record<string, TransactionProfile> = {};

// 1. Command API: saturation, then fixed offered rates (shares of order-api's saturation rate).
const commandApi: Record<string, LoadResult[]> = {};
const saturation: Record<string, LoadResult> = {};
for (const [name, server] of Object.entries(servers)) {
  say(`command API · ${name} · saturation (${plan.connections} connections, ${plan.saturationSec}s)`);
  const whole = name === 'Ouro order-api + processor';
  const metricsBefore = whole ? await processorMetrics() : '';
  const measured = cpu.start(`command API saturation · ${name}`);
  saturation[name] = await runLoad({ mode: 'http', url: server.url, durationSec: plan.saturationSec, connections: plan.connections });
  measured(saturation[name].accepted);
  say(`  ${saturation[name].throughput} orders/s, p99 ${saturation[name].latencyMs.p99} ms`);
  await settle();
  if (whole) transactions['whole system at saturation'] = transactionProfile(metricsBefore, await processorMetrics());
}
const ouroSaturation = saturation['Ouro order-api alone']?.throughput ?? 1_000;
for (const [name, server] of Object.entries(servers)) {
  commandApi[name] = [];
  for (const share of plan.fixedShares) {
    const rate = Math.max(50, Math.round((ouroSaturation * share) / 50) * 50);
    say(`command API · ${name} · ${rate}/s offered (${share * 100}% of order-api's saturation alone)`);
    const result = await runLoad({ mode: 'http', url: server.url, durationSec: plan.fixedSec, rate, connections: plan.connections });
    commandApi[name].push(result);
    say(`  ${result.throughput} orders/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`);
    await settle();
  }
  commandApi[name].push(saturation[name] as LoadResult);
}

// 2. End to end: from the 202 to the event visible to a read_committed consumer. For Ouro, also
// where its processor's transactions spent their time, from its own metrics.
const endToEnd: Record<string, LoadResult[]> = { 'Ouro order-api + processor': [], 'polling outbox': [] };
for (const [name, rates, topic] of [
  ['Ouro order-api + processor', plan.e2eRates, ouro.eventsTopic],
  ['polling outbox', plan.outboxE2eRates, outbox.commandsTopic],
] as const) {
  for (const rate of rates) {
    say(`end to end · ${name} · ${rate}/s for ${plan.e2eSec}s`);
    const ours = name === 'Ouro order-api + processor';
    const metricsBefore = ours ? await processorMetrics() : '';
    const measured = cpu.start(`end to end · ${name} · ${rate}/s`);
    const result = await runLoad({
      mode: 'e2e',
      url: servers[name]?.url ?? '',
      durationSec: plan.e2eSec,
      rate,
      connections: plan.connections,
      kafkaBrokers: connections.kafkaBrokers,
      topic,
    });
    measured(result.accepted);
    if (ours) {
      transactions[`end to end · ${rate}/s`] = transactionProfile(metricsBefore, await processorMetrics());
      say(`  transactions: ${JSON.stringify(transactions[`end to end · ${rate}/s`])}`);
    }
    endToEnd[name]?.push(result);
    say(`  p50 ${result.e2e?.p50} ms, p99 ${result.e2e?.p99} ms, never seen ${result.e2e?.neverSeen}`);
    await settle();
  }
}

// 5. Change data capture (scenarios/cdc.ts): the Debezium outbox at the same offered rates and end to
// end, then its relay's catch-up and the Connect JVM's memory. After the others, on a Connect worker
// of its own started here, so no JVM of its own shares the cores while they are measured.
const cdc = await measureCdc({ plan, ouroSaturation, stamp, say });
commandApi[cdcServerName] = cdc.commandApi;
endToEnd[cdcServerName] = cdc.endToEnd;

// 4. Memory, read before anything is stopped: peak RSS of the two app processes so far.
const memory = {
  'order-api': Math.max(peakRssMb(servers['Ouro order-api alone']?.pid ?? 0), peakRssMb(servers['Ouro order-api + processor']?.pid ?? 0)),
  'order-processor': peakRssMb(processor.pid),
};
say(`peak RSS: order-api ${memory['order-api']} MB, order-processor ${memory['order-processor']} MB`);

// 6. The console's own cost (scenarios/console.ts): idle, then while its load generator sends orders,
// with one page following its stream.
const consoleCost = await measureConsole({ rates: plan.consoleRates, phaseSec: plan.consoleSec, cpu, say });

// 3. Processor catch-up: a backlog drained by a fresh processor.
say(`processor catch-up · ${plan.backlog.toLocaleString('en')} commands`);
const catchUpResult = await catchUp(plan.backlog, say, {
  ...(values.profile ? { profileDir: `${profileDir}-processor` } : {}),
  measure: ([pid], drain, drained) => cpu.around('processor catch-up', drain, () => drained, { 'order-processor': processes(pid ?? -1) }),
});
say(`  ${catchUpResult.ordersPerSecond} orders/s (${catchUpResult.seconds}s), peak RSS ${catchUpResult.peakRssMb} MB`);
// The same backlog drained by as many processor processes as partition groups: one group each.
const { partitionGroups } = loadProcessorConfig({ ...process.env, ...ouro.env });
say(`processor catch-up · ${plan.backlog.toLocaleString('en')} commands · ${partitionGroups} members`);
const catchUpMembers = await catchUp(plan.backlog, say, {
  members: partitionGroups,
  measure: (pids, drain, drained) =>
    cpu.around(`processor catch-up · ${partitionGroups} members`, drain, () => drained, { 'order-processor': processes(...pids) }),
});
// A small backlog (the quick plan's) can be gone before the group is stable: then nothing was timed.
const membersTimed = catchUpMembers.orders > 0;
say(
  membersTimed
    ? `  ${catchUpMembers.ordersPerSecond} orders/s (${catchUpMembers.seconds}s), largest peak RSS ${catchUpMembers.peakRssMb} MB`
    : '  not measured: the first member drained the backlog before the group was stable',
);

await Promise.allSettled([...Object.values(servers), processor].map((server) => server.kill('SIGTERM')));
await admin.disconnect();
// 5. Ceiling (ceiling/): the machine's limits measured with Kafka's, PostgreSQL's and Redis's own tools
// on Ouro's record sizes, once Ouro's processes are gone; then each Ouro figure as a fraction of them.
say('ceiling · Kafka, PostgreSQL and Redis with their own tools');
// A failed tool leaves this run's Ouro figures standing: they are written, with the reason, and the
// run exits non-zero.
const measured = await measureCeiling({ stack: loadStackConfig(), stamp, quick, source: ouro, cpu, say }).then(
  (ceilingMeasured) => ({
    ceiling: { ...ceilingMeasured, fractions: ceilingFractions({ commandApi, endToEnd, catchUp: catchUpResult }, ceilingMeasured) },
    ceilingError: undefined,
  }),
  (error: unknown) => ({ ceiling: undefined, ceilingError: error instanceof Error ? error.message : String(error) }),
);
const { ceiling, ceilingError } = measured;
say(ceiling ? `  ceiling measured in ${ceiling.seconds}s` : `  the ceiling phase failed: ${ceilingError}`);

const profile = values.profile
  ? { 'order-api alone, whole run': summariseProfile(profileDir), 'order-processor, catch-up': summariseProfile(`${profileDir}-processor`) }
  : undefined;

const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  command: `npm run bench${quick ? ' -- --quick' : ''}${values.profile ? ' -- --profile' : ''}`,
  commit,
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version },
  plan,
  commandApi,
  endToEnd,
  catchUp: catchUpResult,
  catchUpMembers: membersTimed ? catchUpMembers : undefined,
  transactions: { ...transactions, 'catch-up': catchUpResult.transactions },
  memory: {
    ...memory,
    'order-processor (catch-up)': catchUpResult.peakRssMb,
    [`order-processor (catch-up, largest of ${partitionGroups} members)`]: catchUpMembers.peakRssMb,
  },
  cdc: { catchUp: cdc.catchUp, connect: cdc.connect, serverPeakRssMb: cdc.serverPeakRssMb },
  console: consoleCost,
  profile,
  ceiling,
  ceilingError,
  cpu: cpu.phases,
};
const outDir = join(root, 'docs/performance/results');
mkdirSync(outDir, { recursive: true });
const base = `${results.date.slice(0, 10)}${quick ? '-quick' : ''}`;
writeFileSync(join(outDir, `${base}.json`), `${JSON.stringify(results, (key, value) => (key === 'samples' ? undefined : value), 2)}\n`);
const charts = await renderCharts(results, outDir, base);
writeFileSync(join(outDir, `${base}.md`), renderMarkdown(results, charts));
say(`wrote docs/performance/results/${base}.{json,md} and ${charts.length} charts`);
process.exit(ceilingError ? 1 : 0);

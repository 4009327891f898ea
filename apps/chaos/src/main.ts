// `npm run chaos`: client load while faults are injected, then the reconciler's verdict, liveness included.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sourceVersion } from '@ouro/app-runner';
import { loadConnections } from '@ouro/config';
import type { LoadShape } from '@ouro/harness';
import { loadStackConfig, type StackConfig, stackDown, stackUp } from '@ouro/infra';
import { formatReport } from '@ouro/reconciler';
import { cdcResultTable } from './cdc/report.js';
import { type CdcScenarioResult, runCdcScenario } from './cdc/run.js';
import { type CdcStacks, cdcStackConfigs, cdcStackDown, cdcStackUp } from './cdc/stack.js';
import { Progress } from './progress.js';
import { resultTable, soakTables } from './report.js';
import { runScenario, type ScenarioResult } from './run.js';
import { everyScenario, isCdcScenario } from './scenarios.js';
import { runSoak } from './soak.js';
import { clusterStackConfig, scenarioTarget } from './targets.js';

const root = resolve(import.meta.dirname, '../../..');
const usage = `Usage: npm run chaos -- [--scenario NAME[,NAME…]] [--duration SECONDS] [--rate PER_SECOND | --workers N] [--record]
       npm run chaos -- --soak MINUTES [--seed N] [--rate PER_SECOND] [--clients N] [--record]

  --scenario   which scenarios (default: all): ${everyScenario.map((scenario) => scenario.name).join(', ')}
  --duration   seconds of load per scenario (default 60; a scenario that needs longer takes longer)
  --rate       POST /orders per second (default 100; with --soak, per client, default 40)
  --workers    instead of a rate, N clients each sending its next order once the last is settled
  --converge   seconds the system may take to satisfy every invariant after the load (default 90)
  --soak       one long run of MINUTES: faults of every kind drawn at random one after another
  --seed       the soak's seed (default 1): the same seed draws the same faults
  --clients    the soak's clients (default 3)
  --record     also write the results to docs/reliability/results/

Every run checks liveness too: after each fault heals, every order-api must accept again within
30 s and the processors must catch up within 60 s. Each scenario runs in a deployment of its own
(topics, group, links to every service) on the running stack; the cluster scenarios start a
three-node Kafka cluster beside it (CHAOS_KAFKA_BROKERS, default 127.0.0.1:27092). The cdc-*
scenarios fault the Debezium outbox baseline on a Kafka node, a PostgreSQL and a Connect worker of
their own (CHAOS_CDC_KAFKA_BROKERS, CHAOS_CDC_DATABASE_URL, CHAOS_CDC_CONNECT_URL and, for the
exactly-once worker, CHAOS_CDC_EXACTLY_ONCE_CONNECT_URL; default 127.0.0.1:29092, 127.0.0.1:25432,
http://127.0.0.1:28086 and :28087); their verdict counts and shows duplicates, tolerates them where
the relay delivers at least once, and never tolerates a loss.`;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    duration: { type: 'string', default: '60' },
    rate: { type: 'string' },
    workers: { type: 'string' },
    converge: { type: 'string', default: '90' },
    soak: { type: 'string' },
    seed: { type: 'string', default: '1' },
    clients: { type: 'string', default: '3' },
    record: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const convergeTimeoutMs = Number(values.converge) * 1000;
const progress = new Progress();
const stack = loadStackConfig();
await stackUp(stack);
const runStarted = new Date();
const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
const stamp = runStarted.toISOString().replace(/[:.]/g, '-');
// Read before anything runs: the code the run exercised.
const commit = sourceVersion(root);

/** Writes a run's table and JSON under .stack/chaos/<time>/ (and docs/reliability/results with --record). */
function record(name: string, table: string, summary: unknown): string {
  const outDirs = [join(stack.stateDir, 'chaos', stamp), ...(values.record ? [join(root, 'docs/reliability/results')] : [])];
  for (const dir of outDirs) {
    mkdirSync(dir, { recursive: true });
    const base = dir.endsWith('results') ? `${runStarted.toISOString().slice(0, 10)}${name}` : `run${name}`;
    writeFileSync(
      join(dir, `${base}.json`),
      `${JSON.stringify({ command, commit, startedAt: runStarted.toISOString(), ...(summary as object) }, null, 2)}\n`,
    );
    writeFileSync(join(dir, `${base}.md`), `Command: \`${command}\` at ${commit} (started ${runStarted.toISOString()})\n\n${table}\n`);
  }
  return outDirs[0] ?? '';
}

if (values.soak !== undefined) {
  const result = await runSoak({
    durationMs: Number(values.soak) * 60_000,
    seed: Number(values.seed),
    ratePerSecond: Number(values.rate ?? 40),
    clients: Number(values.clients),
    quietMs: 65_000,
    checkEveryMs: 5 * 60_000,
    convergeTimeoutMs,
    connections: loadConnections(),
    stack,
    progress,
    logDir: join(stack.stateDir, 'chaos', stamp, 'logs'),
  });
  const tables = soakTables(result);
  console.log(`\n${tables}\n`);
  if (!result.ok) {
    console.error(formatReport(result.report));
    for (const error of result.faultErrors) console.error(`fault failed: ${error}`);
    if (result.tails) console.error(result.tails);
  }
  const { report, entries, refusals, tails, ...summary } = result;
  const runDir = record('-soak', tables, { soak: { ...summary, counts: report.counts, violations: report.violations } });
  writeFileSync(join(runDir, 'soak.accepted.jsonl'), entries.map((entry) => JSON.stringify(entry)).join('\n'));
  console.log(`results and the accepted-orders file: ${relative(root, runDir)}`);
  process.exit(result.ok ? 0 : 1);
}

const names = values.scenario?.split(',').map((name) => name.trim()) ?? everyScenario.map((scenario) => scenario.name);
const unknown = names.filter((name) => !everyScenario.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}\n\n${usage}`);
  process.exit(2);
}
const selected = everyScenario.filter((scenario) => names.includes(scenario.name));
const load: LoadShape =
  values.workers !== undefined
    ? { kind: 'workers', count: Number(values.workers) }
    : { kind: 'rate', perSecond: Number(values.rate ?? 100) };

let cluster: StackConfig | undefined;
if (selected.some((scenario) => !isCdcScenario(scenario) && scenario.cluster)) {
  cluster = clusterStackConfig();
  await stackUp(cluster, ['kafka']);
}
let cdcStacks: CdcStacks | undefined;
if (selected.some(isCdcScenario)) {
  cdcStacks = cdcStackConfigs(stack);
  await cdcStackUp(cdcStacks, [...new Set(selected.filter(isCdcScenario).map((scenario) => scenario.delivery))]);
}

const results: ScenarioResult[] = [];
const cdcResults: CdcScenarioResult[] = [];
try {
  for (const scenario of selected) {
    progress.note(`▸ ${scenario.name}: ${scenario.description}`);
    if (isCdcScenario(scenario)) {
      const result = await runCdcScenario(scenario, {
        durationMs: Number(values.duration) * 1000,
        load,
        convergeTimeoutMs,
        stacks: cdcStacks as CdcStacks,
        progress,
        logDir: join(stack.stateDir, 'chaos', stamp, 'logs'),
      });
      cdcResults.push(result);
      progress.note(
        `${result.ok ? '✓' : '✗'} ${scenario.name}: ${result.accepted} accepted, ${result.shed} shed, ${result.faults.length} faults, lost ${result.lost}, duplicated ${result.duplicated} (${result.duplicateRecords} extra records), converged in ${result.convergeMs === null ? 'never' : `${(result.convergeMs / 1000).toFixed(1)} s`}`,
      );
      if (!result.ok) {
        for (const failure of result.livenessFailures) console.error(`liveness: ${failure}`);
        if (result.tails) console.error(result.tails);
      }
      continue;
    }
    const result = await runScenario(scenario, {
      durationMs: Number(values.duration) * 1000,
      load,
      convergeTimeoutMs,
      ...scenarioTarget(scenario, stack, cluster),
      progress,
      logDir: join(stack.stateDir, 'chaos', stamp, 'logs'),
    });
    results.push(result);
    progress.note(
      `${result.ok ? '✓' : '✗'} ${scenario.name}: ${result.accepted} accepted, ${result.faults.length} faults, converged in ${result.convergeMs === null ? 'never' : `${(result.convergeMs / 1000).toFixed(1)} s`}`,
    );
    if (!result.ok) {
      console.error(formatReport(result.report));
      for (const failure of result.livenessFailures) console.error(`liveness: ${failure}`);
      if (result.tails) console.error(result.tails);
    }
  }
} finally {
  if (cluster) await stackDown(cluster, ['kafka']);
  if (cdcStacks) await cdcStackDown(cdcStacks);
}

const table = [...(results.length > 0 ? [resultTable(results)] : []), ...(cdcResults.length > 0 ? [cdcResultTable(cdcResults)] : [])].join(
  '\n\n',
);
console.log(`\n${table}\n`);
const summary = results.map(({ report, entries, refusals, tails, ...rest }) => ({ ...rest, counts: report.counts }));
const cdcSummary = cdcResults.map(({ report, entries, refusals, tails, ...rest }) => ({ ...rest, counts: report.counts }));
const runDir = record('', table, { results: summary, ...(cdcSummary.length > 0 ? { cdc: cdcSummary } : {}) });
for (const result of [...results, ...cdcResults]) {
  writeFileSync(join(runDir, `${result.scenario}.accepted.jsonl`), result.entries.map((entry) => JSON.stringify(entry)).join('\n'));
}
console.log(
  `results and each scenario's accepted-orders file: ${relative(root, runDir)} (\`npm run verify -- --accepted <file>\` with the scenario's topics)`,
);
process.exit([...results, ...cdcResults].every((result) => result.ok) ? 0 : 1);

// `npm run chaos`: steady client load while faults are injected, then the reconciler's verdict.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStackConfig, type StackConfig, stackDown, stackUp } from '@ouro/infra';
import { formatReport } from '@ouro/reconciler';
import { Progress } from './progress.js';
import { resultTable } from './report.js';
import { runScenario, type ScenarioResult } from './run.js';
import { scenarios } from './scenarios.js';
import { clusterStackConfig, scenarioTarget } from './targets.js';

const root = resolve(import.meta.dirname, '../../..');
const usage = `Usage: npm run chaos -- [--scenario NAME[,NAME…]] [--duration SECONDS] [--rate PER_SECOND] [--record]

  --scenario   which scenarios (default: all): ${scenarios.map((scenario) => scenario.name).join(', ')}
  --duration   seconds of load per scenario (default 60)
  --rate       POST /orders per second (default 100)
  --converge   seconds the system may take to satisfy every invariant after the load (default 90)
  --record     also write the results to docs/reliability/results/

Each scenario runs in a deployment of its own (topics, group) on the running stack; the cluster
scenario starts a three-node Kafka cluster beside it (CHAOS_KAFKA_BROKERS, default 127.0.0.1:27092).`;

const { values } = parseArgs({
  options: {
    scenario: { type: 'string' },
    duration: { type: 'string', default: '60' },
    rate: { type: 'string', default: '100' },
    converge: { type: 'string', default: '90' },
    record: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const names = values.scenario?.split(',').map((name) => name.trim()) ?? scenarios.map((scenario) => scenario.name);
const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}\n\n${usage}`);
  process.exit(2);
}
const selected = scenarios.filter((scenario) => names.includes(scenario.name));
const durationMs = Number(values.duration) * 1000;
const ratePerSecond = Number(values.rate);
const convergeTimeoutMs = Number(values.converge) * 1000;

const progress = new Progress();
const stack = loadStackConfig();
await stackUp(stack);
let cluster: StackConfig | undefined;
if (selected.some((scenario) => scenario.cluster)) {
  cluster = clusterStackConfig();
  await stackUp(cluster, ['kafka']);
}

const runStarted = new Date();
const results: ScenarioResult[] = [];
try {
  for (const scenario of selected) {
    progress.note(`▸ ${scenario.name}: ${scenario.description}`);
    const result = await runScenario(scenario, {
      durationMs,
      ratePerSecond,
      convergeTimeoutMs,
      ...scenarioTarget(scenario, stack, cluster),
      progress,
    });
    results.push(result);
    progress.note(
      `${result.ok ? '✓' : '✗'} ${scenario.name}: ${result.accepted} accepted, ${result.faults.length} faults, converged in ${result.convergeMs === null ? 'never' : `${(result.convergeMs / 1000).toFixed(1)} s`}`,
    );
    if (!result.ok) {
      console.error(formatReport(result.report));
      if (result.tails) console.error(result.tails);
    }
  }
} finally {
  if (cluster) await stackDown(cluster, ['kafka']);
}

const command = `npm run chaos -- ${process.argv.slice(2).join(' ')}`.trim();
const table = resultTable(results);
console.log(`\n${table}\n`);
const stamp = runStarted.toISOString().replace(/[:.]/g, '-');
const outDirs = [join(stack.stateDir, 'chaos', stamp), ...(values.record ? [join(root, 'docs/reliability/results')] : [])];
for (const dir of outDirs) {
  mkdirSync(dir, { recursive: true });
  const base = dir.endsWith('results') ? runStarted.toISOString().slice(0, 10) : 'run';
  const summary = results.map(({ report, entries, refusals, tails, ...rest }) => ({ ...rest, counts: report.counts }));
  writeFileSync(
    join(dir, `${base}.json`),
    `${JSON.stringify({ command, startedAt: runStarted.toISOString(), results: summary }, null, 2)}\n`,
  );
  writeFileSync(join(dir, `${base}.md`), `Command: \`${command}\` (started ${runStarted.toISOString()})\n\n${table}\n`);
}
const runDir = outDirs[0] ?? '';
for (const result of results) {
  writeFileSync(join(runDir, `${result.scenario}.accepted.jsonl`), result.entries.map((entry) => JSON.stringify(entry)).join('\n'));
}
console.log(
  `results and each scenario's accepted-orders file: ${relative(root, runDir)} (\`npm run verify -- --accepted <file>\` with the scenario's topics)`,
);
process.exit(results.every((result) => result.ok) ? 0 : 1);

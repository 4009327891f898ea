// The observability files in infra/observability, checked with the tools that read them: promtool
// (Prometheus' own checker) for the scrape configuration and the alert rules, and what each alert
// claims with promtool's rule unit tests; Grafana's foundation SDK, loading the dashboard strictly.
// Then that every metric they query is one the apps export.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildApp } from '../../apps/order-api/src/app.js';
import { ProcessorMetrics } from '../../apps/order-processor/src/observe/metrics.js';
import { buildDashboard } from '../observability/dashboard.js';
import { dashboardFile } from '../observability/write-dashboard.js';
import { deployTools } from '../src/deploy-tools.js';

const dir = resolve(import.meta.dirname, '../observability');
const scratch = mkdtempSync(join(tmpdir(), 'ouro-observability-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tool(binary: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(binary, args, { encoding: 'utf8', cwd: dir });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface RuleFile {
  readonly groups: ReadonlyArray<{
    readonly name: string;
    readonly rules: ReadonlyArray<{ readonly alert?: string; readonly record?: string; readonly expr: string }>;
  }>;
}
const rules = parse(readFileSync(join(dir, 'alerts.yml'), 'utf8')) as RuleFile;
const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
  panels: ReadonlyArray<{ id?: number; title?: string; targets?: ReadonlyArray<{ expr?: string }> }>;
};
const dashboardQueries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).flatMap((target) => (target.expr ? [{ panel: panel.title ?? '', expr: target.expr }] : [])),
);

describe('Prometheus configuration and alert rules', () => {
  it('promtool accepts the scrape configuration (and the rule files it names)', () => {
    const { status, output } = tool(deployTools.promtool, ['check', 'config', 'prometheus.yml']);
    expect(status, output).toBe(0);
  });

  it('promtool accepts the alert rules, and refuses a broken copy', () => {
    const checked = tool(deployTools.promtool, ['check', 'rules', 'alerts.yml']);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);

    const broken = join(scratch, 'broken-alerts.yml');
    const [first, ...others] = rules.groups;
    if (!first) throw new Error('alerts.yml has no group');
    writeFileSync(
      broken,
      stringify({ groups: [{ ...first, rules: [{ alert: 'Broken', expr: 'sum(rate(ouro_processor_consumer_lag[5m])' }] }, ...others] }),
    );
    expect(tool(deployTools.promtool, ['check', 'rules', broken]).status).not.toBe(0);
  });

  it('has the alerts it promises', () => {
    const alerts = rules.groups.flatMap((group) => group.rules.flatMap((rule) => (rule.alert ? [rule.alert] : [])));
    expect(alerts).toEqual(
      expect.arrayContaining([
        'OuroConsumerLagGrowing',
        'OuroPartitionStalled',
        'OuroDeadLettersGrowing',
        'OuroFreshnessBudgetBurningFast',
        'OuroFreshnessBudgetBurningSlowly',
        'OuroApiRefusingOrders',
      ]),
    );
  });

  it('each alert fires on what it claims and stays quiet otherwise (promtool test rules)', () => {
    const { status, output } = tool(deployTools.promtool, ['test', 'rules', 'alerts.test.yml']);
    expect(status, output).toBe(0);
  });
});

describe('the Grafana dashboard', () => {
  it('is what dashboard.ts builds (regenerate with `npm run observability:dashboard`)', () => {
    expect(dashboard).toEqual(JSON.parse(JSON.stringify(buildDashboard())));
  });

  it("loads strictly with Grafana's foundation SDK, which refuses a field of the wrong type", () => {
    const loaded = tool(deployTools.dashboardCheck, [dashboardFile]);
    expect(loaded.status, loaded.output).toBe(0);
    expect(loaded.output).toMatch(/dashboard "Ouro: orders across the asynchronous hop", \d+ panels/);

    const broken = join(scratch, 'broken-dashboard.json');
    writeFileSync(broken, JSON.stringify({ ...dashboard, panels: [{ ...dashboard.panels[1], gridPos: 'top left' }] }));
    expect(tool(deployTools.dashboardCheck, [broken]).status).not.toBe(0);
  });

  it('gives every panel its own id (Grafana keys panels by it)', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(ids.every((id) => typeof id === 'number')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every query parses as PromQL (promtool, as recording rules)', () => {
    const asRules = join(scratch, 'dashboard-queries.yml');
    writeFileSync(
      asRules,
      stringify({
        groups: [
          { name: 'dashboard', rules: dashboardQueries.map(({ expr }, index) => ({ record: `ouro:dashboard_query:${index}`, expr })) },
        ],
      }),
    );
    expect(dashboardQueries.length).toBeGreaterThan(15);
    const { status, output } = tool(deployTools.promtool, ['check', 'rules', asRules]);
    expect(status, output).toBe(0);
  });
});

describe('what they query', () => {
  it('is only metrics the apps export', async () => {
    const api = await buildApp();
    const exported = new Set([
      ...(await api.metrics.registry.getMetricsAsJSON()).map((metric) => metric.name),
      ...(await new ProcessorMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name),
    ]);
    await api.close();
    const queried = [...rules.groups.flatMap((group) => group.rules.map((rule) => rule.expr)), ...dashboardQueries.map(({ expr }) => expr)]
      .flatMap((expr) => expr.match(/\bouro_[a-z_]+\b/g) ?? [])
      .map((name) => name.replace(/_(bucket|count|sum)$/, ''));
    expect(queried.length).toBeGreaterThan(20);
    expect([...new Set(queried)].filter((name) => !exported.has(name))).toEqual([]);
  });
});

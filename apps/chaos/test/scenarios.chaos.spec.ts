// The fault-injection scenarios of `npm run chaos`, shorter, as tests. They crash and restart the
// stack's own services, so `npm test` runs them on their own, after every other test.
import { loadStackConfig, stackDown, stackUp } from '@ouro/infra';
import { formatReport } from '@ouro/reconciler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Progress } from '../src/progress.js';
import { runScenario } from '../src/run.js';
import { scenarios } from '../src/scenarios.js';
import { clusterStackConfig, scenarioTarget } from '../src/targets.js';

const durationMs = Number(process.env.CHAOS_TEST_DURATION_SECONDS ?? 15) * 1000;
const ratePerSecond = Number(process.env.CHAOS_TEST_RATE ?? 40);
const stack = loadStackConfig();
const cluster = clusterStackConfig();

beforeAll(async () => {
  await stackUp(cluster, ['kafka']);
}, 300_000);

afterAll(async () => {
  await stackDown(cluster, ['kafka']);
}, 120_000);

describe('under faults, nothing is lost, doubled or invented, and everything comes back', () => {
  it.each(scenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const result = await runScenario(scenario, {
        durationMs,
        load: { kind: 'rate', perSecond: ratePerSecond },
        convergeTimeoutMs: 90_000,
        ...scenarioTarget(scenario, stack, cluster),
        progress: new Progress(),
      });
      const failure = result.ok ? '' : `${formatReport(result.report)}\n${result.tails ?? ''}`;
      // the faults really happened, and load was really served through them
      expect(result.faultErrors, failure).toEqual([]);
      expect(result.faults.length).toBeGreaterThanOrEqual(scenario.steps.length);
      expect(result.accepted).toBeGreaterThan(0);
      // and every invariant holds once the system is at rest
      expect({ lost: result.lost, duplicated: result.duplicated, ghosts: result.ghosts, violations: result.violations }, failure).toEqual({
        lost: 0,
        duplicated: 0,
        ghosts: 0,
        violations: [],
      });
      expect({ deadLettered: result.deadLettered, refused: result.refused }).toEqual({ deadLettered: 0, refused: 0 });
      expect(result.convergeMs, failure).not.toBeNull();
      // and after every fault healed, every order-api accepted again and the processors caught up, in time
      expect(result.recoveries.length).toBeGreaterThanOrEqual(1);
      expect(result.livenessFailures, failure).toEqual([]);
    },
    300_000,
  );
});

// The change-data-capture scenarios of `npm run chaos`, shorter, as tests: the Debezium outbox
// baseline under a Connect crash, a broker restart and a PostgreSQL restart, and a Connect crash on a
// worker with exactly-once source support, on a Kafka node, a PostgreSQL and Connect workers of their
// own (the stack's services are left alone).
import { loadStackConfig } from '@ouro/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCdcScenario } from '../src/cdc/run.js';
import { cdcScenarios } from '../src/cdc/scenarios.js';
import { type CdcStacks, cdcStackConfigs, cdcStackDown, cdcStackUp, deliveries } from '../src/cdc/stack.js';
import { Progress } from '../src/progress.js';

const durationMs = Number(process.env.CHAOS_TEST_DURATION_SECONDS ?? 15) * 1000;
const ratePerSecond = Number(process.env.CHAOS_TEST_RATE ?? 40);
const stacks: CdcStacks = cdcStackConfigs(loadStackConfig());

beforeAll(async () => {
  await cdcStackUp(stacks, deliveries);
}, 300_000);

afterAll(async () => {
  await cdcStackDown(stacks);
}, 120_000);

describe('change data capture under faults: nothing lost or invented, duplicates counted, everything comes back', () => {
  it.each(cdcScenarios.map((scenario) => [scenario.name, scenario] as const))(
    '%s',
    async (_name, scenario) => {
      const result = await runCdcScenario(scenario, {
        durationMs,
        load: { kind: 'rate', perSecond: ratePerSecond },
        convergeTimeoutMs: 90_000,
        stacks,
        progress: new Progress(),
      });
      const failure = result.tails ?? '';
      console.info(
        `${scenario.name}: ${result.accepted} accepted, ${result.duplicated} orders published more than once (${result.duplicateRecords} extra records), lost ${result.lost}`,
      );
      // the faults really happened, and load was really served through them
      expect(result.faultErrors, failure).toEqual([]);
      expect(result.faults.length).toBeGreaterThanOrEqual(scenario.steps.length);
      expect(result.accepted).toBeGreaterThan(0);
      // nothing lost, unpublished or invented; duplicates are the only violation a verdict may tolerate
      expect({ lost: result.lost, unpublished: result.unannounced, ghosts: result.ghosts }, failure).toEqual({
        lost: 0,
        unpublished: 0,
        ghosts: 0,
      });
      expect(
        result.violations.filter((name) => !scenario.tolerates.includes(name)),
        failure,
      ).toEqual([]);
      expect(result.refused).toBe(0);
      expect(result.convergeMs, failure).not.toBeNull();
      // and after every fault healed, the server accepted again and the relay caught up, in time
      expect(result.recoveries.length).toBeGreaterThanOrEqual(1);
      expect(result.livenessFailures, failure).toEqual([]);
    },
    300_000,
  );
});

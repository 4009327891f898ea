import { describe, expect, it } from 'vitest';
import { checkSnapshot } from './check.js';
import { formatReport } from './format.js';
import { command, healthy, id, snapshotOf, t0 } from './snapshot-fixtures.js';

const options = { convergenceMs: 10_000, now: t0 + 60_000 };

describe('formatReport', () => {
  it('shows a row per check and says every invariant holds when none is violated', () => {
    const text = formatReport(checkSnapshot(snapshotOf(healthy(2)), options));

    expect(text).toMatch(/^lost\s+0\s+ok$/m);
    expect(text).toMatch(/^unaccepted\s+-\s+n\/a\s+\(needs --accepted\)$/m);
    expect(text).toMatch(/✓ every invariant holds \(0 dead-lettered, 0 tolerated\)$/);
  });

  it('names the first orders of a violated check in its row, then lists findings up to a cap', () => {
    // given five commands the processor never stored
    const world = healthy(1);
    world.commands.push(...[2, 3, 4, 5, 6].map((n) => command(id(n), { partition: 1, offset: n })));

    // when
    const text = formatReport(checkSnapshot(snapshotOf(world), options), { idsPerRow: 2, findingsPerCheck: 3 });

    // then
    expect(text).toContain(`lost                5  VIOLATION  ${id(2)} ${id(3)} +3`);
    expect(text).toContain(`lost (violation):\n  ${id(2)}  command at p1@2, no row and no failure`);
    expect(text).toContain('  … and 2 more (--json lists them all)');
    expect(text).toMatch(/✗ 1 violated: lost$/);
  });
});

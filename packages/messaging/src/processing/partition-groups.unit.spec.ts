import { describe, expect, it } from 'vitest';
import { assignGroups, groupOf, groupProtocolName, groupTransactionalId } from './partition-groups.js';

const sixPartitions = new Map([['orders.commands', [0, 1, 2, 3, 4, 5]]]);

describe('partition groups', () => {
  it('put partition p in group p mod the count', () => {
    expect([0, 1, 2, 3, 4, 5].map((partition) => groupOf(partition, { count: 3 }))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('name a group transactional id and protocol after the count, so two groupings never meet', () => {
    expect(groupTransactionalId('p', 'orders.commands', 1, { count: 3 })).toBe('p-orders.commands-g1of3');
    expect(groupProtocolName({ count: 3 })).not.toBe(groupProtocolName({ count: 2 }));
  });

  it('give each member whole groups, round robin over the members by id', () => {
    const assignment = assignGroups(['member-b', 'member-a'], sixPartitions, { count: 3 });

    expect(Object.fromEntries(assignment)).toEqual({
      'member-a': { 'orders.commands': [0, 3, 2, 5] },
      'member-b': { 'orders.commands': [1, 4] },
    });
  });

  it('leave a member without partitions when there are more members than groups', () => {
    const assignment = assignGroups(['a', 'b', 'c'], sixPartitions, { count: 2 });

    expect(Object.fromEntries(assignment)).toEqual({
      a: { 'orders.commands': [0, 2, 4] },
      b: { 'orders.commands': [1, 3, 5] },
      c: {},
    });
  });

  it('answer the same whichever member computes it', () => {
    const once = assignGroups(['x', 'y', 'z'], sixPartitions, { count: 3 });
    const again = assignGroups(['z', 'x', 'y'], sixPartitions, { count: 3 });

    expect(Object.fromEntries(again)).toEqual(Object.fromEntries(once));
  });
});

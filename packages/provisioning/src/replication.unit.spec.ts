import { describe, expect, it } from 'vitest';
import { replicationFor } from './replication.js';

describe('replicationFor', () => {
  it('keeps one copy on a single broker', () => {
    expect(replicationFor(1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('keeps three copies, two needed for a write, on three brokers or more', () => {
    expect(replicationFor(3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(5)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('keeps a copy per broker on two, one needed for a write', () => {
    expect(replicationFor(2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
  });

  it('lets an explicit factor win over the cluster size', () => {
    expect(replicationFor(3, 1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
    expect(replicationFor(1, 3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });
});

/** How many copies of each partition a topic keeps, and how many must have a write before it counts. */
export interface Replication {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/**
 * The factor asked for, else one copy per broker up to three. With three copies a write needs two
 * of them (`min.insync.replicas=2` with acks=all): one broker may be lost without losing an
 * acknowledged record and without stopping writes. With fewer copies, one is enough, and the topic
 * says so itself: a cluster whose brokers default to 2 would otherwise refuse every write to it.
 */
export function replicationFor(brokers: number, requested?: number): Replication {
  const replicationFactor = requested ?? Math.max(1, Math.min(3, brokers));
  return { replicationFactor, minInsyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

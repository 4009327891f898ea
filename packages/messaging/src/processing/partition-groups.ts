import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Partitions in fixed groups: partition p is in group p mod `count`. A group is the unit of
 * ownership and of transactions: a member holds whole groups, and commits the partitions of a group
 * together, under the group's one transactional id. That keeps Kafka Streams' first exactly-once
 * argument (whoever holds the id fences every earlier holder, then reads the committed offsets), lifted
 * from one partition to a fixed set of them. A transactional id per *process* would not do: without
 * KIP-447 a new holder of one partition could not fence the zombie still holding it.
 */
export interface PartitionGroups {
  readonly count: number;
}

export const groupOf = (partition: number, { count }: PartitionGroups): number => partition % count;

/** The transactional id of a group. The count is part of it: two groupings never share an id. */
export function groupTransactionalId(prefix: string, topic: string, group: number, { count }: PartitionGroups): string {
  return `${prefix}-${topic}-g${group}of${count}`;
}

/** Members with another grouping speak another protocol: the broker refuses to mix them in one group. */
export const groupProtocolName = ({ count }: PartitionGroups) => `OuroPartitionGroups${count}`;

/**
 * Deals whole groups of every subscribed topic's partitions to the members, round robin over the
 * members sorted by id (the same answer whichever member computes it).
 */
export function assignGroups(
  members: readonly string[],
  partitionsByTopic: ReadonlyMap<string, readonly number[]>,
  groups: PartitionGroups,
): Map<string, Record<string, number[]>> {
  const sorted = [...members].sort();
  const assignment = new Map<string, Record<string, number[]>>(sorted.map((member) => [member, {}]));
  for (const [topic, partitions] of partitionsByTopic) {
    const byGroup = new Map<number, number[]>();
    for (const partition of [...partitions].sort((a, b) => a - b)) {
      const group = groupOf(partition, groups);
      byGroup.set(group, [...(byGroup.get(group) ?? []), partition]);
    }
    [...byGroup.keys()]
      .sort((a, b) => a - b)
      .forEach((group, index) => {
        const member = sorted[index % sorted.length];
        const assigned = member === undefined ? undefined : assignment.get(member);
        if (!assigned) return;
        assigned[topic] = [...(assigned[topic] ?? []), ...(byGroup.get(group) ?? [])];
      });
  }
  return assignment;
}

/** The kafkajs assigner for `groups`: every member of the consumer group must use the same. */
export function partitionGroupAssigner(groups: PartitionGroups): PartitionAssigner {
  const name = groupProtocolName(groups);
  const version = 0;
  return ({ cluster }) => ({
    name,
    version,
    async assign({ members, topics }) {
      const partitionsByTopic = new Map(
        topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId)] as const),
      );
      const assignment = assignGroups(
        members.map(({ memberId }) => memberId),
        partitionsByTopic,
        groups,
      );
      return [...assignment].map(([memberId, topicsAssigned]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version, assignment: topicsAssigned, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData: Buffer.alloc(0) }) };
    },
  });
}

// What the checks of every kind of deployment share: grouping, positions, the second reader's
// comparison and the shape of a check's result.
import type { Finding } from './report.js';
import type { AuditedEvents, Position } from './snapshot.js';

export { checkResult as result, groupBy, positions } from './delivery.js';

/**
 * Per key, the records kafkajs read against those the second reader read, over the offsets both
 * read (per partition, up to the lower of their last offsets: a topic still being written may have
 * grown between the two reads).
 */
export function disagreementOf(events: readonly (Position & { readonly key: string | null })[], audit: AuditedEvents): Finding[] {
  const lastOffsets = (records: readonly Position[]) => {
    const last = new Map<number, number>();
    for (const { partition, offset } of records) last.set(partition, Math.max(last.get(partition) ?? -1, offset));
    return last;
  };
  const ours = lastOffsets(events);
  const theirs = lastOffsets(audit.records);
  const within = ({ partition, offset }: Position) => offset <= Math.min(ours.get(partition) ?? -1, theirs.get(partition) ?? -1);
  const count = (keys: readonly (string | null | undefined)[]) => {
    const counts = new Map<string, number>();
    for (const key of keys) if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
    return counts;
  };
  const kafkajs = count(events.filter(within).map((record) => record.key));
  const audited = count(audit.records.filter(within).map((record) => record.key));
  return [...new Set([...kafkajs.keys(), ...audited.keys()])].flatMap((key) => {
    const [a, b] = [kafkajs.get(key) ?? 0, audited.get(key) ?? 0];
    return a === b ? [] : [{ orderId: key, detail: `kafkajs reads ${a} OrderCreated, ${audit.reader} reads ${b}` }];
  });
}

import type { Connections } from '@ouro/config';
import { readCommittedWithJava, type StackConfig } from '@ouro/infra';

/** The second reader every chaos verdict uses: Kafka's own Java consumer, from the stack's Kafka jars. */
export function auditReader(stack: StackConfig, connections: Pick<Connections, 'kafkaBrokers'>) {
  return {
    reader: 'the Java client',
    read: (topic: string) => readCommittedWithJava(stack, connections.kafkaBrokers, topic),
  };
}

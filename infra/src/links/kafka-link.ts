import type { StackConfig } from '../config.js';
import { kafkaLane, kafkaLaneCount, kafkaNodes } from '../kafka-cluster.js';
import { type ArmedRule, type KafkaRule, KafkaRules } from './kafka-rules.js';
import { Link, type LinkState } from './link.js';

/**
 * The network between some clients and the stack's Kafka, under a fault test's control: one proxy
 * per node on a free fault lane (see `kafkaLane`). Clients given `brokers` reach every node through
 * these proxies; everyone else still talks to the brokers directly. Faults hit the whole link or
 * one node's, and rules pick single requests by API and client id.
 */
export class KafkaLink {
  private constructor(
    /** One proxy per node, in node order. */
    readonly nodes: readonly Link[],
    private readonly rules: KafkaRules,
    readonly lane: number,
  ) {}

  /** Takes the first lane nobody holds (the proxies' ports are the lock). */
  static async open(config: StackConfig): Promise<KafkaLink> {
    const nodes = kafkaNodes(config.kafka);
    for (let lane = 1; lane <= kafkaLaneCount; lane++) {
      const rules = new KafkaRules();
      const opened: Link[] = [];
      try {
        for (const [index, node] of nodes.entries()) {
          const { listenerPort, advertisedPort } = kafkaLane(node, lane);
          opened.push(
            await Link.open({ host: node.host, port: listenerPort }, { port: advertisedPort, inspector: () => rules.inspector(index) }),
          );
        }
        return new KafkaLink(opened, rules, lane);
      } catch (error) {
        await Promise.all(opened.map((link) => link.close()));
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    throw new Error(`every Kafka fault lane (${kafkaLaneCount}) is in use`);
  }

  /** Bootstrap addresses through this link. */
  get brokers(): string[] {
    return this.nodes.map((link) => link.address);
  }

  /** Sets every node's link to `state`. */
  set(state: LinkState): void {
    for (const link of this.nodes) link.set(state);
  }

  /** Resets every connection through this link. */
  reset(): void {
    for (const link of this.nodes) link.reset();
  }

  /** Arms a rule for single requests (e.g. lose the reply to the next EndTxn). */
  when(rule: KafkaRule): ArmedRule {
    return this.rules.arm(rule);
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((link) => link.close()));
  }
}

import {
  addProcessor,
  crashAndRestart,
  crashApi,
  crashCoordinatorAtCommit,
  crashNode,
  crashProcessor,
  degradeLink,
  type Fault,
  type LoadShape,
  loseKafkaReplies,
  pauseApi,
  pauseNode,
  removeProcessor,
  restart,
  type Topology,
  zombieProcessor,
} from '@ouro/harness';
import { type CdcScenario, cdcScenarios } from './cdc/scenarios.js';

export interface FaultStep {
  /** When, as a fraction of the load's duration. */
  readonly at: number;
  readonly run: Fault;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly topology: Topology;
  /** How the clients send; a steady rate (the run's `--rate`) unless said otherwise. */
  readonly load?: LoadShape;
  /** Runs against a three-node Kafka cluster (topics with replication factor 3, min.insync.replicas 2). */
  readonly cluster?: boolean;
  /** The shortest load that leaves room for its faults (a broker restart takes seconds). */
  readonly minDurationMs?: number;
  readonly steps: readonly FaultStep[];
}

const at = (fraction: number, run: Fault): FaultStep => ({ at: fraction, run });

export const scenarios: readonly Scenario[] = [
  {
    name: 'processor-crash',
    description: 'order-processor SIGKILLed mid-batch three times, a new one started each time',
    topology: { apis: 1, processors: 1 },
    steps: [0.2, 0.45, 0.7].map((fraction) => at(fraction, crashProcessor)),
  },
  {
    name: 'processor-zombie',
    description:
      'one of two processors frozen (SIGSTOP) mid-transaction for 10 s, past its 6 s session: its partitions move, then it wakes up',
    topology: { apis: 1, processors: 2 },
    minDurationMs: 25_000,
    steps: [at(0.2, zombieProcessor(10_000))],
  },
  {
    name: 'api-crash',
    description: 'one of two order-api instances SIGKILLed with requests in flight, twice, and restarted',
    topology: { apis: 2, processors: 1 },
    steps: [at(0.25, crashApi(0)), at(0.6, crashApi(1))],
  },
  {
    name: 'api-pause',
    description: 'one of two order-api instances frozen (SIGSTOP) for 8 s with requests in flight, then resumed',
    topology: { apis: 2, processors: 1 },
    minDurationMs: 20_000,
    steps: [at(0.25, pauseApi(0, 8_000))],
  },
  {
    name: 'broker-kills',
    description: 'the Kafka broker SIGKILLed three times and restarted each time, under 16 client workers on three order-api instances',
    topology: { apis: 3, processors: 2 },
    load: { kind: 'workers', count: 16 },
    // Each kill's recovery gets its full liveness bounds before the next kill.
    minDurationMs: 240_000,
    steps: [0.05, 0.38, 0.71].map((fraction) => at(fraction, crashAndRestart('kafka', 3_000))),
  },
  {
    name: 'kafka-lost-replies',
    description:
      "replies lost after the broker did the work: the processors' commits, then their offset commits, then order-api's sends, each for 4 s",
    topology: { apis: 2, processors: 2 },
    minDurationMs: 30_000,
    steps: [
      at(0.15, loseKafkaReplies('EndTxn', 4_000, /^order-processor/)),
      at(0.4, loseKafkaReplies('TxnOffsetCommit', 4_000, /^order-processor/)),
      at(0.65, loseKafkaReplies('Produce', 4_000, /^order-api$/)),
    ],
  },
  {
    name: 'kafka-network',
    description: 'the link from the apps to Kafka partitioned for 8 s, then losing every reply for 4 s (then its connections reset)',
    topology: { apis: 2, processors: 2 },
    minDurationMs: 30_000,
    steps: [at(0.15, degradeLink('kafka', { kind: 'partitioned' }, 8_000)), at(0.6, degradeLink('kafka', { kind: 'replies-lost' }, 4_000))],
  },
  {
    name: 'redis-restart',
    description: 'Redis SIGKILLed and restarted 2 s later (up to 1 s of its append-only file is lost)',
    topology: { apis: 1, processors: 1 },
    steps: [at(0.35, crashAndRestart('redis', 2_000))],
  },
  {
    name: 'redis-network',
    description: 'the link from the apps to Redis partitioned for 6 s, then healed',
    topology: { apis: 1, processors: 1 },
    steps: [at(0.3, degradeLink('redis', { kind: 'partitioned' }, 6_000))],
  },
  {
    name: 'registry-outage',
    description: 'the link to the schema registry refusing connections for 8 s, then healed',
    topology: { apis: 1, processors: 1 },
    steps: [at(0.3, degradeLink('registry', { kind: 'refusing' }, 8_000))],
  },
  {
    name: 'postgres-restart',
    description: 'PostgreSQL stopped in immediate mode (a crash) and restarted 2 s later',
    topology: { apis: 1, processors: 1 },
    steps: [at(0.35, crashAndRestart('postgres', 2_000))],
  },
  {
    name: 'postgres-network',
    description: 'the link from the apps to PostgreSQL delayed by 300 ms, then partitioned for 8 s, then healed',
    topology: { apis: 1, processors: 1 },
    steps: [
      at(0.2, degradeLink('postgres', { kind: 'delayed', ms: 300 }, 2_000)),
      at(0.4, degradeLink('postgres', { kind: 'partitioned' }, 8_000)),
    ],
  },
  {
    name: 'rebalance-storm',
    description: 'processors added and removed under load: 1 → 3, one leaves (SIGTERM), one joins, one dies (SIGKILL)',
    topology: { apis: 1, processors: 1 },
    steps: [
      at(0.15, addProcessor),
      at(0.3, addProcessor),
      at(0.45, removeProcessor('SIGTERM')),
      at(0.6, addProcessor),
      at(0.75, removeProcessor('SIGKILL')),
    ],
  },
  {
    name: 'cluster-commit-crash',
    description:
      'three brokers, two order-api and three processors; the broker a commit goes to SIGKILLed as it is sent, restarted 10 s later',
    topology: { apis: 2, processors: 3 },
    cluster: true,
    minDurationMs: 30_000,
    steps: [at(0.25, crashCoordinatorAtCommit(10_000))],
  },
  {
    name: 'cluster-broker-crash',
    description: 'three brokers, two order-api and three processors; one broker SIGKILLed under load, restarted later',
    topology: { apis: 2, processors: 3 },
    cluster: true,
    steps: [at(0.3, crashNode('kafka-2')), at(0.7, restart('kafka-2'))],
  },
  {
    name: 'cluster-broker-pause',
    description: 'three brokers, two order-api and three processors; one broker frozen (SIGSTOP) for 25 s under load, then resumed',
    topology: { apis: 2, processors: 3 },
    cluster: true,
    steps: [at(0.3, pauseNode('kafka-1', 25_000))],
  },
];

// Change data capture: the same kinds of faults on the Debezium outbox baseline (cdc/scenarios.ts),
// on a Kafka node, a PostgreSQL and a Connect worker of their own. Liveness is judged as everywhere
// else; each verdict tolerates duplicates (the relay delivers at least once), counted and shown,
// and never a loss.
export type AnyScenario = Scenario | CdcScenario;

export const isCdcScenario = (scenario: AnyScenario): scenario is CdcScenario => 'path' in scenario && scenario.path === 'cdc';

/** Every scenario `npm run chaos` runs: Ouro's, then the change-data-capture ones. */
export const everyScenario: readonly AnyScenario[] = [...scenarios, ...cdcScenarios];

import { setTimeout as sleep } from 'node:timers/promises';
import { crashService, type FaultTarget, type Link, type StackConfig, startService } from '@ouro/infra';
import type { Deployment, Topology } from './deployment.js';

/** What a fault step can reach: the apps, the stack's services, the proxy in front of PostgreSQL. */
export interface FaultContext {
  readonly deployment: Deployment;
  readonly stack: StackConfig;
  /** Present when the scenario routes the apps' PostgreSQL traffic through a proxy. */
  readonly postgresLink?: Link;
  /** Records one injected fault (it shows in the progress line and the table). */
  readonly injected: (fault: string) => void;
}

export interface FaultStep {
  /** When, as a fraction of the load's duration. */
  readonly at: number;
  readonly run: (context: FaultContext) => Promise<void>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly topology: Topology;
  /** Runs against a three-node Kafka cluster (topics with replication factor 3, min.insync.replicas 2). */
  readonly cluster?: boolean;
  readonly postgresProxy?: boolean;
  readonly steps: readonly FaultStep[];
}

const crash =
  (target: FaultTarget) =>
  async ({ stack, injected }: FaultContext) => {
    await crashService(stack, target);
    injected(`crash ${target}`);
  };

const restart =
  (target: FaultTarget) =>
  async ({ stack, injected }: FaultContext) => {
    await startService(stack, target);
    injected(`restart ${target}`);
  };

const crashAndRestart = (target: FaultTarget, downMs: number) => async (context: FaultContext) => {
  await crash(target)(context);
  await sleep(downMs);
  await restart(target)(context);
};

const addProcessor = async ({ deployment, injected }: FaultContext) => {
  await deployment.addProcessor();
  injected('add processor');
};

const crashProcessor = async ({ deployment, injected }: FaultContext) => {
  const victim = await deployment.removeProcessor('SIGKILL');
  injected(`SIGKILL ${victim}`);
  await deployment.addProcessor();
};

export const scenarios: readonly Scenario[] = [
  {
    name: 'processor-crash',
    description: 'order-processor SIGKILLed mid-batch three times, a new one started each time',
    topology: { apis: 1, processors: 1 },
    steps: [0.2, 0.45, 0.7].map((at) => ({ at, run: crashProcessor })),
  },
  {
    name: 'api-crash',
    description: 'one of two order-api instances SIGKILLed with requests in flight, twice, and restarted',
    topology: { apis: 2, processors: 1 },
    steps: [0.25, 0.6].map((at, index) => ({
      at,
      run: async ({ deployment, injected }) => {
        await deployment.killApi(index % 2);
        injected(`SIGKILL order-api-${(index % 2) + 1}`);
        await sleep(1_000);
        await deployment.startApi(index % 2);
      },
    })),
  },
  {
    name: 'broker-restart',
    description: 'the Kafka broker SIGKILLed and restarted 3 s later (the whole cluster, when it has one node)',
    topology: { apis: 1, processors: 1 },
    steps: [{ at: 0.3, run: crashAndRestart('kafka', 3_000) }],
  },
  {
    name: 'redis-restart',
    description: 'Redis SIGKILLed and restarted 2 s later (up to 1 s of its append-only file is lost)',
    topology: { apis: 1, processors: 1 },
    steps: [{ at: 0.35, run: crashAndRestart('redis', 2_000) }],
  },
  {
    name: 'postgres-restart',
    description: 'PostgreSQL stopped in immediate mode (a crash) and restarted 2 s later',
    topology: { apis: 1, processors: 1 },
    steps: [{ at: 0.35, run: crashAndRestart('postgres', 2_000) }],
  },
  {
    name: 'postgres-network',
    description: 'the link from the apps to PostgreSQL delayed by 300 ms, then partitioned for 8 s, then healed',
    topology: { apis: 1, processors: 1 },
    postgresProxy: true,
    steps: [
      {
        at: 0.2,
        run: async ({ postgresLink, injected }) => {
          postgresLink?.set({ kind: 'delayed', ms: 300 });
          injected('delay postgres 300 ms');
        },
      },
      {
        at: 0.4,
        run: async ({ postgresLink, injected }) => {
          postgresLink?.set({ kind: 'partitioned' });
          injected('partition postgres');
          await sleep(8_000);
          postgresLink?.set({ kind: 'healthy' });
          injected('heal postgres');
        },
      },
    ],
  },
  {
    name: 'rebalance-storm',
    description: 'processors added and removed under load: 1 → 3, one leaves (SIGTERM), one joins, one dies (SIGKILL)',
    topology: { apis: 1, processors: 1 },
    steps: [
      { at: 0.15, run: addProcessor },
      { at: 0.3, run: addProcessor },
      { at: 0.45, run: async ({ deployment, injected }) => injected(`SIGTERM ${await deployment.removeProcessor('SIGTERM')}`) },
      { at: 0.6, run: addProcessor },
      { at: 0.75, run: async ({ deployment, injected }) => injected(`SIGKILL ${await deployment.removeProcessor('SIGKILL')}`) },
    ],
  },
  {
    name: 'cluster-broker-crash',
    description: 'three brokers, two order-api and three processors; one broker SIGKILLed under load, restarted later',
    topology: { apis: 2, processors: 3 },
    cluster: true,
    steps: [
      { at: 0.3, run: crash('kafka-2') },
      { at: 0.7, run: restart('kafka-2') },
    ],
  },
];

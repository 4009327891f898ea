import { setTimeout as sleep } from 'node:timers/promises';
import {
  crashService,
  type FaultTarget,
  type KafkaApi,
  type LinkState,
  pauseService,
  resumeService,
  type StackConfig,
  startService,
} from '@ouro/infra';
import type { Deployment, Links } from './deployment.js';

/** What a fault can reach: the apps, the stack's services, the links between them. */
export interface FaultContext {
  readonly deployment: Deployment;
  readonly stack: StackConfig;
  readonly links: Links;
  /** Records one injected fault (it shows in the progress line and the table). */
  readonly injected: (fault: string) => void;
  /** Records that a fault healed: from now on the apps must come back within the liveness bounds. */
  readonly healed: (fault: string) => void;
  /**
   * Records a fault the deployment is built to ride through (one node of a three-node cluster
   * lost): the apps must be back within the liveness bounds while it lasts, not only once it heals.
   */
  readonly riding: (fault: string) => void;
}

/** A fault from start to heal: it injects, waits as long as the fault lasts, heals, and says so. */
export type Fault = (context: FaultContext) => Promise<void>;

export type LinkName = keyof Links;

/** SIGKILL of the oldest processor mid-batch; a new one takes its place. */
export const crashProcessor: Fault = async ({ deployment, injected, healed }) => {
  const victim = await deployment.removeProcessor('SIGKILL');
  injected(`SIGKILL ${victim}`);
  await deployment.addProcessor();
  healed(`SIGKILL ${victim}`);
};

export const addProcessor: Fault = async ({ deployment, injected, healed }) => {
  const label = await deployment.addProcessor();
  injected(`add ${label}`);
  healed(`add ${label}`);
};

export const removeProcessor =
  (signal: NodeJS.Signals): Fault =>
  async ({ deployment, injected, healed }) => {
    const label = await deployment.removeProcessor(signal);
    injected(`${signal} ${label}`);
    healed(`${signal} ${label}`);
  };

/** SIGKILL of an order-api instance with requests in flight; restarted after `downMs`. */
export const crashApi =
  (index: number, downMs = 1_000): Fault =>
  async ({ deployment, injected, healed }) => {
    await deployment.killApi(index);
    injected(`SIGKILL order-api-${index + 1}`);
    await sleep(downMs);
    await deployment.startApi(index);
    healed(`SIGKILL order-api-${index + 1}`);
  };

/** SIGSTOP of an order-api instance for `ms`, then SIGCONT: requests on it hang, then finish late. */
export const pauseApi =
  (index: number, ms: number): Fault =>
  async ({ deployment, injected, healed }) => {
    const name = `SIGSTOP order-api-${index + 1} ${ms / 1000} s`;
    injected(name);
    await deployment.pauseApi(index, ms);
    healed(name);
  };

/**
 * A zombie: the first processor is frozen (SIGSTOP) the moment it sends `when` (a request of its
 * transaction: it is mid-transaction), for `ms`, longer than its session timeout, so its partitions
 * move to the others; then it wakes up and carries on where it was.
 */
export const zombieProcessor =
  (ms: number, when: KafkaApi = 'AddOffsetsToTxn'): Fault =>
  async ({ deployment, links, injected, healed }) => {
    const [label] = deployment.processorLabels;
    if (!label) throw new Error('no processor to freeze');
    const rule = links.kafka.when({ api: when, action: 'observe', clientId: label });
    const match = await Promise.race([rule.matched, sleep(20_000).then(() => undefined)]);
    rule.remove();
    if (!match) throw new Error(`${label} sent no ${when} within 20 s`);
    const frozen = deployment.freezeProcessor(label, ms);
    const name = `SIGSTOP ${label} at its ${when}, ${ms / 1000} s`;
    injected(name);
    await frozen;
    healed(name);
  };

/** What a fault on a stack's service needs: the stack, and where to say it was injected and healed. */
export type StackFaultContext = Pick<FaultContext, 'stack' | 'injected' | 'healed'>;

/** A stack service crashed (SIGKILL; PostgreSQL in immediate mode) and started again `downMs` later. */
export const crashAndRestart =
  (target: FaultTarget, downMs: number) =>
  async ({ stack, injected, healed }: StackFaultContext): Promise<void> => {
    await crashService(stack, target);
    injected(`crash ${target}`);
    await sleep(downMs);
    await startService(stack, target);
    healed(`crash ${target} ${downMs / 1000} s`);
  };

/** One node of a cluster crashed and left down: the two left keep the cluster going, and the apps with it. */
export const crashNode =
  (target: FaultTarget): Fault =>
  async ({ stack, injected, riding }) => {
    await crashService(stack, target);
    injected(`crash ${target}`);
    riding(`${target} down`);
  };

/**
 * One node of a cluster frozen (SIGSTOP) for `ms`: it keeps its connections and answers nothing,
 * as in a long GC pause. The others fence it and carry on; resumed, it finds itself fenced.
 */
export const pauseNode =
  (target: FaultTarget, ms: number): Fault =>
  async ({ stack, injected, riding, healed }) => {
    pauseService(stack, target);
    injected(`pause ${target} ${ms / 1000} s`);
    riding(`${target} paused`);
    await sleep(ms);
    resumeService(stack, target);
    healed(`resume ${target}`);
  };

export const restart =
  (target: FaultTarget): Fault =>
  async ({ stack, injected, healed }) => {
    await startService(stack, target);
    injected(`restart ${target}`);
    healed(`restart ${target}`);
  };

const describeState = (state: LinkState) =>
  state.kind === 'delayed' ? `delayed ${state.ms} ms` : state.kind === 'replies-lost' ? 'losing replies' : state.kind;

/**
 * The link to one service in `state` for `ms`, then healed. Connections that lost replies are out
 * of step with their peers afterwards, as after a real outage: they are reset on healing.
 */
export const degradeLink =
  (link: LinkName, state: LinkState, ms: number) =>
  async ({ links, injected, healed }: Pick<FaultContext, 'links' | 'injected' | 'healed'>): Promise<void> => {
    const name = `${link} link ${describeState(state)} ${ms / 1000} s`;
    const target = links[link];
    target.set(state);
    injected(name);
    await sleep(ms);
    target.set({ kind: 'healthy' });
    if (state.kind === 'replies-lost') target.reset();
    healed(name);
  };

/**
 * For `ms`, the replies to `api` requests from clients matching `clientId` are lost after the broker
 * did the work, and the connection is reset: a commit, a send, an offset commit whose outcome the
 * client cannot know.
 */
export const loseKafkaReplies =
  (api: KafkaApi, ms: number, clientId?: RegExp): Fault =>
  async ({ links, injected, healed }) => {
    const rule = links.kafka.when({ api, action: 'drop-reply-and-reset', times: 1_000_000, ...(clientId ? { clientId } : {}) });
    const name = `Kafka loses ${api} replies ${ms / 1000} s`;
    injected(name);
    await sleep(ms);
    rule.remove();
    healed(`${name} (${rule.matches()} lost)`);
  };

/**
 * The broker a transaction's commit goes to (its coordinator) is killed the moment the commit is
 * sent, and started again `downMs` later: the coordinator fails over mid-commit.
 */
export const crashCoordinatorAtCommit =
  (downMs: number): Fault =>
  async (context) => {
    const rule = context.links.kafka.when({ api: 'EndTxn', action: 'observe', clientId: /^order-processor/ });
    const match = await Promise.race([rule.matched, sleep(20_000).then(() => undefined)]);
    rule.remove();
    if (!match) throw new Error('no transaction committed within 20 s');
    const target: FaultTarget = context.stack.kafka.nodes > 1 ? `kafka-${match.node + 1}` : 'kafka';
    await crashAndRestart(target, downMs)({ ...context, injected: (fault) => context.injected(`${fault} (at a commit)`) });
  };

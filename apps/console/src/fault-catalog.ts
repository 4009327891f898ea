import type { Links } from '@ouro/harness';
import { crashAndRestart, degradeLink } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import type { FaultInfo, FaultKind } from './shared/protocol.js';

/**
 * The process of one design that writes each order to its store and its stream: Ouro's
 * order-processor, the dual write's and the outbox's server (its poller runs inside it).
 */
export interface Writer {
  readonly name: string;
  /** SIGKILL, then a new process in its place; resolves once the new one is ready. */
  crash(): Promise<string>;
  /** SIGSTOP for `ms`, then SIGCONT: a long GC pause (Ouro's processor wakes up a zombie). */
  freeze(ms: number): Promise<string>;
}

/** What a fault can hit: the links every design here reaches the stack through, and their writers. */
export interface FaultScene {
  readonly stack: StackConfig;
  readonly links: Links;
  readonly writers: readonly Writer[];
  /** Told when the fault is in effect and when it healed, in words. */
  readonly injected: (text: string) => void;
  readonly healed: (text: string) => void;
}

interface FaultSpec extends FaultInfo {
  run(scene: FaultScene): Promise<void>;
}

const freezeMs = 15_000;
const linkMs = 10_000;

async function eachWriter(scene: FaultScene, act: (writer: Writer) => Promise<string>, healedText: string): Promise<void> {
  const done = await Promise.all(scene.writers.map((writer) => act(writer)));
  scene.healed(`${healedText}: ${done.join(', ')}`);
}

/** Every fault the console offers. The stack's services are only touched through @ouro/infra, which refuses any it did not start. */
export const faultCatalog: Readonly<Record<FaultKind, FaultSpec>> = {
  'kill-processor': {
    kind: 'kill-processor',
    title: 'Kill the processor',
    detail: 'SIGKILL the process that writes each order (Ouro: order-processor), mid-batch; a new one starts',
    reach: 'deployment',
    run: (scene) => {
      scene.injected(`SIGKILL ${scene.writers.map((writer) => writer.name).join(', ')}`);
      return eachWriter(scene, (writer) => writer.crash(), 'restarted');
    },
  },
  'pause-processor': {
    kind: 'pause-processor',
    title: 'Pause the processor',
    detail: `SIGSTOP for ${freezeMs / 1000} s, longer than its session: its partitions move, it wakes up a zombie`,
    reach: 'deployment',
    run: (scene) => {
      scene.injected(`SIGSTOP ${scene.writers.map((writer) => writer.name).join(', ')} for ${freezeMs / 1000} s`);
      return eachWriter(scene, (writer) => writer.freeze(freezeMs), 'SIGCONT');
    },
  },
  'kill-broker': {
    kind: 'kill-broker',
    title: 'Kill the broker',
    detail: "SIGKILL the stack's Kafka broker, start it again 5 s later (refused unless the stack started it)",
    reach: 'stack',
    run: (scene) => crashAndRestart('kafka', 5_000)(scene),
  },
  'cut-kafka': {
    kind: 'cut-kafka',
    title: 'Cut Kafka off',
    detail: `partition the link to Kafka for ${linkMs / 1000} s: the broker lives, nothing reaches it`,
    reach: 'deployment',
    run: (scene) => degradeLink('kafka', { kind: 'partitioned' }, linkMs)(scene),
  },
  'partition-postgres': {
    kind: 'partition-postgres',
    title: 'Partition PostgreSQL',
    detail: `partition the link to PostgreSQL for ${linkMs / 1000} s`,
    reach: 'deployment',
    run: (scene) => degradeLink('postgres', { kind: 'partitioned' }, linkMs)(scene),
  },
  'restart-redis': {
    kind: 'restart-redis',
    title: 'Restart Redis',
    detail: "SIGKILL the stack's Redis, start it again 2 s later (refused unless the stack started it)",
    reach: 'stack',
    run: (scene) => crashAndRestart('redis', 2_000)(scene),
  },
};

export const faultKinds = Object.keys(faultCatalog) as FaultKind[];

export const faultInfos: readonly FaultInfo[] = faultKinds.map((kind) => {
  const { run: _run, ...info } = faultCatalog[kind];
  return info;
});

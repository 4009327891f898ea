import { crashAndRestart, type FaultContext } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import type { OutboxCheckName } from '@ouro/reconciler';
import type { Delivery } from './stack.js';

/** What a fault on the CDC path reaches: the CDC stack's Kafka and PostgreSQL, the scenario's Connect worker, and where to say it was injected and healed. */
export interface CdcFaultContext extends Pick<FaultContext, 'injected' | 'healed'> {
  readonly services: StackConfig;
  readonly connect: StackConfig;
}

export type CdcFault = (context: CdcFaultContext) => Promise<void>;

export interface CdcScenario {
  readonly path: 'cdc';
  readonly name: string;
  readonly description: string;
  /** CDC servers taking the load (each writes orders and outbox rows to the same tables). */
  readonly servers: number;
  /** Which worker relays: at least once (the default everywhere), or exactly once (KIP-618). */
  readonly delivery: Delivery;
  readonly minDurationMs?: number;
  readonly steps: readonly { readonly at: number; readonly run: CdcFault }[];
  /**
   * Violations the verdict accepts, counted and shown. The relay delivers at least once, so a
   * consumer must absorb duplicates; a loss is never accepted.
   */
  readonly tolerates: readonly OutboxCheckName[];
}

/** The Connect worker SIGKILLed (Debezium flushes nothing), started again `downMs` later. */
const crashConnect =
  (downMs: number): CdcFault =>
  ({ connect, injected, healed }) =>
    crashAndRestart('connect', downMs)({ stack: connect, injected, healed });

/** The CDC stack's Kafka node or PostgreSQL crashed and started again `downMs` later. */
const crashService =
  (target: 'kafka' | 'postgres', downMs: number): CdcFault =>
  ({ services, injected, healed }) =>
    crashAndRestart(target, downMs)({ stack: services, injected, healed });

const at = (fraction: number, run: CdcFault) => ({ at: fraction, run });

export const cdcScenarios: readonly CdcScenario[] = [
  {
    path: 'cdc',
    name: 'cdc-connect-crash',
    description: 'the Debezium outbox: the Kafka Connect worker SIGKILLed mid-stream twice, started again 2 s later each time',
    servers: 1,
    delivery: 'at-least-once',
    minDurationMs: 30_000,
    steps: [at(0.25, crashConnect(2_000)), at(0.6, crashConnect(2_000))],
    tolerates: ['duplicated'],
  },
  {
    path: 'cdc',
    name: 'cdc-broker-restart',
    description: 'the Debezium outbox: its Kafka broker SIGKILLed and started again 3 s later',
    servers: 1,
    delivery: 'at-least-once',
    minDurationMs: 20_000,
    steps: [at(0.35, crashService('kafka', 3_000))],
    tolerates: ['duplicated'],
  },
  {
    path: 'cdc',
    name: 'cdc-postgres-restart',
    description: 'the Debezium outbox: PostgreSQL stopped in immediate mode (a crash) and started again 2 s later',
    servers: 1,
    delivery: 'at-least-once',
    minDurationMs: 20_000,
    steps: [at(0.35, crashService('postgres', 2_000))],
    tolerates: ['duplicated'],
  },
  {
    path: 'cdc',
    name: 'cdc-connect-crash-exactly-once',
    description:
      'the Debezium outbox on a worker with exactly-once source support (records and offsets in one Kafka transaction): SIGKILLed mid-stream twice, started again 2 s later each time',
    servers: 1,
    delivery: 'exactly-once',
    minDurationMs: 30_000,
    steps: [at(0.25, crashConnect(2_000)), at(0.6, crashConnect(2_000))],
    // Nothing tolerated: a read_committed consumer must see each event once.
    tolerates: [],
  },
];

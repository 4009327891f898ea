import type { StackConfig } from './config.js';

export type ServiceName = 'kafka' | 'registry' | 'postgres' | 'redis' | 'connect' | 'jaeger';

/** One process of the stack: a service, or one node of a Kafka cluster (`kafka-2`). */
export type ProcessName = ServiceName | `kafka-${number}`;

export type Report = (message: string) => void;

/** One process of the local stack: how to tell it is ready, install it, start it and stop it. */
export interface Service {
  readonly name: ProcessName;
  readonly address: string;
  readonly logFile: string;
  /** Answers a real request (an admin call, a query), not just an open port. */
  isReady(): Promise<boolean>;
  /** Installs binaries and initialises data; idempotent and quick when done already. */
  provision(report: Report): Promise<void>;
  start(report: Report): Promise<void>;
  /** Stops the instance this stack started, gracefully; leaves a reused one alone. Resolves once it is gone. */
  stop(): Promise<void>;
  /** Ends the instance this stack started as a crash would (no shutdown work). Resolves once it is gone. */
  crash(): Promise<void>;
  /** True when this stack started the running instance (so `down` may stop it). */
  isOwned(): boolean;
  /** The pid of the running instance this stack started, for faults that signal it (pause). */
  pid?(): number | undefined;
  /**
   * True when the running instance this stack started was started with another configuration
   * than this version of the stack writes (e.g. new listeners): `up` restarts it.
   */
  isOutdated?(): boolean;
  /** Deletes the data (not the downloaded binaries). */
  dataDirs(): readonly string[];
  /** How long to wait for readiness after start. */
  readonly startTimeoutMs: number;
  /** What usually goes wrong, for the failure message. */
  readonly hints: readonly string[];
  /**
   * Services this one cannot start without (`kafka`: every node). Brought up together, it starts
   * once they answer; taken down together, it stops before them.
   */
  readonly needs?: readonly ServiceName[];
}

export type ServiceFactory = (config: StackConfig) => Service;

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApp, startApp } from '@ouro/app-runner';
import type { Connections } from '@ouro/config';
import { KafkaLink, Link, type StackConfig } from '@ouro/infra';

export interface Topology {
  readonly apis: number;
  readonly processors: number;
}

interface Member {
  readonly label: string;
  readonly app: RunningApp;
}

/** The links between the apps and each service: every fault on the network is applied to one of them. */
export interface Links {
  readonly kafka: KafkaLink;
  readonly registry: Link;
  readonly postgres: Link;
  readonly redis: Link;
}

const hostPort = (url: string, defaultPort: number) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || defaultPort) };
};

const withAddress = (url: string, link: Link) => {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(link.port);
  return parsed.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
};

/** Opens a link in front of each service the apps use; the apps are then pointed at the links. */
export async function openLinks(stack: StackConfig, connections: Connections): Promise<Links> {
  const [kafka, registry, postgres, redis] = await Promise.all([
    KafkaLink.open(stack),
    Link.open(hostPort(connections.schemaRegistryUrl, 80)),
    Link.open(hostPort(connections.databaseUrl, 5432)),
    Link.open(hostPort(connections.redisUrl, 6379)),
  ]);
  return { kafka, registry, postgres, redis };
}

export async function closeLinks(links: Links): Promise<void> {
  await Promise.all([links.kafka.close(), links.registry.close(), links.postgres.close(), links.redis.close()]);
}

/** The apps' environment: every service reached through its link. */
export function linkedEnvironment(links: Links, connections: Connections): Record<string, string> {
  return {
    KAFKA_BROKERS: links.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: withAddress(connections.schemaRegistryUrl, links.registry),
    DATABASE_URL: withAddress(connections.databaseUrl, links.postgres),
    REDIS_URL: withAddress(connections.redisUrl, links.redis),
  };
}

/**
 * The apps of one chaos run, as real processes: order-api instances and order-processor members of
 * one group. Faults kill, pause, restart, add and remove them; `urls()` is what the load sees. Each
 * processor has a Kafka client id of its own (its label), so a fault can pick its requests.
 */
export class Deployment {
  private readonly apis: (Member | undefined)[] = [];
  private readonly processors: Member[] = [];
  private processorsStarted = 0;
  private readonly started: Member[] = [];

  /** `logDir`: where every app's output is written once it ends (one file per app). */
  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly logDir?: string,
  ) {}

  async start({ apis, processors }: Topology): Promise<void> {
    await Promise.all([
      ...Array.from({ length: apis }, (_, index) => this.startApi(index)),
      ...Array.from({ length: processors }, () => this.addProcessor()),
    ]);
  }

  urls(): string[] {
    return this.apis.flatMap((api) => (api ? [api.app.url] : []));
  }

  get apiCount(): number {
    return this.apis.filter(Boolean).length;
  }

  get processorLabels(): string[] {
    return this.processors.map(({ label }) => label);
  }

  async startApi(index: number): Promise<void> {
    const generation = this.started.filter((member) => member.label.startsWith(`order-api-${index + 1}`)).length;
    const label = `order-api-${index + 1}${generation > 0 ? `.${generation + 1}` : ''}`;
    this.apis[index] = this.track({ label, app: await startApp('order-api', this.env) });
  }

  private track(member: Member): Member {
    this.started.push(member);
    return member;
  }

  /** Kills an order-api instance; requests in flight on it fail mid-way (the client retries elsewhere). */
  async killApi(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const api = this.apis[index];
    this.apis[index] = undefined;
    await api?.app.kill(signal);
  }

  /** Freezes an order-api instance (SIGSTOP) for `ms`, then lets it go on (SIGCONT): a GC pause, a VM migration. */
  async pauseApi(index: number, ms: number): Promise<string | undefined> {
    const api = this.apis[index];
    if (!api) return undefined;
    await pauseProcess(api.app, ms);
    return api.label;
  }

  async addProcessor(): Promise<string> {
    const label = `order-processor-${++this.processorsStarted}`;
    this.processors.push(this.track({ label, app: await startApp('order-processor', { ...this.env, KAFKA_CLIENT_ID: label }) }));
    return label;
  }

  /** Removes the oldest processor: SIGTERM leaves the group cleanly, SIGKILL leaves it to the session timeout. */
  async removeProcessor(signal: NodeJS.Signals): Promise<string | undefined> {
    const member = this.processors.shift();
    await member?.app.kill(signal);
    return member?.label;
  }

  /**
   * Freezes a processor (SIGSTOP) for `ms`, then lets it go on: held longer than the session
   * timeout, it wakes up a zombie whose partitions have moved, in the middle of what it was doing.
   */
  async pauseProcessor(label: string, ms: number): Promise<void> {
    const member = this.processors.find((candidate) => candidate.label === label);
    if (member) await pauseProcess(member.app, ms);
  }

  /** Freezes a processor now and resumes it after `ms`, without waiting: the caller picks the moment. */
  freezeProcessor(label: string, ms: number): Promise<void> | undefined {
    const member = this.processors.find((candidate) => candidate.label === label);
    return member ? pauseProcess(member.app, ms) : undefined;
  }

  private members(): Member[] {
    return [...this.apis.flatMap((api) => (api ? [api] : [])), ...this.processors];
  }

  async stop(): Promise<void> {
    const all = this.members();
    this.apis.length = 0;
    this.processors.length = 0;
    // A frozen process cannot act on SIGTERM: let it run again first.
    for (const { app } of all) signal(app, 'SIGCONT');
    await Promise.allSettled(all.map(({ app }) => app.kill('SIGTERM')));
    this.saveLogs();
  }

  /** Every app's output, ended or not, one file per app, for reading a failed run afterwards. */
  saveLogs(): void {
    if (!this.logDir) return;
    mkdirSync(this.logDir, { recursive: true });
    for (const { label, app } of this.started) writeFileSync(join(this.logDir, `${label}.log`), `${app.output.join('\n')}\n`);
  }

  /** The last lines every app printed, for a failure report. */
  tails(lines = 15): string {
    return this.members()
      .map(({ label, app }) => `--- ${label}\n${app.output.slice(-lines).join('\n')}`)
      .join('\n');
  }
}

/** Sends a signal to an app that may have exited meanwhile (then there is nothing to do). */
export function signal(app: RunningApp, name: NodeJS.Signals): void {
  try {
    process.kill(app.pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export async function pauseProcess(app: RunningApp, ms: number): Promise<void> {
  signal(app, 'SIGSTOP');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    signal(app, 'SIGCONT');
  }
}

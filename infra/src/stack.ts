import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import type { StackConfig } from './config.js';
import { kafkaNodes } from './kafka-cluster.js';
import { isPortOpen, pollUntil } from './process.js';
import type { ProcessName, Service, ServiceName } from './service.js';
import { connectService } from './services/connect.js';
import { jaegerService } from './services/jaeger.js';
import { isKafkaClusterReady, kafkaServices } from './services/kafka.js';
import { postgresService } from './services/postgres.js';
import { redisService } from './services/redis.js';
import { registryService } from './services/registry.js';
import { dim, green, red, say, yellow } from './ui.js';

/** The services every run of the stack has. */
export const serviceNames: readonly ServiceName[] = ['kafka', 'registry', 'postgres', 'redis'];

/**
 * Parts of the stack started only when asked (`up --with cdc,tracing`): change data capture is Kafka
 * Connect with Debezium; tracing is Jaeger, where the apps send their spans.
 */
export const stackExtras = { cdc: ['connect'], tracing: ['jaeger'] } as const satisfies Readonly<Record<string, readonly ServiceName[]>>;

export type StackExtra = keyof typeof stackExtras;

export function isStackExtra(name: string): name is StackExtra {
  return Object.hasOwn(stackExtras, name);
}

/** The core services and those of the extras named: `stackUp(config, stackServiceNames(['cdc']))`. */
export function stackServiceNames(extras: readonly StackExtra[] = []): ServiceName[] {
  return [...new Set([...serviceNames, ...extras.flatMap((extra) => stackExtras[extra])])];
}

export type Outcome = 'started' | 'reused';

export class ServiceFailed extends Error {
  constructor(
    readonly service: Service,
    readonly reason: string,
  ) {
    super(`${service.name} failed: ${reason} (log: ${service.logFile})`);
  }
}

/** `kafka` or `kafka-<n>` when it names a node of this config's Kafka; the node's id, else undefined. */
function kafkaNodeId(config: StackConfig, name: string): number | undefined {
  const match = /^kafka-(\d+)$/.exec(name);
  if (!match) return undefined;
  const id = Number(match[1]);
  if (id < 1 || id > config.kafka.nodes) {
    throw new Error(
      `${name}: this stack runs ${config.kafka.nodes} Kafka node${config.kafka.nodes > 1 ? 's' : ''} (KAFKA_NODES, --brokers)`,
    );
  }
  return id;
}

/**
 * The processes behind the names: a service, or one Kafka node (`kafka-2`). `kafka` is every node
 * of the configured Kafka, one or a cluster.
 */
export function services(config: StackConfig, only: readonly ProcessName[] = serviceNames): Service[] {
  const factories = {
    registry: registryService,
    postgres: postgresService,
    redis: redisService,
    connect: connectService,
    jaeger: jaegerService,
  };
  return only.flatMap((name) => {
    if (name === 'kafka') return kafkaServices(config);
    const nodeId = kafkaNodeId(config, name);
    if (nodeId !== undefined) return kafkaServices(config).slice(nodeId - 1, nodeId);
    const factory = factories[name as keyof typeof factories];
    if (!factory) {
      throw new Error(
        `unknown service "${name}" (one of ${stackServiceNames(['cdc', 'tracing']).join(', ')}, or kafka-<n> for one Kafka node)`,
      );
    }
    return [factory(config)];
  });
}

/** Whether a service answers; any failure to answer is a no. */
export const isReady = (service: Service) => service.isReady().catch(() => false);

export function portOf(service: Service): { host: string; port: number } {
  const url = new URL(service.address.includes('://') ? service.address : `tcp://${service.address}`);
  return { host: url.hostname, port: Number(url.port) };
}

/** The extras whose services this stack runs now: a bare `status`, `down` or `reset` includes them. */
export function runningExtras(config: StackConfig): StackExtra[] {
  return (Object.keys(stackExtras) as StackExtra[]).filter((extra) =>
    services(config, stackExtras[extra]).some((service) => service.isOwned()),
  );
}

/** What `status`, `down` and `reset` act on when no service is named: the core, what runs, and the extras asked for. */
export function followedServiceNames(config: StackConfig, extras: readonly StackExtra[] = []): ServiceName[] {
  return stackServiceNames([...extras, ...runningExtras(config)]);
}

/** `kafka-2` is part of `kafka`. */
const isPartOf = (name: string, service: ServiceName) => name === service || name.startsWith(`${service}-`);

/**
 * Brings one process up: reuse it if it answers, else install, start and wait for a real answer.
 * One this stack started that holds its port without answering yet (still starting) is waited for.
 * `needsUp` resolves whether what it needs came up; it is installed meanwhile, and started after.
 */
export async function bringUp(service: Service, needsUp: Promise<boolean> = Promise.resolve(true)): Promise<Outcome> {
  const report = (text: string) => say(dim('▸'), service.name, text);
  if (await isReady(service)) {
    if (!service.isOutdated?.()) {
      say(green('✓'), service.name, `up at ${service.address} ${dim('(already running, reused)')}`);
      return 'reused';
    }
    report('running with an earlier configuration: restarting');
    await service.stop();
  }
  const { host, port } = portOf(service);
  const waitForAnswer = () =>
    pollUntil(() => isReady(service), {
      timeoutMs: service.startTimeoutMs,
      isFatal: () => (service.isOwned() ? undefined : 'the process exited'),
    });
  const started = Date.now();
  try {
    if (await isPortOpen(host, port)) {
      if (!service.isOwned()) throw new Error(`port ${port} is taken by a program that does not answer as ${service.name}`);
      report('started earlier by this stack, not answering yet: waiting');
      await waitForAnswer();
      return 'reused';
    }
    await service.provision(report);
    if (!(await needsUp)) throw new Error(`not started: ${service.needs?.join(', ')} did not come up`);
    report('starting');
    await service.start(report);
    await waitForAnswer();
  } catch (error) {
    throw new ServiceFailed(service, error instanceof Error ? error.message : String(error));
  }
  say(green('✓'), service.name, `up at ${service.address} ${dim(`(started in ${((Date.now() - started) / 1000).toFixed(1)}s)`)}`);
  return 'started';
}

function explain(error: ServiceFailed, root: string): void {
  const { service, reason } = error;
  say(red('✗'), service.name, red(reason));
  console.error(`  log:    ${relative(root, service.logFile) || service.logFile}`);
  console.error(`  likely: ${service.hints.join('\n          ')}`);
  if (existsSync(service.logFile)) {
    const tail = readFileSync(service.logFile, 'utf8').trimEnd().split('\n').slice(-12);
    console.error(dim(tail.map((line) => `  | ${line}`).join('\n')));
  }
}

/** A cluster is up when each node answers and each one's metadata lists every node. */
async function awaitKafkaCluster(config: StackConfig, list: readonly Service[]): Promise<void> {
  const nodeNames = kafkaNodes(config.kafka).map((node) => node.name);
  if (nodeNames.length === 1 || !nodeNames.every((name) => list.some((service) => service.name === name))) return;
  await pollUntil(() => isKafkaClusterReady(config).catch(() => false), { timeoutMs: 60_000 }).catch((error: Error) => {
    throw new Error(`the Kafka nodes answer, but not all of them see ${config.kafka.nodes} brokers: ${error.message}`);
  });
  say(green('✓'), 'kafka', `cluster of ${config.kafka.nodes} brokers`);
}

/**
 * Starts every service (or those named) at once; resolves with what each did, or rejects after
 * explaining each failure. `kafka` is every Kafka node; with several, also waits for the whole cluster.
 */
export async function stackUp(config: StackConfig, only?: readonly ProcessName[]): Promise<Record<string, Outcome>> {
  const list = services(config, only);
  const outcomes = new Map<Service, Promise<Outcome>>();
  // Each starts once what it needs (among those brought up) answers; the rest start at once.
  const up = (service: Service): Promise<Outcome> => {
    let outcome = outcomes.get(service);
    if (!outcome) {
      const needed = list.filter((other) => service.needs?.some((need) => isPartOf(other.name, need)));
      const needsUp = Promise.all(needed.map(up)).then(
        () => true,
        () => false,
      );
      outcome = bringUp(service, needsUp);
      outcomes.set(service, outcome);
    }
    return outcome;
  };
  const results = await Promise.allSettled(list.map(up));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    for (const failure of failures) {
      if (failure instanceof ServiceFailed) explain(failure, config.root);
      else console.error(failure);
    }
    throw new Error(`the stack did not come up (${failures.length} service${failures.length > 1 ? 's' : ''} failed)`);
  }
  await awaitKafkaCluster(config, list);
  return Object.fromEntries(list.map((service, index) => [service.name, (results[index] as PromiseFulfilledResult<Outcome>).value]));
}

async function takeDown(service: Service): Promise<void> {
  if (!service.isOwned()) {
    say(dim('·'), service.name, (await isReady(service)) ? 'left running (not started by this stack)' : 'not running');
    return;
  }
  await service.stop();
  say(green('✓'), service.name, 'stopped');
}

/** Stops what this stack started; a service that needs others (Connect needs Kafka) stops before them. */
export async function stackDown(config: StackConfig, only?: readonly ProcessName[]): Promise<void> {
  const list = services(config, only ?? followedServiceNames(config));
  const dependents = list.filter((service) => service.needs?.length);
  await Promise.all(dependents.map(takeDown));
  await Promise.all(list.filter((service) => !dependents.includes(service)).map(takeDown));
}

/** Prints each service (each Kafka node) as up or down; resolves true when all are up. */
export async function stackStatus(config: StackConfig, only?: readonly ProcessName[]): Promise<boolean> {
  const list = services(config, only ?? followedServiceNames(config));
  const states = await Promise.all(list.map(isReady));
  list.forEach((service, index) => {
    const owner = service.isOwned() ? dim('(started by this stack)') : states[index] ? dim('(external)') : '';
    say(states[index] ? green('up  ') : red('down'), service.name, `${service.address} ${owner}`);
  });
  return states.every(Boolean);
}

/** Stops the stack (or the services named) and deletes its data; with `all`, the downloaded binaries too. */
export async function stackReset(config: StackConfig, all: boolean, only?: readonly ProcessName[]): Promise<void> {
  if (all && only) throw new Error('resetting with the downloads removes the whole stack directory: it cannot be limited to some services');
  const names = only ?? followedServiceNames(config);
  await stackDown(config, names);
  const list = services(config, names);
  for (const dir of all ? [config.stateDir] : list.flatMap((service) => service.dataDirs())) {
    rmSync(dir, { recursive: true, force: true });
  }
  say(yellow('✓'), 'stack', all ? `removed ${relative(config.root, config.stateDir)}` : 'data removed (downloads kept)');
}

import type { StackConfig } from './config.js';
import { isPortOpen, pollUntil } from './process.js';
import type { Service } from './service.js';
import { bringUp, portOf, ServiceFailed, services } from './stack.js';

/** What a fault can hit: a service, or one Kafka node (`kafka` alone is node 1). */
export type FaultTarget = 'kafka' | `kafka-${number}` | 'registry' | 'postgres' | 'redis' | 'connect';

/** A fault aimed at a process this stack did not start: it may be someone else's, so it is left alone. */
export class NotStartedByStack extends Error {
  override name = 'NotStartedByStack';
  constructor(
    readonly target: FaultTarget,
    readonly address: string,
  ) {
    super(`${target} at ${address} is not running as a process this stack started (no live pid file): refusing to touch it`);
  }
}

function serviceFor(config: StackConfig, target: FaultTarget): Service {
  const [service] = services(config, [target === 'kafka' ? 'kafka-1' : target]);
  if (!service) throw new Error(`no such target: ${target}`);
  return service;
}

function owned(config: StackConfig, target: FaultTarget): Service {
  const service = serviceFor(config, target);
  if (!service.isOwned()) throw new NotStartedByStack(target, service.address);
  return service;
}

/**
 * Kills the target as a crash would. kafka-N: SIGKILL that node's JVM ('kafka' = node 1).
 * postgres: `pg_ctl stop -m immediate` (crash semantics; a SIGKILL of the postmaster leaves children
 * and shared memory behind), redis, registry and connect: SIGKILL. Resolves when the process is gone.
 */
export async function crashService(config: StackConfig, target: FaultTarget): Promise<void> {
  const service = owned(config, target);
  await service.crash();
  await untilClosed(service);
}

/**
 * Freezes the target (SIGSTOP) as a long GC pause or a hung host would: it keeps its port, the
 * kernel still takes connections for it, and nothing answers. Only Kafka nodes can be paused.
 */
export function pauseService(config: StackConfig, target: FaultTarget): void {
  process.kill(pidOf(config, target), 'SIGSTOP');
}

/** Lets a paused target run again (SIGCONT): it carries on from where it stopped, unaware of the time gone. */
export function resumeService(config: StackConfig, target: FaultTarget): void {
  process.kill(pidOf(config, target), 'SIGCONT');
}

function pidOf(config: StackConfig, target: FaultTarget): number {
  const service = owned(config, target);
  const pid = service.pid?.();
  if (pid === undefined) throw new Error(`${target} cannot be paused: the stack knows no pid for it`);
  return pid;
}

/** The process is gone once its pid is; its port must be closed too, or a fault did not happen. */
async function untilClosed(service: Service): Promise<void> {
  const { host, port } = portOf(service);
  await pollUntil(async () => !(await isPortOpen(host, port)), { timeoutMs: 10_000, intervalMs: 50 }).catch(() => {
    throw new Error(`${service.name}: its process is gone but ${host}:${port} still accepts connections`);
  });
}

/** Stops the target gracefully (SIGTERM / pg_ctl -m fast / redis SHUTDOWN) and resolves when gone. */
export async function stopService(config: StackConfig, target: FaultTarget): Promise<void> {
  const service = owned(config, target);
  await service.stop();
  await untilClosed(service);
}

/**
 * Starts the target again (only that node/service) and resolves once it answers a real request
 * (same readiness as stack up). A Kafka node is ready when it answers and the cluster's metadata
 * lists it again; the other nodes need not be up. Rejects with a ServiceFailed naming the log.
 */
export async function startService(config: StackConfig, target: FaultTarget): Promise<void> {
  const service = serviceFor(config, target);
  const outcome = await bringUp(service);
  if (outcome === 'reused' && !service.isOwned()) {
    throw new ServiceFailed(service, `something not started by this stack already answers at ${service.address}`);
  }
}

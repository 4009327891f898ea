import { existsSync, readFileSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import type { StackConfig } from './config.js';
import { isPortOpen, pollUntil } from './process.js';
import type { Service, ServiceName } from './service.js';
import { kafkaService } from './services/kafka.js';
import { postgresService } from './services/postgres.js';
import { redisService } from './services/redis.js';
import { registryService } from './services/registry.js';
import { dim, green, red, say, yellow } from './ui.js';

export const serviceNames: readonly ServiceName[] = ['kafka', 'registry', 'postgres', 'redis'];

export type Outcome = 'started' | 'reused';

export class ServiceFailed extends Error {
  constructor(
    readonly service: Service,
    readonly reason: string,
  ) {
    super(`${service.name} failed: ${reason}`);
  }
}

export function services(config: StackConfig, only: readonly ServiceName[] = serviceNames): Service[] {
  const factories = { kafka: kafkaService, registry: registryService, postgres: postgresService, redis: redisService };
  return only.map((name) => factories[name](config));
}

/** Whether a service answers; any failure to answer is a no. */
export const isReady = (service: Service) => service.isReady().catch(() => false);

function portOf(service: Service): { host: string; port: number } {
  const url = new URL(service.address.includes('://') ? service.address : `tcp://${service.address}`);
  return { host: url.hostname, port: Number(url.port) };
}

/** Brings one service up: reuse it if it answers, else install, start and wait for a real answer. */
async function up(service: Service): Promise<Outcome> {
  const report = (text: string) => say(dim('▸'), service.name, text);
  if (await isReady(service)) {
    say(green('✓'), service.name, `up at ${service.address} ${dim('(already running, reused)')}`);
    return 'reused';
  }
  const { host, port } = portOf(service);
  if (await isPortOpen(host, port)) {
    throw new ServiceFailed(service, `port ${port} is taken by a program that does not answer as ${service.name}`);
  }
  const started = Date.now();
  try {
    await service.provision(report);
    report('starting');
    await service.start(report);
    await pollUntil(() => isReady(service), {
      timeoutMs: service.startTimeoutMs,
      isFatal: () => (service.isOwned() ? undefined : 'the process exited'),
    });
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

/** Starts every service at once; resolves with what each did, or rejects after explaining each failure. */
export async function stackUp(config: StackConfig, only?: readonly ServiceName[]): Promise<Record<string, Outcome>> {
  const list = services(config, only);
  const results = await Promise.allSettled(list.map(up));
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
  if (failures.length > 0) {
    for (const failure of failures) {
      if (failure instanceof ServiceFailed) explain(failure, config.root);
      else console.error(failure);
    }
    throw new Error(`the stack did not come up (${failures.length} service${failures.length > 1 ? 's' : ''} failed)`);
  }
  return Object.fromEntries(list.map((service, index) => [service.name, (results[index] as PromiseFulfilledResult<Outcome>).value]));
}

export async function stackDown(config: StackConfig, only?: readonly ServiceName[]): Promise<void> {
  await Promise.all(
    services(config, only).map(async (service) => {
      if (!service.isOwned()) {
        say(dim('·'), service.name, (await isReady(service)) ? 'left running (not started by this stack)' : 'not running');
        return;
      }
      await service.stop();
      say(green('✓'), service.name, 'stopped');
    }),
  );
}

/** Prints each service as up or down; resolves true when all are up. */
export async function stackStatus(config: StackConfig): Promise<boolean> {
  const list = services(config);
  const states = await Promise.all(list.map(isReady));
  list.forEach((service, index) => {
    const owner = service.isOwned() ? dim('(started by this stack)') : states[index] ? dim('(external)') : '';
    say(states[index] ? green('up  ') : red('down'), service.name, `${service.address} ${owner}`);
  });
  return states.every(Boolean);
}

/** Stops the stack and deletes its data; with `all`, the downloaded binaries too. */
export async function stackReset(config: StackConfig, all: boolean): Promise<void> {
  await stackDown(config);
  const list = services(config);
  for (const dir of all ? [config.stateDir] : list.flatMap((service) => service.dataDirs())) {
    rmSync(dir, { recursive: true, force: true });
  }
  say(yellow('✓'), 'stack', all ? `removed ${relative(config.root, config.stateDir)}` : 'data removed (downloads kept)');
}

import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadStackConfig, type StackConfig } from './config.js';
import { kafkaAddresses } from './kafka-cluster.js';
import type { ProcessName } from './service.js';
import {
  followedServiceNames,
  isStackExtra,
  type StackExtra,
  serviceNames,
  services,
  stackDown,
  stackExtras,
  stackReset,
  stackServiceNames,
  stackStatus,
  stackUp,
} from './stack.js';
import { dim, red, say } from './ui.js';

const usage = `Usage: npm run stack -- <command> [service…] [--brokers 1|3] [--with cdc,tracing]

  up [service…]        install what is missing, start, wait until each answers
  down [service…]      stop what this stack started
  status               each service up or down, with its address (exit 1 if any is down)
  logs <service> [-f]  the service's log (-f follows it)
  reset [--all]        stop and delete the data (--all: the downloads too)

Services: ${serviceNames.join(', ')}; kafka-1, kafka-2, kafka-3 name one node of a cluster (kafka is all of them).
--brokers 3 runs Kafka as a cluster of three nodes (also KAFKA_NODES=3); the default is one.
--with cdc adds Kafka Connect with Debezium (service connect), --with tracing adds Jaeger (service
jaeger: its UI at JAEGER_UI_URL, spans in at JAEGER_OTLP_URL); a bare status, down or reset
includes them while they run.
Addresses come from the environment (see .env.example).`;

/** `--with cdc,tracing` (repeatable, or comma-separated): the extras asked for. */
function extrasFrom(values: readonly string[] = []): StackExtra[] {
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim());
  for (const name of names) {
    if (!isStackExtra(name)) throw new Error(`--with ${name}: one of ${Object.keys(stackExtras).join(', ')}`);
  }
  return names as StackExtra[];
}

/**
 * The node count from --brokers, else KAFKA_NODES. Without either, the commands follow what this
 * stack runs: after `up --brokers 3`, a bare `status` or `down` means that cluster.
 */
function configFor(brokers: string | undefined): StackConfig {
  if (brokers !== undefined) {
    if (brokers !== '1' && brokers !== '3')
      throw new Error(`--brokers ${brokers}: 1, or 3 for a cluster (two nodes would survive no failure)`);
    return loadStackConfig({ ...process.env, KAFKA_NODES: brokers });
  }
  if (process.env.KAFKA_NODES?.trim()) return loadStackConfig();
  const cluster = loadStackConfig({ ...process.env, KAFKA_NODES: '3' });
  if (!services(cluster, ['kafka']).some((node) => node.isOwned())) return loadStackConfig();
  say(dim('·'), 'kafka', dim('a cluster of 3 nodes started by this stack is running: as with --brokers 3'));
  return cluster;
}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      all: { type: 'boolean' },
      brokers: { type: 'string' },
      follow: { type: 'boolean', short: 'f' },
      help: { type: 'boolean', short: 'h' },
      with: { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  if (command === undefined || values.help) {
    console.log(usage);
    return values.help ? 0 : 2;
  }
  const config = configFor(values.brokers);
  const extras = extrasFrom(values.with);
  const named = rest.length > 0 ? (rest as ProcessName[]) : undefined;
  switch (command) {
    case 'up':
      await stackUp(config, named ?? stackServiceNames(extras));
      if (config.kafka.nodes > 1 && (named === undefined || named.includes('kafka'))) {
        console.log(`\nApps reach every node with: KAFKA_BROKERS=${kafkaAddresses(config).join(',')}`);
      }
      return 0;
    case 'down':
      await stackDown(config, named ?? followedServiceNames(config, extras));
      return 0;
    case 'status':
      return (await stackStatus(config, named ?? followedServiceNames(config, extras))) ? 0 : 1;
    case 'logs': {
      // `kafka` with several nodes: all of their logs, each under its file name.
      const files = services(config, named?.slice(0, 1) ?? ['kafka']).map((service) => service.logFile);
      const tail = spawn('tail', ['-n', '100', ...(values.follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
      return new Promise((resolve) => tail.on('close', (code) => resolve(code ?? 0)));
    }
    case 'reset':
      await stackReset(config, values.all ?? false);
      return 0;
    default:
      console.log(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(red(error instanceof Error ? error.message : String(error)));
    process.exit(1);
  },
);

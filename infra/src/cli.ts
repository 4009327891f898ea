import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadStackConfig } from './config.js';
import type { ServiceName } from './service.js';
import { serviceNames, services, stackDown, stackReset, stackStatus, stackUp } from './stack.js';
import { red } from './ui.js';

const usage = `Usage: npm run stack -- <command> [service…]

  up [service…]        install what is missing, start, wait until each answers
  down [service…]      stop what this stack started
  status               each service up or down, with its address (exit 1 if any is down)
  logs <service> [-f]  the service's log (-f follows it)
  reset [--all]        stop and delete the data (--all: the downloads too)

Services: ${serviceNames.join(', ')}. Addresses come from the environment (see .env.example).`;

function parseServices(names: readonly string[]): ServiceName[] | undefined {
  if (names.length === 0) return undefined;
  for (const name of names) {
    if (!serviceNames.includes(name as ServiceName)) throw new Error(`unknown service "${name}" (one of ${serviceNames.join(', ')})`);
  }
  return names as ServiceName[];
}

async function main(argv: readonly string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { all: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  const config = loadStackConfig();
  switch (command) {
    case 'up':
      await stackUp(config, parseServices(rest));
      return 0;
    case 'down':
      await stackDown(config, parseServices(rest));
      return 0;
    case 'status':
      return (await stackStatus(config)) ? 0 : 1;
    case 'logs': {
      const [service] = services(config, parseServices(rest.slice(0, 1)) ?? ['kafka']);
      if (!service) return 2;
      const tail = spawn('tail', ['-n', '100', ...(values.follow ? ['-F'] : []), service.logFile], { stdio: 'inherit' });
      return new Promise((resolve) => tail.on('close', (code) => resolve(code ?? 0)));
    }
    case 'reset':
      await stackReset(config, values.all ?? false);
      return 0;
    default:
      console.log(usage);
      return values.help ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(red(error instanceof Error ? error.message : String(error)));
    process.exit(1);
  },
);

// `npm start`: the stack (reused when up), then every app and the console in the foreground; Ctrl-C stops them.
// `npm start -- --with cdc` adds Kafka Connect with Debezium: the console's race then includes the CDC relay.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { isStackExtra, loadStackConfig, stackExtras, stackServiceNames, stackUp } from '@ouro/infra';
import { provision } from '@ouro/provisioning';
import { prettyFactory } from 'pino-pretty';
import { bold, exitWith, phase, root } from './phase.js';

// The apps log JSON (for machines); here a person reads them.
const prettify = prettyFactory({
  colorize: Boolean(process.stdout.isTTY),
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,name',
  singleLine: true,
});

function readable(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    return prettify(JSON.parse(line)).trimEnd();
  } catch {
    return line;
  }
}

/** Apps in start order; each runs `src/main.ts` when it exists. The console runs deployments of its own beside them. */
const appNames = ['order-processor', 'order-api', 'console'];
const consolePort = Number(process.env.CONSOLE_PORT ?? 3100);

function startApp(name: string): ChildProcess {
  // In-process TypeScript (`--import tsx`): a signal sent to the app reaches the app, not a wrapper.
  // Its instrumentation first: tracing hooks the libraries before the app imports them.
  const instrumentation = join(root, 'apps', name, 'src/instrumentation.ts');
  const preload = existsSync(instrumentation) ? ['--import', instrumentation] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, join(root, 'apps', name, 'src/main.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = bold(name.padEnd(16));
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${prefix}│ ${readable(line)}\n`));
  }
  return child;
}

const { values } = parseArgs({ options: { with: { type: 'string', multiple: true } } });
const extras = (values.with ?? []).flatMap((value) => value.split(',')).map((name) => name.trim());
const unknown = extras.filter((name) => !isStackExtra(name));
if (unknown.length > 0) exitWith(new Error(`--with ${unknown.join(',')}: one of ${Object.keys(stackExtras).join(', ')}`));
const config = loadStackConfig();
await phase('stack', () => stackUp(config, stackServiceNames(extras.filter(isStackExtra)))).catch(exitWith);
await phase('prepare', () => provision(console.log)).catch(exitWith);
await phase('console front end', async () => {
  const build = spawnSync(process.execPath, [join(root, 'apps/console/node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: join(root, 'apps/console'),
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`the console's front end did not build (exit ${build.status})`);
}).catch(exitWith);

const apps = appNames.filter((name) => existsSync(join(root, 'apps', name, 'src/main.ts')));
if (apps.length === 0) {
  console.log('The stack is up; there are no apps to run yet. `npm run stack -- down` stops the stack.');
  process.exit(0);
}

const children = apps.map((name) => ({ name, process: startApp(name) }));
if (apps.includes('console')) {
  console.log(bold(`\nThe console: http://127.0.0.1:${consolePort}/ (it starts an order-api and an order-processor of its own)\n`));
}
let stopping = false;
const exits = children.map(
  ({ name, process: child }) =>
    new Promise<number>((resolve) =>
      child.on('exit', (code, signal) => {
        if (!stopping) {
          console.error(`${name} exited (${code ?? signal}); stopping the others`);
          stop('SIGTERM');
        }
        resolve(code ?? 0);
      }),
    ),
);

function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(bold('\nstopping the apps (the stack keeps running; `npm run stack -- down` stops it)'));
  for (const { process: child } of children) child.kill(signal);
}

// Ctrl-C reaches the apps too (same process group); SIGTERM from a supervisor is passed on.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const codes = await Promise.all(exits);
process.exit(codes.some((code) => code !== 0) && !stopping ? 1 : 0);

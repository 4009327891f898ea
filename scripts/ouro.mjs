#!/usr/bin/env node
// The entry point behind `npm start`, `npm test` and `npm run stack`. Plain Node, no dependencies:
// on a fresh clone it installs pnpm at the pinned version and the workspace's dependencies (both
// skipped when already done), then hands over to the TypeScript command.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnvFile } from './env-file.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const toolsDir = join(root, '.tools');
const pnpmCli = join(toolsDir, 'node_modules/pnpm/bin/pnpm.cjs');

function step(text) {
  process.stdout.write(`▸ setup     ${text}\n`);
}

function runOrExit(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.status !== 0) {
    console.error(`\`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

function installedPnpmVersion() {
  const manifest = join(toolsDir, 'node_modules/pnpm/package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

function ensurePnpm() {
  if (installedPnpmVersion() === pnpmVersion) return;
  step(`installing pnpm ${pnpmVersion} into .tools/`);
  runOrExit('npm', [
    'install',
    '--prefix',
    toolsDir,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    `pnpm@${pnpmVersion}`,
  ]);
}

function manifests() {
  const found = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', 'infra/package.json'];
  // A patched dependency is reinstalled when its patch changes.
  const patches = join(root, 'patches');
  if (existsSync(patches)) for (const name of readdirSync(patches)) found.push(`patches/${name}`);
  for (const group of ['apps', 'packages']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) found.push(`${group}/${name}/package.json`);
  }
  return found.filter((file) => existsSync(join(root, file)));
}

function dependencyDigest() {
  const hash = createHash('sha256');
  for (const file of manifests()) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

function ensureDependencies() {
  const stamp = join(root, 'node_modules/.ouro-installed');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === dependencyDigest()) return;
  step('installing dependencies (pnpm install)');
  const frozen = process.env.CI ? ['--frozen-lockfile'] : [];
  runOrExit(process.execPath, [pnpmCli, 'install', '--reporter=append-only', ...frozen]);
  writeFileSync(stamp, dependencyDigest());
}

/**
 * Runs a TypeScript entry point in-process (`--import tsx`, no wrapper process), with pnpm and the
 * workspace's binaries on PATH (turbo looks for the package manager there). Ctrl-C reaches the child
 * directly (same process group), so we only wait; other signals are passed on.
 */
function run(entry, args = [], preload = []) {
  const path = [join(toolsDir, 'node_modules/.bin'), join(root, 'node_modules/.bin'), process.env.PATH].join(':');
  const imports = [...preload].flatMap((module) => ['--import', join(root, module)]);
  const child = spawn(process.execPath, ['--import', 'tsx', ...imports, join(root, entry), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, PATH: path },
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** One app on its own, as an operator runs instances: configuration from the environment, no stack. */
const apps = { 'start:api': 'order-api', 'start:processor': 'order-processor' };

const commands = {
  start: 'scripts/start.ts',
  test: 'scripts/test.ts',
  stack: 'infra/src/cli.ts',
  schemas: 'scripts/schemas.ts',
  bench: 'apps/bench/src/main.ts',
  verify: 'packages/reconciler/src/cli.ts',
  dlq: 'apps/order-processor/src/dlq.ts',
  chaos: 'apps/chaos/src/main.ts',
  'screenshot:trace': 'scripts/trace-screenshot.ts',
};

// `.env` (see .env.example) for every command and what it starts; a variable already set wins.
loadEnvFile(root);

const [command, ...args] = process.argv.slice(2);
const script = commands[command];
if (!script && !apps[command]) {
  console.error(`usage: node scripts/ouro.mjs <${[...Object.keys(commands), ...Object.keys(apps)].join('|')}> [args…]`);
  process.exit(2);
}
ensurePnpm();
ensureDependencies();
// An app runs with its instrumentation loaded first (tracing, off unless OTEL_TRACES_EXPORTER is set).
if (script) run(script, args);
else run(`apps/${apps[command]}/src/main.ts`, args, [`apps/${apps[command]}/src/instrumentation.ts`]);

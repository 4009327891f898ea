import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandExists, run } from './process.js';
import type { Report } from './service.js';

const isRoot = process.getuid?.() === 0;

/** dpkg takes one installer at a time; services provisioning in parallel queue here. */
let aptQueue: Promise<unknown> = Promise.resolve();

/** Installs Debian packages with apt-get (root only); explains what to run otherwise. */
export async function aptInstall(packages: readonly string[], report: Report): Promise<void> {
  if (!(await commandExists('apt-get'))) {
    throw new Error(`${packages.join(', ')} missing and apt-get is not available: install them with your package manager`);
  }
  if (!isRoot) {
    throw new Error(`${packages.join(', ')} missing: run \`sudo apt-get install -y ${packages.join(' ')}\` once`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = aptQueue.then(async () => {
    report(`installing Debian packages ${packages.join(', ')} (first run only)`);
    await run('apt-get', ['update', '-qq'], { env });
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
  });
  aptQueue = install.catch(() => {});
  await install;
}

export async function requireCommand(command: string, fix: string): Promise<void> {
  if (!(await commandExists(command))) throw new Error(`\`${command}\` not found: ${fix}`);
}

/**
 * Runs `install` unless `dir` holds a stamp for the same inputs: reruns are free, a changed pom re-downloads.
 */
export async function onceFor(dir: string, inputs: readonly string[], install: () => Promise<void>): Promise<void> {
  const stamp = join(dir, '.installed');
  const digest = createHash('sha256')
    .update(inputs.map((input) => (existsSync(input) ? readFileSync(input, 'utf8') : input)).join('\0'))
    .digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return;
  await install();
  writeFileSync(stamp, digest);
}

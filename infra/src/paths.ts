import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.js';
import type { ServiceName } from './service.js';

export function serviceDir(config: StackConfig, name: ServiceName | 'tools'): string {
  const dir = join(config.stateDir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function logFile(config: StackConfig, name: ServiceName): string {
  const dir = join(config.stateDir, 'logs');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.log`);
}

export function pidFile(config: StackConfig, name: ServiceName): string {
  return join(serviceDir(config, name), `${name}.pid`);
}

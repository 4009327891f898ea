import { ConfigError } from './connections.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** An integer variable within bounds, or its default; anything else names the variable at fault. */
export function integer(env: Env, name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new ConfigError(`${name}=${raw} must be an integer from ${min} to ${max}`);
  return value;
}

export function text(env: Env, name: string, fallback: string): string {
  return env[name]?.trim() || fallback;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name}=${raw} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

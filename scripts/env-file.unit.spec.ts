import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadEnvFile } from './env-file.mjs';

const dirs: string[] = [];
const checkout = (dotEnv?: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-env-'));
  dirs.push(dir);
  if (dotEnv !== undefined) writeFileSync(join(dir, '.env'), dotEnv);
  return dir;
};

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('.env', () => {
  it('sets what the file says, and a variable already set wins', () => {
    // given a .env, and a shell that already sets one of its variables
    const root = checkout('# the stack elsewhere\nREDIS_URL=redis://10.0.0.5:6379\nDATABASE_URL="postgres://ouro@10.0.0.6/ouro"\n');
    const env: Record<string, string | undefined> = { REDIS_URL: 'redis://127.0.0.1:7000' };

    // when it is loaded
    const set = loadEnvFile(root, env);

    // then the file filled in what was missing, and left the shell's value alone
    expect(env).toEqual({ REDIS_URL: 'redis://127.0.0.1:7000', DATABASE_URL: 'postgres://ouro@10.0.0.6/ouro' });
    expect(set).toEqual(['DATABASE_URL']);
  });

  it('is optional', () => {
    const env = {};
    expect(loadEnvFile(checkout(), env)).toEqual([]);
    expect(env).toEqual({});
  });
});

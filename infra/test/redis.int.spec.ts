import { stackEnv, uniqueName } from '@ouro/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const redis = new Redis(stackEnv().redisUrl);
afterAll(() => redis.quit());

describe('Redis (ioredis against the local server)', () => {
  it('round-trips a value with a time to live', async () => {
    const key = uniqueName('stack:roundtrip');

    await redis.set(key, 'pending', 'EX', 60);

    expect(await redis.get(key)).toBe('pending');
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    await redis.del(key);
  });
});

import { randomUUID } from 'node:crypto';

/** A name no other test run uses: tests share one stack, so topics, groups and keys must not collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

/** Where a frame's code lives: a package name, Node itself, or V8's own buckets (GC, idle, program). */
function ownerOf(url: string, functionName: string): string {
  if (!url) return `(${functionName.replace(/[()]/g, '') || 'native'})`;
  const inPackage = url.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/);
  if (inPackage?.[1]) return inPackage[1];
  if (url.startsWith('node:')) return 'node (built-in)';
  const workspace = url.match(/\/(apps|packages)\/([^/]+)\//);
  return workspace ? `@ouro/${workspace[2]}` : url;
}

/** Self time by owner and by function, from the V8 CPU profiles (`--cpu-prof`) in `dir`. */
export function summariseProfile(dir: string) {
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: ProfileNode[] };
    for (const node of profile.nodes) {
      const hits = node.hitCount ?? 0;
      if (hits === 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      // Waiting is not where the time goes: shares are of busy samples, idle is reported apart.
      if (functionName === '(idle)') {
        idle += hits;
        continue;
      }
      total += hits;
      const owner = ownerOf(url, functionName);
      byOwner.set(owner, (byOwner.get(owner) ?? 0) + hits);
      const name = `${functionName || '(anonymous)'} ${owner}${url ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    }
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, hits]) => ({ name, share: Math.round((hits / Math.max(1, total)) * 1000) / 10 }));
  return {
    busySamples: total,
    idleShare: Math.round((idle / Math.max(1, idle + total)) * 1000) / 10,
    byOwner: top(byOwner, 12),
    byFunction: top(byFunction, 15),
  };
}

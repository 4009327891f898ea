import { execFileSync } from 'node:child_process';

/**
 * The commit a measurement ran on, as results record it: the short hash, and whether the apps'
 * or packages' sources differed from it (a figure from uncommitted code says so).
 */
export function sourceVersion(root: string): string {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).toString().trim();
  const dirty =
    execFileSync('git', ['status', '--porcelain', '--', 'apps', 'packages', 'infra', 'patches'], { cwd: root }).toString().trim() !== '';
  return dirty ? `${commit} + uncommitted changes` : commit;
}

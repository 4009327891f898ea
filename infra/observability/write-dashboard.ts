// `npm run observability:dashboard`: writes grafana-dashboard.json from dashboard.ts, formatted as
// the repository formats JSON (Biome), so that `biome ci` passes on what it wrote.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from './dashboard.js';

export const dashboardFile = join(import.meta.dirname, 'grafana-dashboard.json');
export const dashboardJson = () => `${JSON.stringify(buildDashboard(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(dashboardFile, dashboardJson());
  execFileSync(join(import.meta.dirname, '../../node_modules/.bin/biome'), ['format', '--write', dashboardFile], { stdio: 'ignore' });
  console.log(`wrote ${dashboardFile}`);
}

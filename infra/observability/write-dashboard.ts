// `npm run observability:dashboard`: writes grafana-dashboard.json from dashboard.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from './dashboard.js';

export const dashboardFile = join(import.meta.dirname, 'grafana-dashboard.json');
export const dashboardJson = () => `${JSON.stringify(buildDashboard(), null, 2)}\n`;

if (process.argv[1] === import.meta.filename) {
  writeFileSync(dashboardFile, dashboardJson());
  console.log(`wrote ${dashboardFile}`);
}

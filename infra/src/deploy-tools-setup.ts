import { ensureDeployTools } from './deploy-tools.js';

/** Vitest global setup for the deploy scope: the tools that check the deployment files, installed once. */
export default async function setup(): Promise<void> {
  await ensureDeployTools((line) => console.log(`▸ tools     ${line}`));
}

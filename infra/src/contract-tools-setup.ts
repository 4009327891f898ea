import { ensureSchemathesis } from './contract-tools.js';

/** Vitest global setup for the e2e scope: schemathesis, for the API contract test, installed once. */
export default async function setup(): Promise<void> {
  await ensureSchemathesis((line) => console.log(`▸ tools     ${line}`));
}

import { loadStackConfig } from './config.js';
import { isReady, services } from './stack.js';

/** Vitest global setup for int/e2e tests: fail at once, and say why, when the stack is not up. */
export default async function requireStack(): Promise<void> {
  const down: string[] = [];
  await Promise.all(
    services(loadStackConfig()).map(async (service) => {
      if (!(await isReady(service))) down.push(`${service.name} (${service.address})`);
    }),
  );
  if (down.length > 0) {
    throw new Error(`the stack is not up: ${down.join(', ')} not answering. Run \`npm run stack -- up\` (or \`npm test\`).`);
  }
}

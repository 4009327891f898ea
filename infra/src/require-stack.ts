import { loadStackConfig } from './config.js';
import type { ServiceName } from './service.js';
import { isReady, serviceNames, services } from './stack.js';

/** Fails at once, and says why, when one of the services named is not answering. */
export async function requireServices(names: readonly ServiceName[], howToStart: string): Promise<void> {
  const down: string[] = [];
  await Promise.all(
    services(loadStackConfig(), names).map(async (service) => {
      if (!(await isReady(service))) down.push(`${service.name} (${service.address})`);
    }),
  );
  if (down.length > 0) {
    throw new Error(`the stack is not up: ${down.join(', ')} not answering. Run ${howToStart}.`);
  }
}

/** Vitest global setup for int/e2e tests: fail at once, and say why, when the stack is not up. */
export default function requireStack(): Promise<void> {
  return requireServices(serviceNames, '`npm run stack -- up` (or `npm test`)');
}

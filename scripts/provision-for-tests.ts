import { provision } from '@ouro/provisioning';

/** Vitest global setup for the int and e2e scopes: the default deployment, ready. */
export default async function setup(): Promise<void> {
  await provision();
}

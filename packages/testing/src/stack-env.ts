import { loadConnections } from '@ouro/config';

/** The stack's addresses as the tests see them: the same environment variables as the apps. */
export function stackEnv() {
  return loadConnections();
}

import { resolve } from 'node:path';

/** The project's tools folder: binaries built or downloaded once, stamped, and reused (never committed). */
export const toolsDir = resolve(import.meta.dirname, '../../.tools');

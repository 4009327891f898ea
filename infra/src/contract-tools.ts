import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { onceFor, requireCommand } from './install.js';
import { run } from './process.js';
import type { Report } from './service.js';
import { toolsDir } from './tools-dir.js';

/** Property-based testing of the API from its OpenAPI document (PyPI). */
const SCHEMATHESIS = 'schemathesis==4.32.5';
const dir = join(toolsDir, 'schemathesis');

/** Where `st` is once installed. */
export const schemathesis = join(dir, 'venv/bin/st');

/** Installs schemathesis into its own virtualenv in the tools folder, once. */
export async function ensureSchemathesis(report: Report = () => {}): Promise<string> {
  await onceFor(dir, [SCHEMATHESIS], async () => {
    await requireCommand('python3', 'install Python 3 with venv (Debian: `apt-get install -y python3-venv`)');
    report(`installing ${SCHEMATHESIS} from PyPI into .tools/ (first run only)`);
    mkdirSync(dir, { recursive: true });
    await run('python3', ['-m', 'venv', '--clear', join(dir, 'venv')]);
    await run(join(dir, 'venv/bin/pip'), ['install', '-q', '--disable-pip-version-check', SCHEMATHESIS]);
  });
  return schemathesis;
}

// `npm run schemas:check` and `npm run schemas:register`: the schemas in schemas/ against the registry.
// `check` exits 1 when a schema may not be registered or a subject's level is not the declared one;
// `register` sets each subject's level and registers its schema (safe to repeat).
import { parseArgs } from 'node:util';
import { loadConnections } from '@ouro/config';
import { subjectCatalog } from '@ouro/contracts';
import {
  checkCompatibility,
  isFailure,
  RegistryUnreachableError,
  registerSubjects,
  SchemaIncompatibleError,
  type SubjectCompatibility,
} from '@ouro/messaging';
import { exitWith } from './phase.js';

const usage = 'usage: tsx scripts/schemas.ts <check|register> [--registry URL]';

function parseCommandLine(): { command: 'check' | 'register'; registryUrl: string } {
  const { positionals, values } = parseArgs({ options: { registry: { type: 'string' } }, allowPositionals: true });
  const [command, ...extra] = positionals;
  if ((command !== 'check' && command !== 'register') || extra.length > 0) {
    console.error(usage);
    process.exit(2);
  }
  // The stack's config reads SCHEMA_REGISTRY_URL through @ouro/config, like every other tool.
  return { command, registryUrl: (values.registry ?? loadConnections().schemaRegistryUrl).replace(/\/+$/, '') };
}

function formatCheck(results: readonly SubjectCompatibility[]): string[] {
  const width = Math.max(...results.map(({ subject }) => subject.length));
  const statusWidth = Math.max(...results.map(({ status }) => status.length));
  return results.map((result) =>
    `${isFailure(result) ? '✗' : '✓'} ${result.subject.padEnd(width)}  ${result.status.padEnd(statusWidth)}  ${result.reasons.join('; ')}`.trimEnd(),
  );
}

async function check(registryUrl: string): Promise<number> {
  const results = await checkCompatibility(registryUrl, subjectCatalog());
  console.log(`schemas/ against ${registryUrl}`);
  for (const line of formatCheck(results)) console.log(line);
  const failures = results.filter(isFailure);
  if (failures.some(({ status }) => status === 'incompatible')) {
    console.error('Change the schema compatibly: add fields with defaults, never remove or rename one without (schemas/README.md).');
  }
  if (failures.some(({ status }) => status === 'level-mismatch')) {
    console.error('`npm run schemas:register` sets every subject to its declared level.');
  }
  return failures.length > 0 ? 1 : 0;
}

async function register(registryUrl: string): Promise<number> {
  const registered = await registerSubjects(registryUrl, subjectCatalog());
  console.log(`schemas/ registered at ${registryUrl}`);
  for (const { subject, id, version } of registered) {
    console.log(`${subject} → ${id}${version === undefined ? '' : ` (version ${version})`}`);
  }
  return 0;
}

/** Network errors nest their cause (fetch failed → connect ECONNREFUSED …); the innermost one says what happened. */
function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause !== undefined) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

const { command, registryUrl } = parseCommandLine();
try {
  process.exit(await (command === 'check' ? check(registryUrl) : register(registryUrl)));
} catch (error) {
  if (error instanceof RegistryUnreachableError) {
    exitWith(
      `${error.message} (${innermostMessage(error)}). Is the stack up? \`npm run stack -- up\` starts it; --registry URL or SCHEMA_REGISTRY_URL points elsewhere.`,
    );
  }
  if (error instanceof SchemaIncompatibleError) {
    exitWith(
      `${error.message}\n\`npm run schemas:check\` explains every subject; schemas/README.md says how to change a schema compatibly.`,
    );
  }
  exitWith(error);
}

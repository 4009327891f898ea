import { parseArgs } from 'node:util';
import { defaultConvergenceMs } from './reconcile.js';
import { checkDescriptions, checkNames, severities } from './report.js';

export interface VerifyArgs {
  readonly acceptedFile: string | undefined;
  readonly json: boolean;
  readonly convergenceMs: number;
  readonly cacheKeyPrefix: string | undefined;
  readonly audit: boolean;
}

export const usage = `usage: npm run verify -- [--accepted FILE] [--json] [--convergence-ms N] [--cache-prefix PREFIX] [--audit]

Checks one deployment (ORDERS_* and connection variables, as the apps read them) against its
invariants. Exit 0: every invariant holds; 1: violations (named with their orders); 2: could not check.

  --accepted FILE       JSON lines of client requests from the load generator; without it every
                        command in the commands topic counts as accepted
  --json                the full report as JSON (every order id) instead of the table
  --convergence-ms N    how long Redis may trail PostgreSQL (default ${defaultConvergenceMs})
  --cache-prefix P      Redis key prefix of order entries (default ouro:order:)
  --audit               also read the events topic with Kafka's own Java consumer (read_committed,
                        from the local stack's Kafka jars) and compare what it sees with kafkajs

checks:
${checkNames.map((name) => `  ${name.padEnd(14)} ${severities[name] === 'info' ? '(info) ' : ''}${checkDescriptions[name]}`).join('\n')}`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** `--help` yields undefined: print the usage and stop. */
export function parseVerifyArgs(argv: readonly string[]): VerifyArgs | undefined {
  let values: ReturnType<typeof parse>['values'];
  try {
    ({ values } = parse(argv));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const convergenceMs = Number(values['convergence-ms'] ?? defaultConvergenceMs);
  if (!Number.isInteger(convergenceMs) || convergenceMs < 0) {
    throw new UsageError(`--convergence-ms must be a whole number of milliseconds, not ${values['convergence-ms']}`);
  }
  return {
    acceptedFile: values.accepted,
    json: values.json ?? false,
    convergenceMs,
    cacheKeyPrefix: values['cache-prefix'],
    audit: values.audit ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      accepted: { type: 'string' },
      json: { type: 'boolean' },
      'convergence-ms': { type: 'string' },
      'cache-prefix': { type: 'string' },
      audit: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

// `npm test`: the stack with Kafka Connect (reused when up), then lint, typecheck, schema compatibility and every test.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackConfig, stackServiceNames, stackUp } from '@ouro/infra';
import { provision } from '@ouro/provisioning';
import { bold, exitWith, phase, root } from './phase.js';

function exec(command: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : { NO_COLOR: '1' }) },
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

const bin = (name: string) => join(root, 'node_modules/.bin', name);

async function mustPass(name: string, command: string, args: readonly string[]): Promise<void> {
  const code = await phase(name, () => exec(command, args));
  if (code !== 0) {
    console.error(`${name} failed (exit ${code})`);
    process.exit(code);
  }
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const config = loadStackConfig();
// With change data capture: the cdc tests need Kafka Connect (a few seconds to start once installed).
await phase('stack', () => stackUp(config, stackServiceNames(['cdc']))).catch(exitWith);
await mustPass('lint', bin('biome'), ['ci', ...(process.stdout.isTTY ? [] : ['--colors=off']), '.']);
// Compatibility is checked against what the registry holds before this build registers anything.
await mustPass('schemas:check', bin('tsx'), [join(root, 'scripts/schemas.ts'), 'check']);
await phase('prepare', () => provision(console.log)).catch(exitWith);
await mustPass('typecheck', bin('turbo'), ['run', 'typecheck', '--output-logs=errors-only']);
await mustPass('typecheck (scripts)', bin('tsc'), ['--noEmit', '-p', '.']);
await mustPass('build', bin('turbo'), ['run', 'build', '--output-logs=errors-only']);

mkdirSync(config.stateDir, { recursive: true });
const extraArgs = process.argv.slice(2);

/** One vitest run with its JSON summary, so both runs add up to one line. */
async function vitest(name: string, projects: readonly string[]): Promise<{ code: number; summary?: VitestJson }> {
  const results = join(config.stateDir, `vitest-${name}.json`);
  rmSync(results, { force: true });
  const code = await phase(name, () =>
    exec(bin('vitest'), [
      'run',
      ...projects.flatMap((project) => ['--project', project]),
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${results}`,
      ...extraArgs,
    ]),
  );
  return existsSync(results) ? { code, summary: JSON.parse(readFileSync(results, 'utf8')) as VitestJson } : { code };
}

// Fault injection crashes and restarts the stack's services: it runs after every other test, alone.
const runs = [await vitest('tests', ['unit', 'deploy', 'int', 'e2e', 'cdc']), await vitest('chaos', ['chaos'])];
const total = (pick: (summary: VitestJson) => number) => runs.reduce((sum, run) => sum + (run.summary ? pick(run.summary) : 0), 0);
console.log(
  `\n${bold('tests:')} ${total((s) => s.numPassedTests)} passed, ${total((s) => s.numFailedTests)} failed, ${total((s) => s.numPendingTests + s.numTodoTests)} skipped`,
);
const code = runs.find((run) => run.code !== 0)?.code ?? 0;
console.log('The stack is left running for the next run; `npm run stack -- down` stops it.');
process.exit(code);

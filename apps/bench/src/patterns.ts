// `npx tsx apps/bench/src/patterns.ts --bench RUN.json --chaos RUN.json [--chaos RUN.json…] [--write]`:
// the measured comparison of docs/PATTERNS.md from a benchmark run and the fault runs, printed, or
// written into its figures section with --write.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type BenchRun, type ChaosRun, renderPatternFigures, replaceFigures } from './report/patterns.js';

const { values } = parseArgs({
  options: { bench: { type: 'string' }, chaos: { type: 'string', multiple: true }, write: { type: 'boolean' } },
});
if (!values.bench) {
  console.error('Usage: npx tsx apps/bench/src/patterns.ts --bench RUN.json --chaos RUN.json [--chaos RUN.json…] [--write]');
  process.exit(2);
}
const read = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
const figures = renderPatternFigures(
  read<BenchRun>(values.bench),
  (values.chaos ?? []).map((file) => read<ChaosRun>(file)),
);
if (values.write) {
  const document = join(resolve(import.meta.dirname, '../../..'), 'docs/PATTERNS.md');
  writeFileSync(document, replaceFigures(readFileSync(document, 'utf8'), figures));
  console.log('docs/PATTERNS.md: figures replaced');
} else {
  console.log(figures);
}

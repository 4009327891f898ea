// Generates src/generated/*.ts from the Avro schemas in schemas/: wire types are never written by hand.
// `generatedSources()` is shared with the freshness test, so a stale file fails `npm test`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedSources } from '../src/generate-sources.js';

const outDir = join(import.meta.dirname, '../src/generated');
for (const { file, source } of generatedSources()) {
  writeFileSync(join(outDir, file), source);
  console.log(`wrote src/generated/${file}`);
}

import { toTypeScript } from '@ovotech/avro-ts';
import type { Schema } from 'avsc';
import { readSchema, subjectCatalog } from './schemas.js';

const header = '// Generated from schemas/%s by `pnpm --filter @ouro/contracts generate`. Do not edit.\n';

/** The TypeScript source generated for each schema: file name under src/generated/ and its text. */
export function generatedSources(): Array<{ file: string; source: string }> {
  return subjectCatalog().map(({ schema }) => ({
    file: schema.replace(/\.avsc$/, '.ts'),
    source: `${header.replace('%s', schema)}${toTypeScript(readSchema(schema) as unknown as Schema, {
      // avsc decodes these as plain numbers and strings; no logical type classes are registered.
      logicalTypes: { 'timestamp-millis': 'number', uuid: 'string' },
    })}\n`,
  }));
}

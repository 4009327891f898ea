import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSources } from './generate-sources.js';
import { subjectCatalog } from './schemas.js';
import { subjects } from './topics.js';

describe('generated wire types', () => {
  it.each(generatedSources())('src/generated/$file matches schemas/ (run `pnpm --filter @ouro/contracts generate`)', ({ file, source }) => {
    expect(readFileSync(join(import.meta.dirname, 'generated', file), 'utf8')).toBe(source);
  });

  it('declares a subject for each topic, named by the topic name strategy', () => {
    expect(subjectCatalog().map((spec) => spec.subject)).toEqual([subjects.commands, subjects.events]);
    for (const spec of subjectCatalog()) expect(spec.subject).toBe(`${spec.topic}-value`);
  });
});

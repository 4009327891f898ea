import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's schemas/ folder, the wire source of truth: the nearest one above this module,
 * so it is found from the sources and from an app's bundle (apps/<app>/dist) alike.
 */
function findSchemasDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'schemas/subjects.json'))) return join(dir, 'schemas');
    if (dirname(dir) === dir) throw new Error(`no schemas/subjects.json above ${from}`);
  }
}

export const schemasDir = findSchemasDir(import.meta.dirname);

export type Compatibility = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';

export interface SubjectSpec {
  readonly subject: string;
  readonly topic: string;
  /** File name under schemas/. */
  readonly schema: string;
  readonly compatibility: Compatibility;
}

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly fields: readonly unknown[];
}

export function readSchema(file: string): AvroRecordSchema {
  return JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as AvroRecordSchema;
}

/** Every subject with its schema and compatibility level, as declared in schemas/subjects.json. */
export function subjectCatalog(): ReadonlyArray<SubjectSpec & { readonly definition: AvroRecordSchema }> {
  const { subjects } = JSON.parse(readFileSync(join(schemasDir, 'subjects.json'), 'utf8')) as { subjects: SubjectSpec[] };
  return subjects.map((spec) => Object.freeze({ ...spec, definition: readSchema(spec.schema) }));
}

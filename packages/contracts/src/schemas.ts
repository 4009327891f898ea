import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's schemas/ folder: the wire source of truth. */
export const schemasDir = resolve(import.meta.dirname, '../../../schemas');

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

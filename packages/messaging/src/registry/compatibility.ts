import type { AvroRecordSchema, SubjectSpec } from '@ouro/contracts';
import { explainIncompatibility } from './explain-incompatibility.js';
import { RegistryError } from './registry-http.js';
import {
  fetchCompatibilityLevel,
  fetchRegisteredVersions,
  isCompatibleInRegistry,
  lookUpVersion,
  postSchema,
  putCompatibilityLevel,
} from './subject-api.js';

/** What the checks need of a `subjectCatalog()` entry: the subject, its declared level and its schema. */
export type SubjectSchema = Pick<SubjectSpec, 'subject' | 'compatibility'> & { readonly definition: AvroRecordSchema };

/**
 * - `new`: the subject has no versions yet (a first deploy registers it).
 * - `compatible`: the schema may be registered under the declared level.
 * - `incompatible`: it may not; `reasons` say which field breaks which version.
 * - `level-mismatch`: the schema is fine, but the registry enforces another level than the declared one,
 *   so it would guard later changes wrongly.
 */
export type CompatibilityStatus = 'new' | 'compatible' | 'incompatible' | 'level-mismatch';

export interface SubjectCompatibility {
  readonly subject: string;
  readonly status: CompatibilityStatus;
  readonly reasons: readonly string[];
}

export interface RegisteredSubject {
  readonly subject: string;
  /** The registry's id for the schema (a content id: the same schema has the same id in every subject). */
  readonly id: number;
  readonly version?: number;
}

/** The registry refused a schema as incompatible with the subject's registered versions. */
export class SchemaIncompatibleError extends Error {
  override name = 'SchemaIncompatibleError';
  constructor(
    readonly subject: string,
    readonly reasons: readonly string[],
  ) {
    super(`${subject}: the registry refused the schema as incompatible: ${reasons.join('; ')}`);
  }
}

/** Statuses that must stop a deploy; `new` is a first deploy and fine. */
export function isFailure({ status }: SubjectCompatibility): boolean {
  return status === 'incompatible' || status === 'level-mismatch';
}

/** Whether each schema may be registered under its declared level, and why not when it may not. */
export function checkCompatibility(registryUrl: string, catalog: readonly SubjectSchema[]): Promise<SubjectCompatibility[]> {
  return Promise.all(catalog.map((entry) => checkSubject(registryUrl, entry)));
}

/**
 * Sets each subject's declared level, then registers its schema; registering an already registered
 * schema returns its existing id, so running this at every start is safe. Throws SchemaIncompatibleError
 * on the first schema the registry refuses; the subjects before it stay registered.
 */
export async function registerSubjects(registryUrl: string, catalog: readonly SubjectSchema[]): Promise<RegisteredSubject[]> {
  const registered: RegisteredSubject[] = [];
  for (const { subject, compatibility, definition } of catalog) {
    await putCompatibilityLevel(registryUrl, subject, compatibility);
    const id = await postSchema(registryUrl, subject, definition).catch(async (error: unknown) => {
      if (!(error instanceof RegistryError && error.status === 409)) throw error;
      const reasons = explainIncompatibility(compatibility, definition, await fetchRegisteredVersions(registryUrl, subject));
      // avsc and the registry's checker can disagree on corner cases; the registry's own words are then all we have.
      throw new SchemaIncompatibleError(subject, reasons.length > 0 ? reasons : [error.message]);
    });
    registered.push({ subject, id, version: await lookUpVersion(registryUrl, subject, definition) });
  }
  return registered;
}

async function checkSubject(registryUrl: string, { subject, compatibility, definition }: SubjectSchema): Promise<SubjectCompatibility> {
  const versions = await fetchRegisteredVersions(registryUrl, subject);
  if (versions.length === 0) return { subject, status: 'new', reasons: [] };

  const level = await fetchCompatibilityLevel(registryUrl, subject);
  if (level === compatibility) {
    if (await isCompatibleInRegistry(registryUrl, subject, definition)) return { subject, status: 'compatible', reasons: [] };
    const reasons = explainIncompatibility(compatibility, definition, versions);
    return {
      subject,
      status: 'incompatible',
      reasons:
        reasons.length > 0
          ? reasons
          : [`the registry finds it incompatible under ${compatibility}, but Avro schema resolution finds no cause`],
    };
  }

  // The registry would judge under the wrong level, so its verdict means nothing here: judge locally under the declared one.
  const reasons = explainIncompatibility(compatibility, definition, versions);
  return {
    subject,
    status: reasons.length > 0 ? 'incompatible' : 'level-mismatch',
    reasons: [`the registry enforces ${level ?? 'no level'}, the catalog declares ${compatibility}`, ...reasons],
  };
}

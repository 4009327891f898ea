import type { Compatibility } from '@ouro/contracts';
import type { RegisteredVersion } from './explain-incompatibility.js';
import { isNotFound, registryRequest, subjectPath } from './registry-http.js';

/** The registry stores a schema as a JSON string; sending the same object always sends the same text, so ids repeat. */
function schemaBody(definition: unknown): { schema: string } {
  return { schema: JSON.stringify(definition) };
}

/** Every version of `subject` with its schema; empty when the subject has none (never registered). */
export async function fetchRegisteredVersions(registryUrl: string, subject: string): Promise<RegisteredVersion[]> {
  const numbers = await registryRequest<number[]>(registryUrl, `${subjectPath(subject)}/versions`).catch((error: unknown) => {
    if (isNotFound(error)) return [];
    throw error;
  });
  return Promise.all(
    numbers.map(async (version) => {
      const found = await registryRequest<{ schema: string }>(registryUrl, `${subjectPath(subject)}/versions/${version}`);
      return { version, schema: JSON.parse(found.schema) as unknown };
    }),
  );
}

/** The level the registry enforces for `subject` (its own, else the global one); undefined when it has neither rule nor versions. */
export async function fetchCompatibilityLevel(registryUrl: string, subject: string): Promise<string | undefined> {
  try {
    const { compatibilityLevel } = await registryRequest<{ compatibilityLevel: string }>(
      registryUrl,
      `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`,
    );
    return compatibilityLevel;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Sets the level before the first version exists too, so the very first registration is already guarded. */
export async function putCompatibilityLevel(registryUrl: string, subject: string, compatibility: Compatibility): Promise<void> {
  await registryRequest(registryUrl, `/config/${encodeURIComponent(subject)}`, { method: 'PUT', body: { compatibility } });
}

/** The registry's verdict for `definition` against every version, under the level it enforces for the subject. */
export async function isCompatibleInRegistry(registryUrl: string, subject: string, definition: unknown): Promise<boolean> {
  const { is_compatible } = await registryRequest<{ is_compatible: boolean }>(
    registryUrl,
    `/compatibility${subjectPath(subject)}/versions`,
    { method: 'POST', body: schemaBody(definition) },
  );
  return is_compatible;
}

/** Registers `definition` (or finds it, when already registered) and returns its id; HTTP 409 when incompatible. */
export async function postSchema(registryUrl: string, subject: string, definition: unknown): Promise<number> {
  const { id } = await registryRequest<{ id: number }>(registryUrl, `${subjectPath(subject)}/versions`, {
    method: 'POST',
    body: schemaBody(definition),
  });
  return id;
}

/** The version under which `definition` is registered in `subject`: registering answers with the id only. */
export async function lookUpVersion(registryUrl: string, subject: string, definition: unknown): Promise<number> {
  const { version } = await registryRequest<{ version: number }>(registryUrl, subjectPath(subject), {
    method: 'POST',
    body: schemaBody(definition),
  });
  return version;
}

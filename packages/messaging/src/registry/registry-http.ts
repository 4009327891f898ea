/** The Confluent-compatible API's own media type; Apicurio's ccompat API answers in it too. */
const mediaType = 'application/vnd.schemaregistry.v1+json';

/** Long enough for a registry under load, short enough that a hung one fails the command instead of stalling it. */
const requestTimeoutMs = 10_000;

/** The registry could not be reached at all: nothing listens there, or it did not answer in time. */
export class RegistryUnreachableError extends Error {
  override name = 'RegistryUnreachableError';
  constructor(
    readonly registryUrl: string,
    options: { cause: unknown },
  ) {
    super(`the schema registry at ${registryUrl} is not answering`, options);
  }
}

/** The registry answered with an error; `errorCode` is the Confluent error code (40401 subject not found, 409 incompatible…). */
export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: number | undefined,
  ) {
    super(message);
  }
}

export interface RegistryRequest {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly body?: unknown;
}

/**
 * One call to the registry's REST API, its JSON answer typed by the caller (the API's documented shapes).
 * Plain fetch rather than @kafkajs/confluent-schema-registry: its register() refuses to run when the
 * subject's level differs from the one asked for, and it has no compatibility check.
 */
export async function registryRequest<T>(registryUrl: string, path: string, { method = 'GET', body }: RegistryRequest = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${registryUrl}${path}`, {
      method,
      headers: { accept: mediaType, ...(body === undefined ? {} : { 'content-type': mediaType }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    throw new RegistryUnreachableError(registryUrl, { cause: error });
  }
  const text = await response.text();
  if (!response.ok) {
    const { message, error_code } = parseErrorBody(text);
    throw new RegistryError(`${method} ${path}: HTTP ${response.status}: ${message ?? text}`, response.status, error_code);
  }
  return JSON.parse(text) as T;
}

/** The subject, or the version asked for, does not exist (Confluent codes 40401 and 40402; Apicurio uses both). */
export function isNotFound(error: unknown): boolean {
  return error instanceof RegistryError && error.status === 404;
}

/** Path segment for a subject: subject names may hold characters that are not URL-safe. */
export function subjectPath(subject: string): string {
  return `/subjects/${encodeURIComponent(subject)}`;
}

function parseErrorBody(text: string): { message?: string; error_code?: number } {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as { message?: string; error_code?: number }) : {};
  } catch {
    return {};
  }
}

/**
 * The error as a dead letter states it: the innermost cause (a driver's own error, not the wrapper
 * that repeats the statement and its parameters), without NUL characters (PostgreSQL text cannot
 * hold them) and cut to a readable length.
 */
export function describeFailure(error: unknown): string {
  let root = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  const code = root instanceof Error ? (root as Error & { code?: unknown }).code : undefined;
  const text = root instanceof Error ? `${root.name}${typeof code === 'string' ? ` ${code}` : ''}: ${root.message}` : String(root);
  return text.replaceAll('\u0000', '').slice(0, 1_000);
}

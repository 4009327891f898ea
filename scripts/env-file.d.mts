/** Reads `<root>/.env`, if there is one, into `env`: a variable already set wins. Returns the names it set. */
export function loadEnvFile(root: string, env?: Record<string, string | undefined>): string[];

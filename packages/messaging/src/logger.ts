/** The slice of a pino logger the runtime needs; apps pass their pino instance. */
export interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

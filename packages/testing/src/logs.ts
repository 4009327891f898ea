import type { RunningApp } from '@ouro/app-runner';
import { eventually } from './eventually.js';

/** One pino line as an app wrote it: `msg` plus whatever fields it logged. */
export type LoggedLine = Readonly<Record<string, unknown>> & { readonly msg?: string };

/** The JSON lines an app has logged so far (kafkajs' and Node's own plain-text lines are skipped). */
export function loggedLines(app: RunningApp): LoggedLine[] {
  return app.output.flatMap((text) => {
    try {
      const line: unknown = JSON.parse(text);
      return typeof line === 'object' && line !== null ? [line as LoggedLine] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Waits until `app` has logged a line `matches` accepts and returns it: how a test learns that
 * something happened inside another process (a request arrived, a shutdown began) without sleeping.
 */
export function waitForLog(app: RunningApp, matches: (line: LoggedLine) => boolean, { timeoutMs = 15_000 } = {}): Promise<LoggedLine> {
  return eventually(
    () => {
      const line = loggedLines(app).find(matches);
      if (!line) throw new Error(`${app.name} has not logged the awaited line; its last lines:\n${app.output.slice(-10).join('\n')}`);
      return line;
    },
    { timeoutMs, intervalMs: 20 },
  );
}

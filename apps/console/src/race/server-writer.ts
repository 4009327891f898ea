import type { RunningApp } from '@ouro/app-runner';
import { pauseProcess } from '@ouro/harness';
import type { Writer } from '../fault-catalog.js';

/**
 * The writer of a design that is one server process: SIGKILL, then a new one in its place; frozen
 * with SIGSTOP. `current` and `replace` hold the process the design's clients reach.
 */
export function serverWriter(name: string, current: () => RunningApp, replace: () => Promise<RunningApp>): Writer {
  return {
    name,
    crash: async () => {
      await current().kill('SIGKILL');
      await replace();
      return `${name} restarted`;
    },
    freeze: async (ms) => {
      await pauseProcess(current(), ms);
      return name;
    },
  };
}

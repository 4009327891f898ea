import { execFileSync } from 'node:child_process';

/**
 * The processes listening on each TCP port, from `ss -ltnpH` (iproute2). The stack's services are
 * found by the ports they serve, not by pid files: the stack in use may have been started from
 * another checkout.
 */
export function parseListeners(output: string): Map<number, number[]> {
  const listeners = new Map<number, number[]>();
  for (const line of output.split('\n')) {
    const port = Number(line.match(/^LISTEN\s+\d+\s+\d+\s+\S*:(\d+)\s/)?.[1]);
    if (!Number.isInteger(port)) continue;
    const pids = [...line.matchAll(/pid=(\d+)/g)].map(([, pid]) => Number(pid));
    listeners.set(port, [...new Set([...(listeners.get(port) ?? []), ...pids])]);
  }
  return listeners;
}

export function listenersByPort(): Map<number, number[]> {
  return parseListeners(execFileSync('ss', ['-ltnpH']).toString());
}

/** The pids serving `ports`; throws for a port nothing listens on, so a missing service is not counted as idle. */
export function pidsServing(listeners: Map<number, number[]>, ports: readonly number[], service: string): number[] {
  return [
    ...new Set(
      ports.flatMap((port) => {
        const pids = listeners.get(port);
        if (!pids?.length) throw new Error(`no process listens on port ${port} (${service}): cannot account for its CPU`);
        return pids;
      }),
    ),
  ];
}

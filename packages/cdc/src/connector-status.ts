/** The states Kafka Connect reports for a connector and for each of its tasks. */
export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface WorkerState {
  readonly state: ConnectorState;
  readonly worker_id: string;
  /** The Java stack trace of a FAILED one. */
  readonly trace?: string;
}

/** `GET /connectors/{name}/status`. */
export interface ConnectorStatus {
  readonly name: string;
  readonly connector: WorkerState;
  readonly tasks: ReadonlyArray<WorkerState & { readonly id: number }>;
  readonly type: 'source' | 'sink';
}

export type ConnectorHealth =
  | { readonly kind: 'running' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'starting'; readonly reason: string };

/** The first line of a Java trace says what went wrong; the rest says where. */
const firstLine = (trace: string | undefined) => trace?.split('\n')[0]?.trim() || 'no trace';

/**
 * Running means the connector and every task run, and it has tasks: a connector reports RUNNING
 * before its tasks are assigned, and a source with no task captures nothing.
 */
export function connectorHealth(status: ConnectorStatus): ConnectorHealth {
  if (status.connector.state === 'FAILED') return { kind: 'failed', reason: `connector: ${firstLine(status.connector.trace)}` };
  const failed = status.tasks.find((task) => task.state === 'FAILED');
  if (failed) return { kind: 'failed', reason: `task ${failed.id}: ${firstLine(failed.trace)}` };
  if (status.connector.state !== 'RUNNING') return { kind: 'starting', reason: `connector ${status.connector.state}` };
  if (status.tasks.length === 0) return { kind: 'starting', reason: 'no task assigned yet' };
  const waiting = status.tasks.find((task) => task.state !== 'RUNNING');
  if (waiting) return { kind: 'starting', reason: `task ${waiting.id} ${waiting.state}` };
  return { kind: 'running' };
}

import { describe, expect, it } from 'vitest';
import { type ConnectorStatus, connectorHealth } from './connector-status.js';

const worker = '127.0.0.1:8083';
const status = (
  connector: ConnectorStatus['connector']['state'],
  ...tasks: ConnectorStatus['tasks'][number]['state'][]
): ConnectorStatus => ({
  name: 'outbox',
  type: 'source',
  connector: { state: connector, worker_id: worker },
  tasks: tasks.map((state, id) => ({ id, state, worker_id: worker })),
});

describe('connectorHealth', () => {
  it('is running only when the connector and every task run', () => {
    expect(connectorHealth(status('RUNNING', 'RUNNING'))).toEqual({ kind: 'running' });
    expect(connectorHealth(status('RUNNING', 'RUNNING', 'UNASSIGNED'))).toEqual({ kind: 'starting', reason: 'task 1 UNASSIGNED' });
  });

  it('is still starting while a running connector has no task yet: a source without a task captures nothing', () => {
    expect(connectorHealth(status('RUNNING'))).toEqual({ kind: 'starting', reason: 'no task assigned yet' });
    expect(connectorHealth(status('UNASSIGNED'))).toEqual({ kind: 'starting', reason: 'connector UNASSIGNED' });
  });

  it('has failed when the connector or a task has, naming the first line of its trace', () => {
    const failedTask: ConnectorStatus = {
      ...status('RUNNING', 'RUNNING'),
      tasks: [
        { id: 0, state: 'FAILED', worker_id: worker, trace: 'org.postgresql.util.PSQLException: FATAL: no pg_hba.conf entry\n\tat …' },
      ],
    };
    const failedConnector: ConnectorStatus = { ...status('FAILED'), connector: { state: 'FAILED', worker_id: worker } };

    expect(connectorHealth(failedTask)).toEqual({
      kind: 'failed',
      reason: 'task 0: org.postgresql.util.PSQLException: FATAL: no pg_hba.conf entry',
    });
    expect(connectorHealth(failedConnector)).toEqual({ kind: 'failed', reason: 'connector: no trace' });
  });
});

import pWaitFor from 'p-wait-for';
import { type ConnectorHealth, connectorHealth } from './connector-status.js';
import { ConnectUnreachable, type KafkaConnect } from './kafka-connect.js';

/** The connector or one of its tasks FAILED: waiting longer will not help (a bad config, an unreachable database). */
export class ConnectorFailed extends Error {
  override name = 'ConnectorFailed';
  constructor(
    readonly connector: string,
    readonly reason: string,
  ) {
    super(`connector ${connector} failed: ${reason}`);
  }
}

/** The connector did not reach RUNNING in time; `reason` is the last state seen. */
export class ConnectorNotRunning extends Error {
  override name = 'ConnectorNotRunning';
  constructor(
    readonly connector: string,
    readonly reason: string,
  ) {
    super(`connector ${connector} not running: ${reason}`);
  }
}

/**
 * Resolves once the connector and each of its tasks report RUNNING. Fails at once when one reports
 * FAILED; a Connect that does not answer for a moment (restarting) is waited for.
 */
export async function awaitConnectorRunning(connect: KafkaConnect, name: string, { timeoutMs = 60_000 } = {}): Promise<void> {
  let last: ConnectorHealth = { kind: 'starting', reason: 'no status yet' };
  await pWaitFor(
    async () => {
      try {
        const status = await connect.connectorStatus(name);
        last = status ? connectorHealth(status) : { kind: 'starting', reason: 'no such connector (yet)' };
      } catch (error) {
        if (!(error instanceof ConnectUnreachable)) throw error;
        last = { kind: 'starting', reason: error.message };
        return false;
      }
      if (last.kind === 'failed') throw new ConnectorFailed(name, last.reason);
      return last.kind === 'running';
    },
    {
      interval: 200,
      timeout: {
        milliseconds: timeoutMs,
        fallback: () => {
          throw new ConnectorNotRunning(name, `after ${timeoutMs} ms, ${last.kind === 'running' ? 'running' : last.reason}`);
        },
      },
    },
  );
}

/** Resolves once the connector reports STOPPED and has no task left: from then on nothing reads its slot. */
export async function awaitConnectorStopped(connect: KafkaConnect, name: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  await pWaitFor(
    async () => {
      const status = await connect.connectorStatus(name);
      return status?.connector.state === 'STOPPED' && status.tasks.length === 0;
    },
    { interval: 200, timeout: { milliseconds: timeoutMs, message: `connector ${name} not stopped after ${timeoutMs} ms` } },
  );
}

/**
 * Resolves once Connect no longer reports the connector at all. A DELETE returns before its status
 * is gone: the workers learn of it through their status topic, and until then report the connector
 * and its task as they last were.
 */
export async function awaitConnectorGone(connect: KafkaConnect, name: string, { timeoutMs = 30_000 } = {}): Promise<void> {
  await pWaitFor(async () => (await connect.connectorStatus(name)) === undefined, {
    interval: 200,
    timeout: { milliseconds: timeoutMs, message: `connector ${name} still reported after ${timeoutMs} ms` },
  });
}

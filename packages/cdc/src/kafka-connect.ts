import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectorStatus } from './connector-status.js';

/** A connector's configuration: Connect takes every value as a string. */
export type ConnectorConfig = Readonly<Record<string, string>>;

/** Connect did not answer (down, restarting, or too slow): worth retrying. */
export class ConnectUnreachable extends Error {
  override name = 'ConnectUnreachable';
}

/** Connect answered with an error: `status` and its `error_code` say which. A 400 is a bad config. */
export class ConnectRequestRejected extends Error {
  override name = 'ConnectRequestRejected';
  constructor(
    readonly status: number,
    readonly request: string,
    detail: string,
  ) {
    super(`Kafka Connect refused ${request} (${status}): ${detail}`);
  }
}

export interface KafkaConnectOptions {
  /** How long one request may take. */
  readonly requestTimeoutMs?: number;
  /**
   * Connect answers 409 while its workers rebalance (a connector was just added or removed, a
   * worker joined): such a request is retried, every 500 ms, for this long.
   */
  readonly rebalanceRetryMs?: number;
}

/** Connect answers JSON; a proxy or a worker still starting may answer a page of text instead. */
function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Kafka Connect's REST API, the part Ouro uses: create or update, read the status, stop and resume, delete. */
export class KafkaConnect {
  private readonly requestTimeoutMs: number;
  private readonly rebalanceRetryMs: number;

  constructor(
    readonly url: string,
    { requestTimeoutMs = 10_000, rebalanceRetryMs = 30_000 }: KafkaConnectOptions = {},
  ) {
    this.requestTimeoutMs = requestTimeoutMs;
    this.rebalanceRetryMs = rebalanceRetryMs;
  }

  /** Creates the connector, or replaces its configuration (PUT is both): safe to repeat. */
  async putConnectorConfig(name: string, config: ConnectorConfig): Promise<{ readonly created: boolean }> {
    const { status } = await this.request('PUT', `/connectors/${encodeURIComponent(name)}/config`, config);
    return { created: status === 201 };
  }

  /** The connector's status, or undefined when there is no such connector. */
  async connectorStatus(name: string): Promise<ConnectorStatus | undefined> {
    const { status, body } = await this.request('GET', `/connectors/${encodeURIComponent(name)}/status`, undefined, [404]);
    return status === 404 ? undefined : (body as ConnectorStatus);
  }

  /** Deletes the connector (its tasks stop); false when there was none. Its offsets stay in Connect's topic. */
  async deleteConnector(name: string): Promise<boolean> {
    const { status } = await this.request('DELETE', `/connectors/${encodeURIComponent(name)}`, undefined, [404]);
    return status !== 404;
  }

  /**
   * Stops the connector (KIP-875): its task shuts down and lets go of the replication slot, whose
   * position stays where the connector last confirmed it, so PostgreSQL keeps the WAL from there
   * on. Its configuration and offsets stay. Connect stops asynchronously: the status says when it has.
   */
  async stopConnector(name: string): Promise<void> {
    await this.request('PUT', `/connectors/${encodeURIComponent(name)}/stop`);
  }

  /** Starts a stopped (or paused) connector again, from its last committed offset. */
  async resumeConnector(name: string): Promise<void> {
    await this.request('PUT', `/connectors/${encodeURIComponent(name)}/resume`);
  }

  async connectors(): Promise<string[]> {
    return (await this.request('GET', '/connectors')).body as string[];
  }

  private async request(
    method: string,
    path: string,
    payload?: unknown,
    accepted: readonly number[] = [],
  ): Promise<{ status: number; body: unknown }> {
    const deadline = Date.now() + this.rebalanceRetryMs;
    for (;;) {
      let response: Response;
      try {
        const body = payload === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
        response = await fetch(`${this.url}${path}`, { method, ...body, signal: AbortSignal.timeout(this.requestTimeoutMs) });
      } catch (error) {
        throw new ConnectUnreachable(`Kafka Connect at ${this.url} did not answer ${method} ${path}`, { cause: error });
      }
      const text = await response.text();
      const body = parseJson(text);
      if (response.ok || accepted.includes(response.status)) return { status: response.status, body };
      if (response.status === 409 && Date.now() < deadline) {
        await sleep(500);
        continue;
      }
      const detail = (body as { message?: string } | undefined)?.message ?? text;
      throw new ConnectRequestRejected(response.status, `${method} ${path}`, detail);
    }
  }
}

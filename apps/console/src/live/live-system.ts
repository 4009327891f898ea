import { randomUUID } from 'node:crypto';
import type { Connections } from '@ouro/config';
import { type Deployed, deploy, LoadGenerator } from '@ouro/harness';
import type { StackConfig } from '@ouro/infra';
import { type FaultScene, faultCatalog } from '../fault-catalog.js';
import { ouroWriter } from '../ouro-writer.js';
import type { FaultKind, FaultMark, LiveStatus, LoadState } from '../shared/protocol.js';
import type { FlowWatcher, WatchedTopics } from './flow-watcher.js';

export interface LiveSystemDeps {
  readonly connections: Connections;
  readonly stack: StackConfig;
  readonly logDir?: string | undefined;
  /** Builds the watcher once the deployment's topics exist. */
  readonly watch: (topics: WatchedTopics, processorGroup: string) => Promise<FlowWatcher>;
  readonly onStatus: (status: LiveStatus) => void;
  readonly onFault: (mark: FaultMark) => void;
  readonly nextFaultId: () => number;
}

export interface PlacedOrder {
  readonly status: number;
  readonly body: unknown;
}

const idle: LoadState = { ratePerSecond: 0, accepted: 0, retries: 0, inFlight: 0 };

/**
 * The deployment the console shows live: an order-api and an order-processor of its own (topics,
 * group), reaching every service through links, so its fault buttons kill and freeze processes it
 * started and cut links it owns. The page places orders through it and turns its load on and off.
 */
export class LiveSystem {
  private deployed?: Deployed;
  private watcher?: FlowWatcher;
  private load: LoadGenerator | undefined;
  private loadRate = 0;
  private current: LiveStatus = { state: 'starting', message: "starting the console's own order-api and order-processor", load: idle };
  private readonly running = new Set<FaultKind>();
  /** While the load runs, its counts go out once a second. */
  private loadTicker: NodeJS.Timeout | undefined;

  constructor(private readonly deps: LiveSystemDeps) {}

  get status(): LiveStatus {
    return { ...this.current, load: this.loadState() };
  }

  async start(): Promise<void> {
    try {
      this.deployed = await deploy('live', { apis: 1, processors: 1 }, { ...this.deps, prefix: 'console' });
      const { namespace, deployment } = this.deployed;
      const topics = { commands: namespace.commandsTopic, events: namespace.eventsTopic, deadLetters: namespace.deadLetterTopic };
      this.watcher = await this.deps.watch(topics, namespace.groupId);
      this.setStatus({ state: 'running', message: 'watching', apiUrl: deployment.urls()[0] ?? '', topics, load: idle });
    } catch (error) {
      this.setStatus({ state: 'failed', message: error instanceof Error ? error.message : String(error), load: idle });
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.loadTicker);
    // Shutting down: the load's requests in flight are not waited for (nor retried for a minute).
    await this.load?.stop({ abandon: true });
    await this.watcher?.stop();
    await this.deployed?.close();
  }

  lookup(orderId: string) {
    return this.watcher?.lookup(orderId);
  }

  /** Places one order through the deployment's order-api, as a client would, and follows it. */
  async placeOrder(order: unknown): Promise<PlacedOrder> {
    const url = this.deployed?.deployment.urls()[0];
    if (!url || !this.watcher) return { status: 503, body: { message: this.current.message } };
    const response = await fetch(`${url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json()) as { orderId?: string; acceptedAt?: string };
    if (response.status === 202 && body.orderId) {
      // Accepted when order-api says it was (its answer carries the time), not when the answer arrived here.
      const at = body.acceptedAt ? Date.parse(body.acceptedAt) : Date.now();
      this.watcher.report({ orderId: body.orderId, step: 'accepted', at, detail: 'HTTP 202' });
      this.watcher.follow(body.orderId);
    }
    return { status: response.status, body };
  }

  /** Starts, changes or stops (0) the load generator: a careful client with an Idempotency-Key and retries. */
  setLoad(ratePerSecond: number): LoadState {
    const previous = this.load;
    this.load = undefined;
    void previous?.stop();
    this.loadRate = ratePerSecond;
    const deployment = this.deployed?.deployment;
    if (ratePerSecond > 0 && deployment) {
      this.load = new LoadGenerator({
        targets: () => deployment.urls(),
        shape: { kind: 'rate', perSecond: ratePerSecond },
        retryForMs: 60_000,
      });
      this.load.start();
    }
    clearInterval(this.loadTicker);
    this.loadTicker = ratePerSecond > 0 ? setInterval(() => this.publish(), 1_000) : undefined;
    this.publish();
    return this.loadState();
  }

  private loadState(): LoadState {
    const progress = this.load?.progress;
    return {
      ratePerSecond: this.loadRate,
      accepted: progress?.accepted ?? 0,
      retries: progress?.retries ?? 0,
      inFlight: progress?.inFlight ?? 0,
    };
  }

  /** Injects a fault in the background; its marks arrive on the timeline. Refuses one of a kind already running. */
  inject(kind: FaultKind): { started: boolean; reason?: string } {
    const deployed = this.deployed;
    if (!deployed) return { started: false, reason: 'the deployment is not running' };
    if (this.running.has(kind)) return { started: false, reason: 'already in progress' };
    this.running.add(kind);
    const mark = (phase: FaultMark['phase'], text: string) =>
      this.deps.onFault({ id: this.deps.nextFaultId(), scope: 'live', kind, phase, at: Date.now(), text });
    const scene: FaultScene = {
      stack: this.deps.stack,
      links: deployed.links,
      writers: [ouroWriter(deployed.deployment)],
      injected: (text) => mark('injected', text),
      healed: (text) => mark('healed', text),
    };
    void faultCatalog[kind]
      .run(scene)
      .catch((error: unknown) => mark('failed', error instanceof Error ? error.message : String(error)))
      .finally(() => this.running.delete(kind));
    return { started: true };
  }

  private setStatus(status: LiveStatus): void {
    this.current = status;
    this.publish();
  }

  private publish(): void {
    this.deps.onStatus(this.status);
  }
}

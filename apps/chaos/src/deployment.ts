import { type RunningApp, startApp } from '@ouro/testing';

export interface Topology {
  readonly apis: number;
  readonly processors: number;
}

interface Member {
  readonly label: string;
  readonly app: RunningApp;
}

/**
 * The apps of one chaos run, as real processes: order-api instances and order-processor members of
 * one group. Faults kill, restart, add and remove them; `urls()` is what the load generator sees.
 */
export class Deployment {
  private readonly apis: (Member | undefined)[] = [];
  private readonly processors: Member[] = [];
  private processorsStarted = 0;

  constructor(private readonly env: Readonly<Record<string, string>>) {}

  async start({ apis, processors }: Topology): Promise<void> {
    await Promise.all([
      ...Array.from({ length: apis }, (_, index) => this.startApi(index)),
      ...Array.from({ length: processors }, () => this.addProcessor()),
    ]);
  }

  urls(): string[] {
    return this.apis.flatMap((api) => (api ? [api.app.url] : []));
  }

  get processorCount(): number {
    return this.processors.length;
  }

  async startApi(index: number): Promise<void> {
    this.apis[index] = { label: `order-api-${index + 1}`, app: await startApp('order-api', this.env) };
  }

  /** Kills an order-api instance; requests in flight on it fail mid-way (the client retries elsewhere). */
  async killApi(index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const api = this.apis[index];
    this.apis[index] = undefined;
    await api?.app.kill(signal);
  }

  async addProcessor(): Promise<void> {
    const label = `order-processor-${++this.processorsStarted}`;
    this.processors.push({ label, app: await startApp('order-processor', this.env) });
  }

  /** Removes the oldest processor: SIGTERM leaves the group cleanly, SIGKILL leaves it to the session timeout. */
  async removeProcessor(signal: NodeJS.Signals): Promise<string | undefined> {
    const member = this.processors.shift();
    await member?.app.kill(signal);
    return member?.label;
  }

  private members(): Member[] {
    return [...this.apis.flatMap((api) => (api ? [api] : [])), ...this.processors];
  }

  async stop(): Promise<void> {
    const all = this.members();
    this.apis.length = 0;
    this.processors.length = 0;
    await Promise.allSettled(all.map(({ app }) => app.kill('SIGTERM')));
  }

  /** The last lines every app printed, for a failure report. */
  tails(lines = 15): string {
    return this.members()
      .map(({ label, app }) => `--- ${label}\n${app.output.slice(-lines).join('\n')}`)
      .join('\n');
  }
}

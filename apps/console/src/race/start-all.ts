import type { Contender, ContenderSpec } from './contenders.js';

/** A design that did not start in time: the race fails, naming it. */
export class DesignDidNotStart extends Error {
  constructor(title: string, ms: number) {
    super(`${title} did not start within ${ms / 1000} s`);
    this.name = 'DesignDidNotStart';
  }
}

/**
 * Starts every design at once, each within `ms`. When one fails or hangs, every design that did start
 * is closed (one that starts after its bound too, when it does) and the first failure is thrown:
 * nothing is left running behind a race that failed to start.
 */
export async function startAll(
  specs: readonly ContenderSpec[],
  start: (spec: ContenderSpec) => Promise<Contender>,
  ms: number,
): Promise<Contender[]> {
  const outcomes = await Promise.allSettled(
    specs.map((spec) => {
      const starting = start(spec);
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new DesignDidNotStart(spec.title, ms));
          void starting.then((late) => late.close()).catch(() => {});
        }, ms);
      });
      return Promise.race([starting, bound]).finally(() => clearTimeout(timer));
    }),
  );
  const started = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (!failed) return started;
  await Promise.allSettled(started.map((contender) => contender.close()));
  throw failed.reason;
}

import type { ChunkInfo, ProcessorObserver } from '@ouro/messaging';

/**
 * One observer made of several (metrics, readiness, tracing): each event goes to every one of them,
 * in order; `around` nests them, the first outermost.
 */
export function combineObservers(...observers: readonly ProcessorObserver[]): ProcessorObserver {
  const arounds = observers.flatMap((observer) => (observer.around ? [observer.around.bind(observer)] : []));
  return {
    joined: (partitions) => {
      for (const observer of observers) observer.joined?.(partitions);
    },
    left: () => {
      for (const observer of observers) observer.left?.();
    },
    verified: (partition, committedOffset) => {
      for (const observer of observers) observer.verified?.(partition, committedOffset);
    },
    fetched: (partition, lag) => {
      for (const observer of observers) observer.fetched?.(partition, lag);
    },
    committed: (chunk) => {
      for (const observer of observers) observer.committed?.(chunk);
    },
    failed: (failure) => {
      for (const observer of observers) observer.failed?.(failure);
    },
    queued: (partition, size) => {
      for (const observer of observers) observer.queued?.(partition, size);
    },
    around: <R>(chunk: ChunkInfo, run: () => Promise<R>): Promise<R> =>
      arounds.reduceRight<() => Promise<R>>((inner, around) => () => around(chunk, inner), run)(),
  };
}

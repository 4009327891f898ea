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
    verified: (group, positions) => {
      for (const observer of observers) observer.verified?.(group, positions);
    },
    fetched: (partition, lag) => {
      for (const observer of observers) observer.fetched?.(partition, lag);
    },
    committed: (transaction) => {
      for (const observer of observers) observer.committed?.(transaction);
    },
    failed: (failure) => {
      for (const observer of observers) observer.failed?.(failure);
    },
    queued: (group, size) => {
      for (const observer of observers) observer.queued?.(group, size);
    },
    around: <R>(chunk: ChunkInfo, run: () => Promise<R>): Promise<R> =>
      arounds.reduceRight<() => Promise<R>>((inner, around) => () => around(chunk, inner), run)(),
  };
}

/** Percentiles by nearest rank over raw samples (milliseconds). */
export function percentiles(samples: readonly number[], points: readonly number[] = [50, 90, 99, 99.9]): Record<string, number> {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);
  return Object.fromEntries([
    ...points.map((p) => [`p${String(p).replace('.', '_')}`, round(at(p))]),
    ['max', round(sorted.at(-1) ?? Number.NaN)],
  ]);
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

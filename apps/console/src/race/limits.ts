/** Bounds that keep a race from running away with the machine. */
export const raceLimits = {
  maxRatePerSecond: 100,
  maxDurationSeconds: 300,
  settleTimeoutMs: 90_000,
  startTimeoutMs: 120_000,
  latencySamples: 5_000,
} as const;

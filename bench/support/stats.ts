// Order statistics for timed samples: median, percentiles (nearest rank) and a one-line summary.
// Every figure the benchmarks report goes through here, so they all mean the same thing.

/** The p-th percentile (0–100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

/** The middle sample (mean of the two middle ones for an even count); NaN for no samples. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? Number.NaN) + upper) / 2;
}

/** p50 and p99 of a set of samples, with their count. */
export interface Spread {
  /** Median. */
  p50: number;
  /** 99th percentile (nearest rank). */
  p99: number;
  /** How many samples. */
  count: number;
}

export function spread(samples: readonly number[]): Spread {
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), count: samples.length };
}

/** Milliseconds with a precision that suits their size: 0.123, 12.3, 1234. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (value < 10) return value.toFixed(3);
  if (value < 100) return value.toFixed(1);
  return value.toFixed(0);
}

/** Kibibytes as mebibytes with one decimal. */
export function mib(kib: number): string {
  return Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : "n/a";
}

/** A ratio such as 2.4×. */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a";
}

/** Percentiles and time series for the report. */

export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/** Nearest-rank percentile of an ascending array (p in 0–100); null for an empty one. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/** Count, p50/p90/p99, max and mean of `values` (any order; not changed). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : null),
    mean: round(sorted.length ? sum / sorted.length : null),
  };
}

/**
 * Counts of events per bucket from `origin` (ms epoch): bucket i covers [origin + i·bucketMs, origin +
 * (i+1)·bucketMs). Events before `origin` land in bucket 0. `length` pads the series to a common length.
 */
export function bucketCounts(
  times: readonly number[],
  origin: number,
  bucketMs: number,
  length = 0,
  weights?: readonly number[],
): number[] {
  const out = new Array<number>(length).fill(0);
  times.forEach((t, i) => {
    const b = Math.max(0, Math.floor((t - origin) / bucketMs));
    while (out.length <= b) out.push(0);
    out[b]! += weights ? weights[i]! : 1;
  });
  return out;
}

/** Evenly spaced picks of at most `max` items (keeps first and last), for charts of huge crowds. */
export function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(items[Math.round(i * step)]!);
  return out;
}

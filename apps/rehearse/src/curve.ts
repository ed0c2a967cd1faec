/**
 * The arrival curve of a flash on-sale: a spike at opening (`spike` times the average rate for the first
 * `spikeSeconds`), then a steady rate until `durationSeconds`. Seed 004 assumes 5–10× the average in the first
 * seconds; the default spike is 8×.
 */
export interface CurveOptions {
  buyers: number;
  durationSeconds: number;
  /** How many times the steady rate the first seconds run at (1 = a flat curve). */
  spike: number;
  spikeSeconds: number;
}

/** A small seeded generator (mulberry32): the same seed gives the same rehearsal plan. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Arrival times in ms after opening, ascending, one per buyer (index = arrival rank). Stratified sampling of the
 * curve's inverse CDF: buyer i arrives at the quantile (i + u)/n, so counts per second follow the curve closely
 * even for small crowds, with a little jitter.
 */
export function arrivalOffsets(o: CurveOptions, random: () => number): number[] {
  const n = Math.max(0, Math.floor(o.buyers));
  const duration = Math.max(0, o.durationSeconds);
  const spikeSeconds = Math.min(Math.max(0, o.spikeSeconds), duration);
  const spike = Math.max(1, o.spike);
  // Relative mass of the spike and of the steady part.
  const spikeMass = spike * spikeSeconds;
  const total = spikeMass + (duration - spikeSeconds);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    if (total <= 0) {
      out[i] = 0;
      continue;
    }
    const q = ((i + random()) / n) * total;
    const seconds = q < spikeMass ? q / spike : spikeSeconds + (q - spikeMass);
    out[i] = Math.round(seconds * 1000);
  }
  return out;
}

/** Arrivals per whole second (index = second after opening). */
export function perSecond(offsetsMs: number[]): number[] {
  const out: number[] = [];
  for (const ms of offsetsMs) {
    const s = Math.floor(ms / 1000);
    while (out.length <= s) out.push(0);
    out[s]!++;
  }
  return out;
}

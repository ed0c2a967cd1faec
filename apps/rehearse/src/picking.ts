import type { CardName, Intent } from './model.ts';

/** Pure choices of a simulated buyer: addresses, quantities, seats, what to do with a hold, which card. */

/**
 * The loopback source address of buyer `i`: 127.A.B.C with C in 1..254, A from 1 (Linux routes all of 127.0.0.0/8
 * to `lo`, so every one of them can connect to a server on 127.0.0.1 without configuration).
 */
export function loopbackAddress(i: number): string {
  const c = 1 + (i % 254);
  const rest = Math.floor(i / 254);
  const b = rest % 256;
  const a = 1 + Math.floor(rest / 256);
  if (a > 254) throw new Error('more than 16 million buyers: out of loopback addresses');
  return `127.${a}.${b}.${c}`;
}

/** A weighted pick: `weights` need not sum to 1; zero weights never win. */
export function weighted<K extends string>(weights: Record<K, number>, random: () => number): K {
  const entries = (Object.entries(weights) as Array<[K, number]>).filter(([, w]) => w > 0);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = random() * total;
  for (const [k, w] of entries) {
    x -= w;
    if (x < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

/** 1..max tickets, most often 2 (parties of two dominate ticket sales), capped by the per-buyer limit. */
export function quantity(max: number, limit: number | null, random: () => number): number {
  const cap = Math.max(1, Math.min(max, limit ?? max));
  const r = random();
  const q = r < 0.25 ? 1 : r < 0.7 ? 2 : r < 0.85 ? 3 : 4 + Math.floor(random() * 3);
  return Math.min(cap, q);
}

/**
 * Named seats near a preference: `count` free seats next to each other in layout order (seat states '0' =
 * free), the run whose middle is nearest to `preferred`; null when no such run exists. Layout order runs along
 * rows, so a run usually sits in one row.
 */
export function seatsNear(states: string, preferred: number, count: number): number[] | null {
  let best: number | null = null;
  let runStart = -1;
  for (let i = 0; i <= states.length; i++) {
    if (i < states.length && states[i] === '0') {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= count) {
      // The window inside this run closest to `preferred`.
      const start = Math.min(Math.max(runStart, preferred - Math.floor(count / 2)), i - count);
      if (best === null || Math.abs(start - preferred) < Math.abs(best - preferred)) best = start;
    }
    runStart = -1;
  }
  return best === null ? null : Array.from({ length: count }, (_, k) => best + k);
}

export const defaultIntents: Record<Intent, number> = {
  pay: 0.85,
  abandon: 0.05,
  release: 0.05,
  refund: 0.05,
};
export const defaultCards: Record<CardName, number> = {
  success: 0.9,
  declined: 0.04,
  insufficient_funds: 0.03,
  slow_confirmation: 0.03,
};

/** Parses `pay=0.8,abandon=0.1,…` into weights over `keys` (unnamed keys get 0). */
export function parseMix<K extends string>(text: string, keys: readonly K[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const part of text.split(',').filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!keys.includes(k as K)) throw new Error(`unknown mix entry "${k}" (use ${keys.join(', ')})`);
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`"${part}": give a weight ≥ 0`);
    out[k as K] = n;
  }
  if (Object.values<number>(out).every((w) => w === 0)) throw new Error(`"${text}": every weight is 0`);
  return out;
}

/**
 * Fairness: did buyers who arrived earlier do better? Arrival rank vs outcome, in a form an operator can read:
 * the share of buyers who got tickets in each tenth of the crowd (by arrival), how well the order of successful
 * holds follows the order of arrival (Spearman's rank correlation, 1 = first come first served), and how many
 * buyers got tickets although someone who arrived before them had been turned away ("overtakes").
 */

export interface FairnessInput {
  rank: number;
  /** Got a hold (whatever they did with it). */
  won: boolean;
  /** When the hold was granted (ms epoch), for winners. */
  heldAt?: number;
  /** Turned away for lack of tickets (sold out, no seats left, not admitted before the end). */
  turnedAway: boolean;
}

export interface Fairness {
  /** Share of buyers with a hold per tenth of the crowd by arrival (index 0 = earliest tenth). */
  winShareByDecile: number[];
  /** Spearman's ρ between arrival rank and hold order among winners; null with fewer than 3 winners. */
  holdOrderCorrelation: number | null;
  /** Winners who arrived after the earliest buyer that was turned away. */
  overtakes: number;
  winners: number;
  turnedAway: number;
}

/** Spearman's ρ of two equally long lists of distinct ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number | null {
  const n = a.length;
  if (n < 3 || b.length !== n) return null;
  const ranks = (xs: readonly number[]) => {
    const order = xs.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const r = new Array<number>(n);
    order.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const ra = ranks(a);
  const rb = ranks(b);
  let d2 = 0;
  for (let i = 0; i < n; i++) d2 += (ra[i]! - rb[i]!) ** 2;
  return Math.round((1 - (6 * d2) / (n * (n * n - 1))) * 1000) / 1000;
}

export function fairness(buyers: readonly FairnessInput[]): Fairness {
  const byRank = [...buyers].sort((x, y) => x.rank - y.rank);
  const n = byRank.length;
  const deciles = Array.from({ length: Math.min(10, n) }, () => ({ won: 0, all: 0 }));
  byRank.forEach((b, i) => {
    const d = deciles[Math.floor((i * deciles.length) / n)]!;
    d.all++;
    if (b.won) d.won++;
  });
  const winners = byRank.filter((b) => b.won && b.heldAt !== undefined);
  const firstTurnedAway = byRank.find((b) => b.turnedAway);
  return {
    winShareByDecile: deciles.map((d) => (d.all ? Math.round((d.won / d.all) * 1000) / 1000 : 0)),
    holdOrderCorrelation: spearman(
      winners.map((w) => w.rank),
      winners.map((w) => w.heldAt!),
    ),
    overtakes: firstTurnedAway ? winners.filter((w) => w.rank > firstTurnedAway.rank).length : 0,
    winners: byRank.filter((b) => b.won).length,
    turnedAway: byRank.filter((b) => b.turnedAway).length,
  };
}

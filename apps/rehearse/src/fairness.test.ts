import { describe, expect, it } from 'vitest';
import { fairness, spearman } from './fairness.ts';

describe('fairness', () => {
  it('sees first come, first served as ρ = 1 and no overtakes', () => {
    const buyers = Array.from({ length: 20 }, (_, rank) => ({
      rank,
      won: rank < 10,
      turnedAway: rank >= 10,
      ...(rank < 10 ? { heldAt: 1000 + rank } : {}),
    }));
    const f = fairness(buyers);
    expect(f.holdOrderCorrelation).toBe(1);
    expect(f.overtakes).toBe(0);
    expect(f.winShareByDecile).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(f.winners).toBe(10);
    expect(f.turnedAway).toBe(10);
  });

  it('counts winners who arrived after someone turned away, and reversed order as ρ = -1', () => {
    const f = fairness([
      { rank: 0, won: false, turnedAway: true },
      { rank: 1, won: true, turnedAway: false, heldAt: 30 },
      { rank: 2, won: true, turnedAway: false, heldAt: 20 },
      { rank: 3, won: true, turnedAway: false, heldAt: 10 },
    ]);
    expect(f.overtakes).toBe(3);
    expect(f.holdOrderCorrelation).toBe(-1);
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { SpatialGrid } from './grid.ts';

function brute(xs: number[], ys: number[], x: number, y: number, max: number): number {
  let best = -1;
  let bestD = max * max;
  xs.forEach((sx, i) => {
    const d = (sx - x) ** 2 + (ys[i]! - y) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

describe('SpatialGrid hit-testing', () => {
  // A 50 × 40 block of seats 10 units apart.
  const xs: number[] = [];
  const ys: number[] = [];
  for (let r = 0; r < 40; r++) {
    for (let c = 0; c < 50; c++) {
      xs.push(c * 10);
      ys.push(r * 10);
    }
  }
  const grid = new SpatialGrid(Float32Array.from(xs), Float32Array.from(ys), 20);

  it('finds the seat under a point', () => {
    expect(grid.nearest(31, 19, 4)).toBe(2 * 50 + 3);
  });

  it('returns -1 between seats when nothing is close enough', () => {
    expect(grid.nearest(35, 15, 4)).toBe(-1);
  });

  it('returns -1 far outside the map', () => {
    expect(grid.nearest(-500, -500, 8)).toBe(-1);
    expect(grid.nearest(5000, 5000, 8)).toBe(-1);
  });

  it('agrees with a brute-force search at random points, including across cell borders', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let k = 0; k < 500; k++) {
      const x = rand() * 520 - 10;
      const y = rand() * 420 - 10;
      const max = 1 + rand() * 12;
      const got = grid.nearest(x, y, max);
      const want = brute(xs, ys, x, y, max);
      if (got !== want) {
        // Equal distances may pick either seat; the distance must match.
        const dg = got < 0 ? -1 : Math.hypot(xs[got]! - x, ys[got]! - y);
        const dw = want < 0 ? -1 : Math.hypot(xs[want]! - x, ys[want]! - y);
        expect(dg).toBeCloseTo(dw, 5);
      }
    }
  });

  it('queries a rectangle', () => {
    const hits = grid.queryRect(0, 0, 10, 10).sort((a, b) => a - b);
    expect(hits).toEqual([0, 1, 50, 51]);
  });

  it('copes with an empty map', () => {
    const empty = new SpatialGrid(new Float32Array(0), new Float32Array(0), 10);
    expect(empty.nearest(0, 0, 100)).toBe(-1);
    expect(empty.queryRect(-1, -1, 1, 1)).toEqual([]);
  });
});

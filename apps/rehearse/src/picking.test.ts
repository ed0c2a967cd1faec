import { describe, expect, it } from 'vitest';
import { seededRandom } from './curve.ts';
import { loopbackAddress, parseMix, quantity, seatsNear, weighted } from './picking.ts';

describe('picking', () => {
  it('gives every buyer its own loopback address, never .0 or .255 last', () => {
    const seen = new Set<string>();
    let bad = 0;
    for (let i = 0; i < 100_000; i++) {
      const a = loopbackAddress(i);
      const last = Number(a.slice(a.lastIndexOf('.') + 1));
      if (!a.startsWith('127.') || last < 1 || last > 254) bad++;
      seen.add(a);
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(100_000);
    expect(loopbackAddress(0)).toBe('127.1.0.1');
  });

  it('finds adjacent free seats nearest the preference', () => {
    // 0 = free. Free runs: 0-2, 5-9.
    const states = '0001100000';
    expect(seatsNear(states, 7, 2)).toEqual([6, 7]);
    expect(seatsNear(states, 0, 3)).toEqual([0, 1, 2]);
    expect(seatsNear(states, 1, 4)).toEqual([5, 6, 7, 8]);
    expect(seatsNear(states, 9, 2)).toEqual([8, 9]);
    expect(seatsNear(states, 0, 6)).toBeNull();
    expect(seatsNear('2222', 1, 1)).toBeNull();
  });

  it('parses mixes and picks by weight', () => {
    expect(parseMix('pay=3,abandon=1', ['pay', 'abandon', 'release'])).toEqual({
      pay: 3,
      abandon: 1,
      release: 0,
    });
    expect(() => parseMix('pay=-1', ['pay'])).toThrow(/≥ 0/);
    expect(() => parseMix('steal=1', ['pay'])).toThrow(/unknown/);
    expect(() => parseMix('pay=0', ['pay'])).toThrow(/every weight/);
    const r = seededRandom(3);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 10_000; i++) counts[weighted({ a: 3, b: 1, c: 0 }, r)]++;
    expect(counts.c).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
  });

  it('keeps quantities within the per-buyer limit', () => {
    const r = seededRandom(4);
    for (let i = 0; i < 1000; i++) {
      const q = quantity(6, 2, r);
      expect(q).toBeGreaterThanOrEqual(1);
      expect(q).toBeLessThanOrEqual(2);
    }
  });
});

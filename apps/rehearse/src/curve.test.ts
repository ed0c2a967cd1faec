import { describe, expect, it } from 'vitest';
import { arrivalOffsets, perSecond, seededRandom } from './curve.ts';

describe('arrival curve', () => {
  it('puts the opening spike at `spike` times the steady rate', () => {
    const offsets = arrivalOffsets(
      { buyers: 12_000, durationSeconds: 60, spike: 8, spikeSeconds: 5 },
      seededRandom(1),
    );
    expect(offsets).toHaveLength(12_000);
    const s = perSecond(offsets);
    // 12,000 over 8×5 + 55 = 95 units: 126 a second steady, 1,011 a second in the spike.
    expect(s[0]! / s[30]!).toBeGreaterThan(7);
    expect(s[0]! / s[30]!).toBeLessThan(9);
    expect(Math.max(...offsets)).toBeLessThanOrEqual(60_000);
  });

  it('is ascending and the same for the same seed', () => {
    const o = { buyers: 500, durationSeconds: 10, spike: 5, spikeSeconds: 2 };
    const a = arrivalOffsets(o, seededRandom(7));
    expect(a).toEqual(arrivalOffsets(o, seededRandom(7)));
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(a).not.toEqual(arrivalOffsets(o, seededRandom(8)));
  });

  it('is flat with spike 1, and everyone at once with no duration', () => {
    const flat = perSecond(
      arrivalOffsets({ buyers: 1000, durationSeconds: 10, spike: 1, spikeSeconds: 5 }, seededRandom(2)),
    );
    expect(Math.max(...flat) - Math.min(...flat)).toBeLessThanOrEqual(2);
    expect(
      arrivalOffsets({ buyers: 3, durationSeconds: 0, spike: 8, spikeSeconds: 5 }, seededRandom(1)),
    ).toEqual([0, 0, 0]);
  });
});

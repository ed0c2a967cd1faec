import { generateStadium } from '@seatrush/shared';
import { describe, expect, it } from 'vitest';
import { buildModel, describeSeat, FLAG_COMPANION, FLAG_WHEELCHAIR } from './model.ts';
import { small } from './test-fixtures.ts';

describe('seat-map model', () => {
  const doc = generateStadium({ floorCapacity: 2000 });
  const m = buildModel(doc);

  it('flattens the 20,000-seat stadium with unique labels', () => {
    expect(m.count).toBe(20_000);
    expect(m.byLabel.size).toBe(20_000);
    expect(m.byLabel.get('S01-1-1')).toBe(0);
    expect(m.zones).toHaveLength(1);
    expect(m.zones[0]!.rect).not.toBeNull();
  });

  it('keeps seats from overlapping: radius under half the spacing', () => {
    expect(m.radius).toBeLessThan(m.spacing / 2);
    expect(m.radius).toBeGreaterThan(m.spacing * 0.3);
  });
});

describe('seat labels and accessibility', () => {
  const m = buildModel(small);

  it('labels seats SECTION-ROW-NUMBER like the hold API', () => {
    expect(m.labels).toEqual(['A-1-1', 'A-1-2', 'A-1-3']);
    expect(describeSeat(m, 2)).toBe('Stalls, row 1, seat 3');
  });

  it('flags wheelchair spaces and companion seats', () => {
    expect(m.flags[0]! & FLAG_WHEELCHAIR).toBeTruthy();
    expect(m.flags[1]! & FLAG_COMPANION).toBeTruthy();
    expect(m.flags[2]).toBe(0);
  });
});

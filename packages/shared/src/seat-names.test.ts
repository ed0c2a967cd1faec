import { describe, expect, it } from 'vitest';
import { formatSeatName, parseSeatLabel, seatName, sectionNamesOf } from './seat-names.ts';

describe('seat names', () => {
  it('reads a seat label as the map says it', () => {
    const names = sectionNamesOf([{ key: 'STALLS', name: 'Stalls' }]);
    expect(seatName('STALLS-A-20', names)).toBe('Stalls, row A, seat 20');
    expect(formatSeatName('Circle', 'BB', 7)).toBe('Circle, row BB, seat 7');
  });

  it('shows the key of a section it has no name for, and anything else unchanged', () => {
    expect(seatName('BOX_1-A-3')).toBe('BOX_1, row A, seat 3');
    expect(seatName('not a seat')).toBe('not a seat');
    expect(parseSeatLabel('A--3')).toBeNull();
    expect(parseSeatLabel('S-A-3-4')).toBeNull();
  });
});

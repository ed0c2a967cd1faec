import { describe, expect, it } from 'vitest';
import { BLOCKED, FREE, HELD, SOLD } from '../../seatmap/states.ts';
import { pickByLabel } from './pick-by-label.ts';

const labels = ['STALLS-A-1', 'STALLS-A-2', 'STALLS-A-3', 'STALLS-A-4'];
const states = [FREE, BLOCKED, HELD, SOLD];

describe('pickByLabel', () => {
  it('matches labels in any letter case, separated by commas, spaces or semicolons', () => {
    expect(pickByLabel('stalls-a-1, Stalls-A-2;', labels, states).selectable).toEqual([0, 1]);
  });

  it('names unknown words as typed and the seats it cannot select with their state', () => {
    const pick = pickByLabel('ORCH-A-1 stalls-a-3 STALLS-A-4', labels, states);
    expect(pick).toEqual({
      selectable: [],
      unknown: ['ORCH-A-1'],
      skipped: [
        { label: 'STALLS-A-3', state: 'held' },
        { label: 'STALLS-A-4', state: 'sold' },
      ],
    });
  });
});

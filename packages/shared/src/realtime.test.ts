import { describe, expect, it } from 'vitest';
import {
  MAX_PACKED_SEAT_INDEX,
  ShowtimeMirror,
  packSeatChanges,
  unpackSeatChanges,
  type SeatsChanged,
  type ShowtimeSync,
} from './realtime.ts';

const snapshot = (version: number, seatStates: string): ShowtimeSync => ({
  kind: 'snapshot',
  snapshot: {
    showtimeId: 's1',
    version,
    state: 'on_sale',
    seatLabels: seatStates.split('').map((_, i) => `A-1-${i}`),
    labelsKey: '1.a',
    seatStates,
    zones: { ga: { capacity: 10, available: 10, held: 0, sold: 0 } },
    categories: { std: { available: seatStates.length, held: 0, sold: 0, blocked: 0 } },
  },
  myHolds: [],
});

const delta = (
  from: number,
  to: number,
  seats: number[],
  extra: Partial<SeatsChanged['changes']> = {},
): SeatsChanged => ({
  showtimeId: 's1',
  from,
  to,
  changes: { seats, ...extra },
  at: 0,
});

describe('ShowtimeMirror', () => {
  it('applies a snapshot then contiguous deltas', () => {
    const m = new ShowtimeMirror('s1');
    expect(m.applySync(snapshot(5, '0000'))).toBe('applied');
    expect(
      m.applyDelta(
        delta(5, 7, [1, 1, 2, 2], { zones: { ga: { capacity: 10, available: 8, held: 2, sold: 0 } } }),
      ),
    ).toBe('applied');
    expect(m.version).toBe(7);
    expect(m.seatStates).toBe('0120');
    expect(m.zones.ga?.available).toBe(8);
  });

  it('ignores what it already has and applies overlapping deltas (absolute values)', () => {
    const m = new ShowtimeMirror('s1');
    m.applySync(snapshot(5, '0000'));
    expect(m.applyDelta(delta(3, 5, [0, 1]))).toBe('ignored');
    expect(m.seatStates).toBe('0000');
    // 4→6 overlaps version 5: seat 0's value is its state at 6, so re-applying the 5th change is harmless.
    expect(m.applyDelta(delta(4, 6, [0, 0, 3, 1]))).toBe('applied');
    expect(m.seatStates).toBe('0001');
    expect(m.version).toBe(6);
  });

  it('reports a gap, buffers until the resync answer, then catches up', () => {
    const m = new ShowtimeMirror('s1');
    m.applySync(snapshot(5, '0000'));
    expect(m.applyDelta(delta(7, 8, [0, 1]))).toBe('gap');
    expect(m.syncing).toBe(true);
    expect(m.applyDelta(delta(8, 9, [1, 1]))).toBe('buffered');
    expect(m.seatStates).toBe('0000');
    expect(m.version).toBe(5);
    // The resync answer covers 5→8; the buffered 8→9 follows.
    expect(m.applySync({ kind: 'deltas', delta: delta(5, 8, [0, 1, 3, 2]), myHolds: [] })).toBe('applied');
    expect(m.version).toBe(9);
    expect(m.seatStates).toBe('1102');
  });

  it('buffers deltas that arrive before the first snapshot', () => {
    const m = new ShowtimeMirror('s1');
    expect(m.applyDelta(delta(4, 6, [0, 2]))).toBe('buffered');
    expect(m.applyDelta(delta(6, 7, [1, 1]))).toBe('buffered');
    m.applySync(snapshot(6, '2000'));
    expect(m.version).toBe(7);
    expect(m.seatStates).toBe('2100');
  });

  it('takes a snapshot even when it is older (inventory rebuilt)', () => {
    const m = new ShowtimeMirror('s1');
    m.applySync(snapshot(50, '1111'));
    m.expectSync();
    m.applySync(snapshot(3, '0000'));
    expect(m.version).toBe(3);
    expect(m.seatStates).toBe('0000');
  });

  it('still reports a gap when a buffered delta does not connect to the answer', () => {
    const m = new ShowtimeMirror('s1');
    m.applyDelta(delta(9, 10, [0, 1]));
    expect(m.applySync(snapshot(6, '0000'))).toBe('gap');
    expect(m.version).toBe(6);
    expect(m.syncing).toBe(true);
  });

  it('applies a reset (from 0, every seat and count) and refuses one for another label list', () => {
    const m = new ShowtimeMirror('s1');
    m.applySync(snapshot(5, '0000'));
    const reset = delta(0, 40, [], {
      all: '2310',
      labelsKey: '1.a',
      zones: { ga: { capacity: 10, available: 1, held: 0, sold: 9 } },
      categories: { std: { available: 1, held: 1, sold: 1, blocked: 1 } },
    });
    expect(m.applyDelta(reset)).toBe('applied');
    expect(view(m)).toEqual({ version: 40, seatStates: '2310', ga: 1, std: 1 });
    // The reset's `seats` now lists what it changed (seat 3 stayed free), for code that repaints from it.
    expect(reset.changes.seats).toEqual([0, 2, 1, 3, 2, 1]);
    // Already past it: ignored.
    expect(m.applyDelta(reset)).toBe('ignored');
    const foreign = delta(0, 50, [], { all: '0000', labelsKey: '2.b', zones: {}, categories: {} });
    expect(m.applyDelta(foreign)).toBe('gap');
    expect(m.version).toBe(40);
  });
});

describe('packed seat changes', () => {
  it('round-trips every state and the largest index', () => {
    const pairs = [0, 0, 1, 1, 63, 2, 64, 3, 123_456, 1, MAX_PACKED_SEAT_INDEX, 3];
    const packed = packSeatChanges(pairs);
    expect(packed).toHaveLength(4 * (pairs.length / 2));
    expect(packed).toMatch(/^[A-Za-z0-9_-]*$/);
    const back: number[] = [];
    unpackSeatChanges(packed, (i, s) => back.push(i, s));
    expect(back).toEqual(pairs);
  });

  it('refuses what it cannot represent or read', () => {
    expect(() => packSeatChanges([MAX_PACKED_SEAT_INDEX + 1, 0])).toThrow(RangeError);
    expect(() => packSeatChanges([1, 4])).toThrow(RangeError);
    expect(() => unpackSeatChanges('AAA', () => undefined)).toThrow(RangeError);
    expect(() => unpackSeatChanges('AA=A', () => undefined)).toThrow(RangeError);
    expect(() => unpackSeatChanges('AAÁA', () => undefined)).toThrow(RangeError);
  });

  it('is what the mirror applies, and the mirror hands the pairs to repainting code', () => {
    const m = new ShowtimeMirror('s1');
    m.applySync(snapshot(5, '0000'));
    const d = delta(5, 6, [], { packed: packSeatChanges([2, 2, 0, 1]) });
    expect(m.applyDelta(d)).toBe('applied');
    expect(m.seatStates).toBe('1020');
    expect(d.changes.seats).toEqual([2, 2, 0, 1]);
  });
});

function view(m: ShowtimeMirror) {
  return {
    version: m.version,
    seatStates: m.seatStates,
    ga: m.zones.ga?.available,
    std: m.categories.std?.available,
  };
}

import { describe, expect, it } from 'vitest';
import { buildModel } from './model.ts';
import { snapshot, small } from './test-fixtures.ts';
import { FREE, HELD, SOLD, UNKNOWN, V_MINE, V_SELECTED } from './states.ts';
import { SeatStore } from './store.ts';

const delta = (from: number, to: number, seats: number[], extra: object = {}) => ({
  showtimeId: 'st',
  from,
  to,
  at: 0,
  changes: { seats, ...extra },
});

function store() {
  const s = new SeatStore(buildModel(small), 'st');
  const repaint: number[][] = [];
  s.onSeats((c) => repaint.push([...c]));
  return { s, repaint };
}

describe('SeatStore: snapshots', () => {
  it('starts unknown and repaints every seat on the first snapshot', () => {
    const { s, repaint } = store();
    expect(Array.from(s.states)).toEqual([UNKNOWN, UNKNOWN, UNKNOWN]);
    s.applySnapshot(snapshot(1, '012'));
    expect(Array.from(s.states)).toEqual([FREE, HELD, SOLD]);
    expect(repaint).toEqual([[0, 1, 2]]);
  });

  it('repaints only seats whose state changed', () => {
    const { s, repaint } = store();
    s.applySnapshot(snapshot(1, '000'));
    s.applySnapshot(snapshot(2, '010'));
    expect(repaint[1]).toEqual([1]);
  });

  it('maps the server label order to the map order', () => {
    const { s } = store();
    s.applySnapshot(snapshot(1, '200', ['A-1-3', 'A-1-1', 'A-1-2']));
    expect(Array.from(s.states)).toEqual([FREE, FREE, SOLD]);
  });

  it("takes a snapshot as the server's word, even an older one (inventory rebuilt)", () => {
    const { s } = store();
    s.applySnapshot(snapshot(5, '200'));
    s.applySnapshot(snapshot(4, '000'));
    expect(s.states[0]).toBe(FREE);
    expect(s.version).toBe(4);
  });

  it('keeps the label list when a snapshot leaves it out under the same labelsKey', () => {
    const { s } = store();
    s.applySnapshot(snapshot(1, '000', ['A-1-3', 'A-1-1', 'A-1-2']));
    const { seatLabels: _omit, ...noLabels } = snapshot(2, '100', ['A-1-3', 'A-1-1', 'A-1-2']);
    s.applySnapshot(noLabels);
    expect(Array.from(s.states)).toEqual([FREE, FREE, HELD]);
    expect(s.labelsKey).toBe('A-1-3|A-1-1|A-1-2');
  });
});

describe('SeatStore: deltas', () => {
  it('applies a delta that continues from our version (pairs of index, state)', () => {
    const { s, repaint } = store();
    s.applySnapshot(snapshot(10, '000'));
    const out = s.applyDelta(
      delta(10, 12, [1, HELD, 2, SOLD], { zones: { ga: { capacity: 5, available: 3, held: 2, sold: 0 } } }),
    );
    expect(out).toBe('applied');
    expect(s.version).toBe(12);
    expect(Array.from(s.states)).toEqual([FREE, HELD, SOLD]);
    expect(repaint.at(-1)).toEqual([1, 2]);
    expect(s.zones.ga?.available).toBe(3);
  });

  it('ignores a delta it already has', () => {
    const { s } = store();
    s.applySnapshot(snapshot(12, '000'));
    expect(s.applyDelta(delta(10, 12, [0, SOLD]))).toBe('ignored');
    expect(s.states[0]).toBe(FREE);
  });

  it('reports a gap and changes nothing when versions were skipped; the resync answer catches up', () => {
    const { s } = store();
    s.applySnapshot(snapshot(10, '000'));
    expect(s.applyDelta(delta(11, 13, [0, SOLD]))).toBe('gap');
    expect(s.version).toBe(10);
    expect(s.states[0]).toBe(FREE);
    // Later deltas wait for the resync answer...
    expect(s.applyDelta(delta(13, 14, [1, HELD]))).toBe('buffered');
    // ...which brings the missing versions; the buffered ones then apply on top.
    expect(s.applySync({ kind: 'deltas', delta: delta(10, 13, [0, SOLD]), myHolds: [] })).toBe('applied');
    expect(Array.from(s.states)).toEqual([SOLD, HELD, FREE]);
    expect(s.version).toBe(14);
  });

  it('applies an overlapping delta: its states are absolute', () => {
    const { s } = store();
    s.applySnapshot(snapshot(11, '100'));
    expect(s.applyDelta(delta(10, 13, [0, HELD, 2, SOLD]))).toBe('applied');
    expect(Array.from(s.states)).toEqual([HELD, FREE, SOLD]);
  });

  it('buffers deltas while a sync is awaited and applies them after its answer', () => {
    const { s } = store();
    expect(s.applyDelta(delta(3, 4, [0, SOLD]))).toBe('buffered');
    expect(s.states[0]).toBe(UNKNOWN);
    s.applySnapshot(snapshot(3, '000'));
    expect(Array.from(s.states)).toEqual([SOLD, FREE, FREE]);
    expect(s.version).toBe(4);
  });

  it('repaints exactly the seats a full reset (changes.all) changed', () => {
    const { s, repaint } = store();
    s.applySnapshot(snapshot(10, '000'));
    const out = s.applyDelta(delta(0, 15, [], { all: '021', labelsKey: 'A-1-1|A-1-2|A-1-3' }));
    expect(out).toBe('applied');
    expect(Array.from(s.states)).toEqual([FREE, SOLD, HELD]);
    expect(repaint.at(-1)).toEqual([1, 2]);
    expect(s.version).toBe(15);
  });

  it('updates the live sale state', () => {
    const { s } = store();
    s.applySnapshot(snapshot(1, '000'));
    s.applyDelta(delta(1, 2, [], { state: 'paused' }));
    expect(s.saleState).toBe('paused');
  });
});

describe('SeatStore: my selection and holds', () => {
  it('tells me when a seat I selected is taken, and deselects it', () => {
    const { s } = store();
    const taken: number[][] = [];
    s.onTaken((t) => taken.push(t));
    s.applySnapshot(snapshot(1, '000'));
    expect(s.toggleSelected(1)).toBe(true);
    expect(s.visual(1)).toBe(V_SELECTED);
    s.applyDelta(delta(1, 2, [1, HELD]));
    expect(taken).toEqual([[1]]);
    expect(s.selected[1]).toBe(0);
    expect(s.toggleSelected(1)).toBe(false);
  });

  it('shows my held seats as mine, and they cannot be selected', () => {
    const { s } = store();
    s.applySnapshot(snapshot(1, '110'));
    s.setMine([0]);
    expect(s.visual(0)).toBe(V_MINE);
    expect(s.isSelectable(0)).toBe(false);
    expect(s.toggleSelected(0)).toBe(false);
  });
});

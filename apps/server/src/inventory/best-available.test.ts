import { describe, expect, it } from 'vitest';
import {
  generateVenue,
  rowLetters,
  seatLabel,
  type SeatMapDocument,
  type SeatMapSection,
} from '@seatrush/shared';
import { buildSeatLayout, largestBlock, pickBestSeats, type SeatLayout } from './best-available.ts';

/**
 * Rows written as strings, one character per seat, numbered from 1 in the order written:
 * `.` free standard seat · `x` taken (held, sold or blocked) standard seat · `p` / `P` free / taken premium seat ·
 * `w` free wheelchair space · `c` free companion seat · `?` a seat the live inventory does not know ·
 * a space is an aisle (a wider gap before the next seat, which is not adjacent to the previous one).
 */
function venue(sections: Record<string, string[]>): {
  layout: SeatLayout;
  isFree: (i: number) => boolean;
  pick: (category: string, quantity: number) => string[] | null;
} {
  const doc: Pick<SeatMapDocument, 'sections'> = { sections: [] };
  const taken = new Set<string>();
  const unknown = new Set<string>();
  for (const [key, rows] of Object.entries(sections)) {
    const section: SeatMapSection = { key, name: key, rows: [] };
    rows.forEach((spec, r) => {
      const label = rowLetters(r);
      const seats: SeatMapSection['rows'][number]['seats'] = [];
      let x = 0;
      for (const ch of spec) {
        if (ch === ' ') {
          x += 60;
          continue;
        }
        const number = seats.length + 1;
        const name = seatLabel(key, label, number);
        if (ch === 'x' || ch === 'P') taken.add(name);
        if (ch === '?') unknown.add(name);
        seats.push({
          number,
          x,
          y: r * 28,
          category: ch === 'p' || ch === 'P' ? 'premium' : 'std',
          ...(ch === 'w' ? { wheelchair: true } : {}),
          ...(ch === 'c' ? { companion: true } : {}),
        });
        x += 24;
      }
      section.rows.push({ label, seats });
    });
    doc.sections.push(section);
  }
  // The inventory's order is the sorted labels (like the loader's); the layout must not depend on it.
  const labels = doc.sections
    .flatMap((s) => s.rows.flatMap((r) => r.seats.map((seat) => `${s.key}-${r.label}-${seat.number}`)))
    .filter((l) => !unknown.has(l))
    .sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const takenIdx = new Set([...taken].map((l) => index.get(l)!));
  const layout = buildSeatLayout(doc, (l) => index.get(l));
  const isFree = (i: number) => !takenIdx.has(i);
  return {
    layout,
    isFree,
    pick: (category, quantity) => pickBestSeats(layout, isFree, category, quantity)?.seats ?? null,
  };
}

describe('pickBestSeats', () => {
  it('picks adjacent seats in the front row, the block closest to the middle (leftmost on a tie)', () => {
    const v = venue({ S: ['..........', '..........'] });
    expect(v.pick('std', 3)).toEqual(['S-A-4', 'S-A-5', 'S-A-6']);
    expect(v.pick('std', 4)).toEqual(['S-A-4', 'S-A-5', 'S-A-6', 'S-A-7']);
    expect(v.pick('std', 10)).toEqual(Array.from({ length: 10 }, (_, i) => `S-A-${i + 1}`));
    expect(v.pick('std', 1)).toEqual(['S-A-5']);
  });

  it('skips held, sold and blocked seats: the block has no taken seat inside it', () => {
    const v = venue({ S: ['....x.....'] });
    expect(v.pick('std', 5)).toEqual(['S-A-6', 'S-A-7', 'S-A-8', 'S-A-9', 'S-A-10']);
    // 6-9 or 7-10 would strand a seat; 1-4 fills the gap before the taken seat exactly.
    expect(v.pick('std', 4)).toEqual(['S-A-1', 'S-A-2', 'S-A-3', 'S-A-4']);
    expect(v.pick('std', 6)).toBeNull();
  });

  it('takes only seats of the asked category, even when another category sits in the middle', () => {
    const v = venue({ S: ['...pppp...', 'pppp......'] });
    expect(v.pick('premium', 3)).toEqual(['S-A-4', 'S-A-5', 'S-A-6']);
    expect(v.pick('premium', 4)).toEqual(['S-A-4', 'S-A-5', 'S-A-6', 'S-A-7']);
    // Row A's standard seats come in blocks of 3: four go to row B, in its standard part.
    expect(v.pick('std', 4)).toEqual(['S-B-5', 'S-B-6', 'S-B-7', 'S-B-8']);
    expect(v.pick('premium', 5)).toBeNull();
  });

  it('ranks rows in seat-map order: sections as listed, then rows, front first', () => {
    const v = venue({ STALLS: ['xxxxxxxx', 'xx...xxx', '........'], CIRCLE: ['........'] });
    expect(v.pick('std', 3)).toEqual(['STALLS-B-3', 'STALLS-B-4', 'STALLS-B-5']);
    expect(v.pick('std', 4)).toEqual(['STALLS-C-3', 'STALLS-C-4', 'STALLS-C-5', 'STALLS-C-6']);
    const full = venue({ STALLS: ['xxxxxxxx'], CIRCLE: ['xxxx....', '........'] });
    expect(full.pick('std', 4)).toEqual(['CIRCLE-A-5', 'CIRCLE-A-6', 'CIRCLE-A-7', 'CIRCLE-A-8']);
  });

  it('avoids leaving a single free seat stranded beside the block when the row allows it', () => {
    // Free seats 3-8: the central block 4-7 would strand seats 3 and 8.
    const v = venue({ S: ['xx......xx'] });
    const pick = pickBestSeats(v.layout, v.isFree, 'std', 4);
    expect(pick).toMatchObject({ row: 'A', seats: ['S-A-3', 'S-A-4', 'S-A-5', 'S-A-6'], orphans: 0 });
    // Free seats 2-6: 3-5 would strand 2 and 6; 4-6 leaves the pair 2-3.
    expect(venue({ S: ['x.....xxxx'] }).pick('std', 3)).toEqual(['S-A-4', 'S-A-5', 'S-A-6']);
    // A lone free seat is filled rather than splitting one of the pairs nearer the middle.
    expect(venue({ S: ['x.x..x..x.'] }).pick('std', 1)).toEqual(['S-A-2']);
  });

  it('counts a seat alone at the row end or before an aisle as stranded', () => {
    // Seats 1-4 then an aisle then 5-8 (taken): 2-4 strands seat 1; 1-3 strands seat 4 before the aisle.
    const v = venue({ S: ['.... xxxx'] });
    expect(pickBestSeats(v.layout, v.isFree, 'std', 3)).toMatchObject({ orphans: 1 });
    // Seats 2-4 fill the part before the aisle; 6-8 would strand seat 5 against the aisle.
    const w = venue({ S: ['x... ....'] });
    expect(pickBestSeats(w.layout, w.isFree, 'std', 3)).toMatchObject({
      seats: ['S-A-2', 'S-A-3', 'S-A-4'],
      orphans: 0,
    });
    expect(w.pick('std', 4)).toEqual(['S-A-5', 'S-A-6', 'S-A-7', 'S-A-8']);
  });

  it('keeps to the better row even when every block there strands a seat (orphans are avoided within a row)', () => {
    const v = venue({ S: ['x....x', '......'] });
    expect(pickBestSeats(v.layout, v.isFree, 'std', 3)).toMatchObject({
      row: 'A',
      seats: ['S-A-2', 'S-A-3', 'S-A-4'],
      orphans: 1,
    });
  });

  it('never picks wheelchair spaces or companion seats, and they split a block', () => {
    const v = venue({ S: ['..wc..', 'cw...'] });
    expect(v.pick('std', 3)).toEqual(['S-B-3', 'S-B-4', 'S-B-5']);
    expect(v.pick('std', 4)).toBeNull();
    // A free accessible seat beside the block is not a stranded seat.
    const w = venue({ S: ['w...x'] });
    expect(pickBestSeats(w.layout, w.isFree, 'std', 3)).toMatchObject({ orphans: 0 });
  });

  it('does not treat seats across an aisle as adjacent', () => {
    const v = venue({ S: ['... ...'] });
    expect(v.pick('std', 4)).toBeNull();
    expect(v.pick('std', 3)).toEqual(['S-A-1', 'S-A-2', 'S-A-3']);
    expect(v.layout.rows[0]!.seats.map((s) => s.gapBefore)).toEqual([
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
  });

  it('never picks a seat the live inventory does not know', () => {
    const v = venue({ S: ['...?...', '.....'] });
    expect(v.pick('std', 4)).toEqual(['S-B-1', 'S-B-2', 'S-B-3', 'S-B-4']);
  });

  it('returns null when no row has the block, and largestBlock says what the best would be', () => {
    const v = venue({ S: ['..x..x..', '.x.x.x.x'], T: ['ppp'] });
    expect(v.pick('std', 3)).toBeNull();
    expect(largestBlock(v.layout, v.isFree, 'std')).toBe(2);
    expect(largestBlock(v.layout, v.isFree, 'premium')).toBe(3);
    expect(v.pick('nope', 1)).toBeNull();
    expect(v.pick('std', 0)).toBeNull();
    expect(venue({ S: ['xxxx'] }).pick('std', 1)).toBeNull();
  });
});

describe('pickBestSeats on generated and partial documents', () => {
  it('works on generated arc and rect sections: no false aisles, categories per row', () => {
    const doc = generateVenue({
      name: 'Arcs',
      slug: 'arcs',
      categories: [
        { key: 'front', name: 'Front', color: '#111111' },
        { key: 'back', name: 'Back', color: '#222222' },
      ],
      sections: [
        {
          key: 'ARC',
          name: 'Arc',
          shape: 'arc',
          origin: { x: 1000, y: 0 },
          radius: 400,
          rows: 4,
          seatsPerRow: 20,
          seatsPerRowIncrement: 2,
          category: (r) => (r < 2 ? 'front' : 'back'),
          accessible: [{ row: 0, seats: [10] }],
        },
        {
          key: 'BOX',
          name: 'Box',
          shape: 'rect',
          origin: { x: 0, y: 0 },
          rows: 2,
          seatsPerRow: 6,
          category: 'front',
        },
      ],
    });
    const labels = doc.sections.flatMap((s) =>
      s.rows.flatMap((r) => r.seats.map((seat) => `${s.key}-${r.label}-${seat.number}`)),
    );
    const index = new Map(labels.map((l, i) => [l, i]));
    const layout = buildSeatLayout(doc, (l) => index.get(l));
    expect(layout.rows.flatMap((r) => r.seats).filter((s) => s.gapBefore)).toEqual([]);
    expect([...layout.categories].sort()).toEqual(['back', 'front']);
    const all = () => true;
    // Row A: seat 10 is a wheelchair space and 11 its companion, so the middle block moves beside them (the
    // blocks 6-9 and 12-15 are equally central; the first in the row wins).
    expect(pickBestSeats(layout, all, 'front', 4)?.seats).toEqual([
      'ARC-A-6',
      'ARC-A-7',
      'ARC-A-8',
      'ARC-A-9',
    ]);
    expect(pickBestSeats(layout, all, 'back', 2)?.seats).toEqual(['ARC-C-12', 'ARC-C-13']);
    expect(pickBestSeats(layout, all, 'front', 18)?.row).toBe('B');
  });

  it('tolerates a document without sections', () => {
    const layout = buildSeatLayout({ sections: [] }, () => 0);
    expect(layout.rows).toEqual([]);
    expect(pickBestSeats(layout, () => true, 'std', 1)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { generateSection, generateStadium, generateVenue, rowLetters } from './seatmap-generators.ts';
import {
  describeSeatMapPath,
  parseSeatMap,
  seatLabel,
  seatMapBodySchema,
  seatMapStats,
  type SeatMapDocument,
} from './seatmap.ts';

const base = (): SeatMapDocument =>
  generateVenue({
    name: 'Test Hall',
    slug: 'test-hall',
    categories: [
      { key: 'a', name: 'A', color: '#ff0000' },
      { key: 'b', name: 'B', color: '#00ff00' },
    ],
    sections: [
      {
        key: 'MAIN',
        name: 'Main',
        shape: 'rect',
        origin: { x: 0, y: 0 },
        rows: 3,
        seatsPerRow: 4,
        category: 'a',
      },
      {
        key: 'SIDE',
        name: 'Side',
        shape: 'rect',
        origin: { x: 200, y: 0 },
        rows: 1,
        seatsPerRow: 2,
        category: 'b',
      },
    ],
    gaZones: [{ key: 'PIT', name: 'Pit', capacity: 100, category: 'b' }],
  });

const issuesOf = (input: unknown) => {
  const r = parseSeatMap(input);
  if (r.ok) throw new Error('expected the document to be refused');
  return r.issues;
};

describe('seat-map document', () => {
  it('accepts a generated venue and counts it', () => {
    const r = parseSeatMap(base());
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(seatMapStats(r.doc)).toMatchObject({
        sections: 2,
        rows: 4,
        seats: 14,
        gaZones: 1,
        gaCapacity: 100,
      });
  });

  it('names the section, row and seat of a bad field', () => {
    const doc = base() as unknown as {
      sections: Array<{ rows: Array<{ seats: Array<Record<string, unknown>> }> }>;
    };
    doc.sections[0]!.rows[1]!.seats[2]!.x = 'left';
    const issues = issuesOf(doc);
    expect(issues).toEqual([
      {
        path: 'sections.0.rows.1.seats.2.x',
        message: expect.stringContaining('section MAIN › row B › seat 3 › x:') as string,
      },
    ]);
    expect(issues[0]!.message).toContain('expected number');
  });

  it('refuses unknown fields, with the field named', () => {
    const doc = base() as unknown as {
      sections: Array<{ rows: Array<{ seats: Array<Record<string, unknown>> }> }>;
    };
    doc.sections[1]!.rows[0]!.seats[0]!.colour = 'red';
    const [issue] = issuesOf(doc);
    expect(issue!.path).toBe('sections.1.rows.0.seats.0');
    expect(issue!.message).toMatch(/section SIDE › row A › seat 1: Unrecognized key: "colour"/);
  });

  it('refuses duplicate seat labels, naming both places', () => {
    const doc = base();
    doc.sections[0]!.rows[0]!.seats[1]!.number = 1;
    expect(issuesOf(doc)).toEqual([
      {
        path: 'sections.0.rows.0.seats.1.number',
        message: 'Seat MAIN-A-1 is defined twice (also sections.0.rows.0.seats.0).',
      },
    ]);
  });

  it('refuses duplicate rows, categories, and section keys shared with GA zones', () => {
    const doc = base();
    doc.sections[0]!.rows[2]!.label = 'A';
    doc.categories.push({ key: 'a', name: 'again', color: '#000000' });
    doc.gaZones[0]!.key = 'SIDE';
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path).sort()).toEqual([
      'categories.2.key',
      'gaZones.0.key',
      'sections.0.rows.2.label',
    ]);
    expect(issues.find((i) => i.path === 'gaZones.0.key')!.message).toBe(
      'GA zone key "SIDE" is already used by sections.1.',
    );
  });

  it('refuses categories that are not declared', () => {
    const doc = base();
    doc.sections[1]!.rows[0]!.seats[1]!.category = 'vip';
    doc.gaZones[0]!.category = 'floor';
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(2);
    expect(issues[0]).toEqual({
      path: 'sections.1.rows.0.seats.1.category',
      message: 'Seat SIDE-A-2 uses category "vip", which is not one of: a, b.',
    });
    expect(issues[1]!.path).toBe('gaZones.0.category');
  });

  it('refuses keys that would make seat labels ambiguous, an empty venue, half-drawn zones and wheelchair companions', () => {
    const doc = base();
    doc.sections[0]!.key = 'MA-IN';
    expect(issuesOf(doc)[0]!.path).toBe('sections.0.key');

    expect(issuesOf({ ...base(), sections: [], gaZones: [] })[0]).toEqual({
      path: 'sections',
      message: 'A venue needs at least one seat or one GA zone.',
    });

    const half = base();
    half.gaZones[0]!.x = 10;
    expect(issuesOf(half)[0]!.message).toMatch(/give all of x, y, width and height/);

    const both = base();
    Object.assign(both.sections[0]!.rows[0]!.seats[0]!, { wheelchair: true, companion: true });
    expect(issuesOf(both)[0]!.path).toBe('sections.0.rows.0.seats.0.companion');
  });

  it('gives the same named issues through the request-body schema', () => {
    const doc = base() as unknown as {
      sections: Array<{ rows: Array<{ seats: Array<Record<string, unknown>> }> }>;
    };
    delete doc.sections[0]!.rows[0]!.seats[3]!.y;
    const r = seatMapBodySchema.safeParse(doc);
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({
      path: ['sections', 0, 'rows', 0, 'seats', 3, 'y'],
      message: expect.stringContaining('section MAIN › row A › seat 4 › y:') as string,
    });
    expect(seatMapBodySchema.safeParse(base()).success).toBe(true);
  });

  it('describes paths even where names are missing', () => {
    expect(describeSeatMapPath({ sections: [{ rows: [] }] }, ['sections', 0, 'key'])).toBe(
      'section #1 › key',
    );
    expect(describeSeatMapPath({}, ['name'])).toBe('name');
  });
});

describe('generators', () => {
  it('letters rows like a theatre', () => {
    expect([0, 1, 25, 26, 27, 51, 52].map(rowLetters)).toEqual(['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA']);
  });

  it('builds rect rows centred on the widest row', () => {
    const s = generateSection({
      key: 'R',
      name: 'R',
      shape: 'rect',
      origin: { x: 0, y: 0 },
      rows: 2,
      seatsPerRow: 2,
      seatsPerRowIncrement: 2,
      spacing: { x: 10, y: 20 },
      category: 'a',
    });
    expect(s.rows[0]!.seats.map((x) => [x.x, x.y])).toEqual([
      [10, 0],
      [20, 0],
    ]);
    expect(s.rows[1]!.seats.map((x) => [x.x, x.y])).toEqual([
      [0, 20],
      [10, 20],
      [20, 20],
      [30, 20],
    ]);
  });

  it("refuses sizes beyond the format's limits before building anything (issue 17)", () => {
    const base = { key: 'W', name: 'W', shape: 'rect' as const, origin: { x: 0, y: 0 }, category: 'a' };
    expect(() => generateSection({ ...base, rows: 10, seatsPerRow: 100_000 })).toThrow(
      'Section W: Use at most 2,000 seats per row.',
    );
    expect(() => generateSection({ ...base, rows: -3, seatsPerRow: 10 })).toThrow('Use at least 1 row.');
    expect(() => generateSection({ ...base, rows: 2.5, seatsPerRow: 10 })).toThrow('whole number');
    expect(() => generateSection({ ...base, rows: 400, seatsPerRow: 1900, seatsPerRowIncrement: 1 })).toThrow(
      'at most 2,000 seats per row',
    );
    expect(() =>
      generateVenue({
        name: 'Big',
        slug: 'big',
        categories: [{ key: 'a', name: 'A', color: '#000000' }],
        sections: Array.from({ length: 3 }, (_, i) => ({
          ...base,
          key: `S${i}`,
          rows: 500,
          seatsPerRow: 2000,
        })),
      }),
    ).toThrow('A venue can have at most 200,000 seats; these sections have 3,000,000.');
    expect(generateSection({ ...base, rows: 500, seatsPerRow: 1 }).rows).toHaveLength(500);
    expect(generateSection({ ...base, rows: 1, seatsPerRow: 2000 }).rows[0]!.seats).toHaveLength(2000);
  });

  it('builds arcs symmetric about their centre angle', () => {
    const s = generateSection({
      key: 'ARC',
      name: 'Arc',
      shape: 'arc',
      origin: { x: 0, y: 0 },
      radius: 100,
      angle: { centre: 0, sweep: 90 },
      rows: 1,
      seatsPerRow: 3,
      category: 'a',
    });
    const [first, mid, last] = s.rows[0]!.seats;
    expect(mid).toMatchObject({ x: 0, y: 100 });
    expect(first!.x).toBeCloseTo(70.71, 1);
    expect(last!.x).toBeCloseTo(-70.71, 1);
    expect(first!.y).toBeCloseTo(last!.y, 5);
  });

  it('puts a companion seat next to each wheelchair space', () => {
    const s = generateSection({
      key: 'W',
      name: 'W',
      shape: 'rect',
      origin: { x: 0, y: 0 },
      rows: 1,
      seatsPerRow: 6,
      category: 'a',
      accessible: [{ row: 0, seats: [1, 6] }],
    });
    const flags = s.rows[0]!.seats.map((x) => (x.wheelchair ? 'W' : x.companion ? 'C' : '.')).join('');
    expect(flags).toBe('WC..CW');
    expect(() =>
      generateSection({
        key: 'W',
        name: 'W',
        shape: 'rect',
        origin: { x: 0, y: 0 },
        rows: 1,
        seatsPerRow: 2,
        category: 'a',
        accessible: [{ row: 0, seats: [9] }],
      }),
    ).toThrow(RangeError);
  });

  it('builds a valid 20,000-seat stadium with no two seats on top of each other', () => {
    const doc = generateStadium({ floorCapacity: 5000 });
    const r = parseSeatMap(doc);
    expect(r.ok).toBe(true);
    const stats = seatMapStats(doc);
    expect(stats.seats).toBe(20_000);
    expect(stats.gaCapacity).toBe(5000);
    // Grid-bucket the seats and check neighbours: seats must be at least 5 units apart.
    const cell = 10;
    const grid = new Map<string, Array<{ x: number; y: number; label: string }>>();
    let closest = Infinity;
    for (const s of doc.sections)
      for (const row of s.rows)
        for (const seat of row.seats) {
          const cx = Math.floor(seat.x / cell);
          const cy = Math.floor(seat.y / cell);
          for (let dx = -1; dx <= 1; dx++)
            for (let dy = -1; dy <= 1; dy++)
              for (const o of grid.get(`${cx + dx},${cy + dy}`) ?? [])
                closest = Math.min(closest, Math.hypot(o.x - seat.x, o.y - seat.y));
          const key = `${cx},${cy}`;
          const list = grid.get(key) ?? [];
          list.push({ x: seat.x, y: seat.y, label: seatLabel(s.key, row.label, seat.number) });
          grid.set(key, list);
        }
    expect(closest).toBeGreaterThanOrEqual(5);
  });
});

describe('issue volume', () => {
  it('reports a systematic mistake a bounded number of times', () => {
    // Rows 0-7 of both sections use "lower": 2 × 8 × 20 = 320 bad seats.
    const doc = generateStadium({ sections: 2, rows: 10, seatsPerRow: 20 });
    doc.categories = doc.categories.filter((c) => c.key !== 'lower');
    const issues = issuesOf(doc);
    expect(issues).toHaveLength(51);
    expect(issues[50]).toEqual({ path: '(body)', message: '…and 270 more problems of the same kinds.' });
  });
});

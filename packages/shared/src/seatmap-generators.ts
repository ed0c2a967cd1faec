import { z } from 'zod';
import {
  MAX_GA_CAPACITY,
  MAX_ROWS_PER_SECTION,
  MAX_SEATS_PER_ROW,
  MAX_SEATS_PER_VENUE,
  stageSchema,
  type SeatMapDocument,
  type SeatMapSection,
  type SeatMapSeat,
  type SeatMapGaZone,
  type SeatMapCategory,
} from './seatmap.ts';

/** Generators: build large, regular sections and whole venues without writing every seat by hand. */

export interface Point {
  x: number;
  y: number;
}

export interface GenerateSectionOptions {
  key: string;
  name: string;
  /**
   * `rect`: rows are horizontal lines from `origin` (the first seat of the first row) going down.
   * `arc`: rows are concentric arcs around `origin` (the centre, usually the stage), the first row at `radius`.
   */
  shape: 'rect' | 'arc';
  rows: number;
  /** Seats in the first row. */
  seatsPerRow: number;
  /** Seats added per row going back (arcs usually grow). Default 0. */
  seatsPerRowIncrement?: number;
  /** A category key, or one per row index (e.g. front rows premium). */
  category: string | ((rowIndex: number) => string);
  origin: Point;
  /** Distance between seat centres in a row (`x`) and between rows (`y`). Default 24 and 28. */
  spacing?: { x?: number; y?: number };
  /** Row labels: `letters` (A..Z, AA..), `numbers` (1..), or an explicit list. Default letters. */
  rowLabels?: 'letters' | 'numbers' | string[];
  /** Number of the first seat in each row. Default 1. */
  firstSeatNumber?: number;
  /** Arc only: radius of the first row. Default 200. */
  radius?: number;
  /**
   * Arc only: centre angle and total sweep in degrees. 0° points down (+y, away from a stage drawn above the
   * centre), 90° right, 180° up. Default centre 0, sweep 90.
   */
  angle?: { centre?: number; sweep?: number };
  /** Rect only: centre each row horizontally on the widest row (useful with increments). Default true. */
  centreRows?: boolean;
  /**
   * Wheelchair spaces, by row index and seat number. Each gets a companion seat next to it (the next number,
   * or the previous one at the end of the row) unless `companion: false`.
   */
  accessible?: Array<{ row: number; seats: number[]; companion?: boolean }>;
}

const count = (n: number) => n.toLocaleString('en');

/**
 * The sizes a generated section or zone may have: the seat-map format's own limits, with the messages the venue
 * generator's form shows. `generateSection` and `generateVenue` check them before building anything, so a typo
 * (100,000 seats per row) is refused at once instead of building a document of millions of seats.
 */
export const generatorLimitsSchema = z.object({
  rows: z
    .int({ error: 'Give the number of rows as a whole number.' })
    .min(1, 'Use at least 1 row.')
    .max(MAX_ROWS_PER_SECTION, `Use at most ${count(MAX_ROWS_PER_SECTION)} rows per section.`),
  seatsPerRow: z
    .int({ error: 'Give the number of seats per row as a whole number.' })
    .min(1, 'Use at least 1 seat per row.')
    .max(MAX_SEATS_PER_ROW, `Use at most ${count(MAX_SEATS_PER_ROW)} seats per row.`),
  capacity: z
    .int({ error: 'Give the capacity as a whole number.' })
    .min(1, 'Use a capacity of at least 1.')
    .max(MAX_GA_CAPACITY, `Use a capacity of at most ${count(MAX_GA_CAPACITY)}.`),
});

/** The first problem with a generator size (`rows`, `seatsPerRow` or `capacity`), or null. */
function limitProblem(field: keyof typeof generatorLimitsSchema.shape, value: number): string | null {
  const r = generatorLimitsSchema.shape[field].safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'Out of range.');
}

/** `A`..`Z`, `AA`..`AZ`, `BA`.. — the usual theatre row lettering. */
export function rowLetters(index: number): string {
  let n = index;
  let out = '';
  do {
    out = String.fromCharCode(65 + (n % 26)) + out;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * Builds one section of a seat map. Deterministic: the same options give the same document.
 * Throws `RangeError` on impossible options (no rows, too few row labels, accessible seat outside the section).
 */
export function generateSection(opts: GenerateSectionOptions): SeatMapSection {
  const inc = opts.seatsPerRowIncrement ?? 0;
  const problem =
    limitProblem('rows', opts.rows) ??
    limitProblem('seatsPerRow', opts.seatsPerRow) ??
    limitProblem('seatsPerRow', opts.seatsPerRow + Math.max(0, inc * (opts.rows - 1)));
  if (problem) throw new RangeError(`Section ${opts.key}: ${problem}`);
  const pitch = opts.spacing?.x ?? 24;
  const rowPitch = opts.spacing?.y ?? 28;
  const first = opts.firstSeatNumber ?? 1;
  const labels =
    opts.rowLabels === 'numbers'
      ? Array.from({ length: opts.rows }, (_, i) => String(i + 1))
      : Array.isArray(opts.rowLabels)
        ? opts.rowLabels
        : Array.from({ length: opts.rows }, (_, i) => rowLetters(i));
  if (labels.length < opts.rows)
    throw new RangeError(`Section ${opts.key}: ${opts.rows} rows but ${labels.length} row labels.`);
  const widest = opts.seatsPerRow + Math.max(0, inc * (opts.rows - 1));
  const categoryOf = typeof opts.category === 'function' ? opts.category : () => opts.category as string;

  const rows: SeatMapSection['rows'] = [];
  for (let r = 0; r < opts.rows; r++) {
    const count = opts.seatsPerRow + inc * r;
    if (count < 1) throw new RangeError(`Section ${opts.key}: row ${r} would have no seats.`);
    const seats: SeatMapSeat[] = [];
    for (let n = 0; n < count; n++) {
      let x: number;
      let y: number;
      if (opts.shape === 'rect') {
        const offset = opts.centreRows === false ? 0 : ((widest - count) * pitch) / 2;
        x = opts.origin.x + offset + n * pitch;
        y = opts.origin.y + r * rowPitch;
      } else {
        const radius = (opts.radius ?? 200) + r * rowPitch;
        const centre = ((opts.angle?.centre ?? 0) * Math.PI) / 180;
        const sweep = ((opts.angle?.sweep ?? 90) * Math.PI) / 180;
        const step = count > 1 ? sweep / (count - 1) : 0;
        const theta = centre + sweep / 2 - n * step;
        x = opts.origin.x + radius * Math.sin(theta);
        y = opts.origin.y + radius * Math.cos(theta);
      }
      seats.push({ number: first + n, x: round(x), y: round(y), category: categoryOf(r) });
    }
    rows.push({ label: labels[r]!, seats });
  }

  for (const a of opts.accessible ?? []) {
    const row = rows[a.row];
    if (!row) throw new RangeError(`Section ${opts.key}: accessible row ${a.row} does not exist.`);
    const byNumber = new Map(row.seats.map((s) => [s.number, s]));
    for (const number of a.seats) {
      const seat = byNumber.get(number);
      if (!seat) throw new RangeError(`Section ${opts.key}: row ${row.label} has no seat ${number}.`);
      seat.wheelchair = true;
      delete seat.companion;
    }
    if (a.companion === false) continue;
    for (const number of a.seats) {
      const next = byNumber.get(number + 1);
      const prev = byNumber.get(number - 1);
      const mate = next && !next.wheelchair ? next : prev && !prev.wheelchair ? prev : undefined;
      if (mate) mate.companion = true;
    }
  }
  return { key: opts.key, name: opts.name, rows };
}

export interface GenerateVenueOptions {
  name: string;
  slug: string;
  categories: SeatMapCategory[];
  sections: GenerateSectionOptions[];
  gaZones?: SeatMapGaZone[];
  stage?: z.output<typeof stageSchema>;
}

/** Builds a whole document from section recipes. The result still goes through `parseSeatMap` when used. */
export function generateVenue(opts: GenerateVenueOptions): SeatMapDocument {
  let seats = 0;
  for (const s of opts.sections) {
    const inc = s.seatsPerRowIncrement ?? 0;
    // Rows grow (or shrink) linearly: their seat count is the average row's times the rows.
    seats += Math.max(0, s.rows * s.seatsPerRow + (inc * s.rows * (s.rows - 1)) / 2);
  }
  if (seats > MAX_SEATS_PER_VENUE)
    throw new RangeError(
      `A venue can have at most ${count(MAX_SEATS_PER_VENUE)} seats; these sections have ${count(seats)}.`,
    );
  for (const z of opts.gaZones ?? []) {
    const problem = limitProblem('capacity', z.capacity);
    if (problem) throw new RangeError(`Zone ${z.key}: ${problem}`);
  }
  return {
    format: 1,
    name: opts.name,
    slug: opts.slug,
    categories: opts.categories,
    sections: opts.sections.map(generateSection),
    gaZones: opts.gaZones ?? [],
    ...(opts.stage ? { stage: opts.stage } : {}),
  };
}

export interface GenerateStadiumOptions {
  name?: string;
  slug?: string;
  /** Sections around the bowl. Default 16. */
  sections?: number;
  /** Rows per section. Default 25. */
  rows?: number;
  /** Seats in every row. Default 50 (16 × 25 × 50 = 20,000 seats). */
  seatsPerRow?: number;
  /** Optional standing zone on the pitch. */
  floorCapacity?: number;
}

/**
 * A bowl of arc sections around a pitch: the benchmark venue (20,000 seats with the defaults). Rows 0-7 are
 * `lower`, 8-16 `middle`, the rest `upper`.
 */
export function generateStadium(opts: GenerateStadiumOptions = {}): SeatMapDocument {
  const count = opts.sections ?? 16;
  const rows = opts.rows ?? 25;
  const perRow = opts.seatsPerRow ?? 50;
  const pitch = 12;
  const span = 360 / count;
  // The first row's radius must leave room for `perRow` seats within one section's sweep (minus an aisle).
  const sweep = span * 0.85;
  const radius = Math.max(300, Math.ceil(((perRow - 1) * pitch) / ((sweep * Math.PI) / 180)));
  const centre = { x: radius + rows * pitch + 50, y: radius + rows * pitch + 50 };
  const sections: GenerateSectionOptions[] = Array.from({ length: count }, (_, i) => ({
    key: `S${String(i + 1).padStart(2, '0')}`,
    name: `Section ${i + 1}`,
    shape: 'arc' as const,
    rows,
    seatsPerRow: perRow,
    category: (r: number) => (r < 8 ? 'lower' : r < 17 ? 'middle' : 'upper'),
    origin: centre,
    radius,
    spacing: { x: pitch, y: pitch },
    rowLabels: 'numbers' as const,
    angle: { centre: i * span, sweep },
  }));
  const floor = Math.round(radius * 0.9);
  return generateVenue({
    name: opts.name ?? 'Benchmark Stadium',
    slug: opts.slug ?? 'benchmark-stadium',
    categories: [
      { key: 'lower', name: 'Lower tier', color: '#d62728' },
      { key: 'middle', name: 'Middle tier', color: '#1f77b4' },
      { key: 'upper', name: 'Upper tier', color: '#2ca02c' },
      ...(opts.floorCapacity ? [{ key: 'floor', name: 'Floor', color: '#9467bd' }] : []),
    ],
    sections,
    gaZones: opts.floorCapacity
      ? [
          {
            key: 'FLOOR',
            name: 'Floor standing',
            capacity: opts.floorCapacity,
            category: 'floor',
            x: centre.x - floor,
            y: centre.y - floor / 2,
            width: floor * 2,
            height: floor,
          },
        ]
      : [],
  });
}

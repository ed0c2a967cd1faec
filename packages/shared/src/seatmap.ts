import { z } from 'zod';
import type { Issue } from './errors.ts';

/**
 * The seat-map document: what staff upload to create a venue, what the database's Section/Row/Seat/GaZone
 * rows are derived from, and what buyers' browsers download (once per layout version) to draw the map.
 * Format reference: docs/seat-map-format.md.
 */

/** Keys name things in seat labels and URLs, so they exclude the `-` that joins label parts. */
const KEY = /^[A-Za-z0-9_]{1,32}$/;
const ROW_LABEL = /^[A-Za-z0-9_]{1,8}$/;
const SEAT_NUMBER = /^[A-Za-z0-9_]{1,8}$/;

export const seatMapKeySchema = z
  .string()
  .regex(
    KEY,
    'Use 1-32 letters, digits or underscores (no dashes: they separate the parts of a seat label).',
  );

export const venueSlugSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(
    /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
    'Use lower-case letters, digits and single dashes, e.g. "city-theatre".',
  );

const coordinate = z.number().finite().min(-1_000_000).max(1_000_000);

export const categorySchema = z.strictObject({
  key: seatMapKeySchema,
  name: z.string().trim().min(1).max(80),
  /** `#rrggbb`, used to draw the seats of this category. */
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like "#1f77b4".'),
});

export const seatSchema = z.strictObject({
  /** Unique within its row; the last part of the seat label. */
  number: z.union([
    z.int().min(0).max(99_999_999),
    z.string().regex(SEAT_NUMBER, 'Use 1-8 letters, digits or underscores.'),
  ]),
  x: coordinate,
  y: coordinate,
  /** Key of one of the document's categories. */
  category: seatMapKeySchema,
  /** A wheelchair space (usually no fixed seat). */
  wheelchair: z.boolean().optional(),
  /** A seat reserved next to a wheelchair space for a companion. */
  companion: z.boolean().optional(),
});

export const rowSchema = z.strictObject({
  label: z.string().regex(ROW_LABEL, 'Use 1-8 letters, digits or underscores.'),
  seats: z.array(seatSchema).min(1).max(2_000),
});

export const sectionSchema = z.strictObject({
  key: seatMapKeySchema,
  name: z.string().trim().min(1).max(80),
  rows: z.array(rowSchema).min(1).max(500),
});

export const gaZoneSchema = z.strictObject({
  key: seatMapKeySchema,
  name: z.string().trim().min(1).max(80),
  capacity: z.int().min(1).max(1_000_000),
  category: seatMapKeySchema,
  /** Where to draw the zone (optional; a rectangle in the same coordinate space as the seats). */
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: z.number().finite().positive().max(1_000_000).optional(),
  height: z.number().finite().positive().max(1_000_000).optional(),
});

export const stageSchema = z.strictObject({
  x: coordinate,
  y: coordinate,
  width: z.number().finite().positive().max(1_000_000),
  height: z.number().finite().positive().max(1_000_000),
  label: z.string().trim().min(1).max(40).optional(),
});

/** The document's shape before the cross-field checks (duplicates, unknown categories). */
const seatMapShape = z.strictObject({
  /** Format version; only 1 exists. */
  format: z.literal(1).optional(),
  name: z.string().trim().min(1).max(120),
  slug: venueSlugSchema,
  categories: z.array(categorySchema).min(1).max(50),
  sections: z.array(sectionSchema).max(500).default([]),
  gaZones: z.array(gaZoneSchema).max(100).default([]),
  /** Drawn for orientation only. */
  stage: stageSchema.optional(),
});

export const MAX_SEATS_PER_VENUE = 200_000;
const MAX_REPORTED_ISSUES = 50;

/** The label buyers and the hold API use for a seat; unique within a venue. */
export function seatLabel(sectionKey: string, rowLabel: string, seatNumber: string | number): string {
  return `${sectionKey}-${rowLabel}-${String(seatNumber)}`;
}

type Shape = z.output<typeof seatMapShape>;

function crossCheck(doc: Shape, ctx: z.RefinementCtx): void {
  // A systematic mistake (a misspelt category on 20,000 seats) should not produce a 20,000-issue answer.
  let reported = 0;
  const add = (path: PropertyKey[], message: string) => {
    if (reported++ < MAX_REPORTED_ISSUES) ctx.addIssue({ code: 'custom', path, message, input: doc });
  };

  const categories = new Map<string, number>();
  doc.categories.forEach((c, i) => {
    const first = categories.get(c.key);
    if (first !== undefined)
      add(['categories', i, 'key'], `Category key "${c.key}" is used twice (also categories.${first}).`);
    else categories.set(c.key, i);
  });
  const checkCategory = (path: PropertyKey[], key: string, what: string) => {
    if (!categories.has(key))
      add(path, `${what} uses category "${key}", which is not one of: ${[...categories.keys()].join(', ')}.`);
  };

  // Section and zone keys share one namespace: holds name either, so they must not overlap.
  const areaKeys = new Map<string, string>();
  const labels = new Map<string, string>();
  let seatCount = 0;
  doc.sections.forEach((section, s) => {
    const other = areaKeys.get(section.key);
    const repeatedSection = other !== undefined;
    if (repeatedSection)
      add(['sections', s, 'key'], `Section key "${section.key}" is already used by ${other}.`);
    else areaKeys.set(section.key, `sections.${s}`);
    const rowLabels = new Map<string, number>();
    section.rows.forEach((row, r) => {
      const firstRow = rowLabels.get(row.label);
      // A repeated row (or section) repeats all its seat labels; report it once, not every seat in it.
      const repeatedRow = firstRow !== undefined;
      if (repeatedRow)
        add(
          ['sections', s, 'rows', r, 'label'],
          `Section ${section.key}: row "${row.label}" appears twice (also sections.${s}.rows.${firstRow}).`,
        );
      else rowLabels.set(row.label, r);
      row.seats.forEach((seat, n) => {
        seatCount++;
        const label = seatLabel(section.key, row.label, seat.number);
        const path = ['sections', s, 'rows', r, 'seats', n];
        const where = `sections.${s}.rows.${r}.seats.${n}`;
        const firstSeat = labels.get(label);
        if (firstSeat) {
          if (!repeatedRow && !repeatedSection)
            add([...path, 'number'], `Seat ${label} is defined twice (also ${firstSeat}).`);
        } else labels.set(label, where);
        checkCategory([...path, 'category'], seat.category, `Seat ${label}`);
        if (seat.wheelchair && seat.companion)
          add(
            [...path, 'companion'],
            `Seat ${label} cannot be both a wheelchair space and a companion seat.`,
          );
      });
    });
  });
  doc.gaZones.forEach((zone, z) => {
    const other = areaKeys.get(zone.key);
    if (other) add(['gaZones', z, 'key'], `GA zone key "${zone.key}" is already used by ${other}.`);
    else areaKeys.set(zone.key, `gaZones.${z}`);
    checkCategory(['gaZones', z, 'category'], zone.category, `GA zone ${zone.key}`);
    const drawn = [zone.x, zone.y, zone.width, zone.height].filter((v) => v !== undefined).length;
    if (drawn !== 0 && drawn !== 4)
      add(['gaZones', z], `GA zone ${zone.key}: give all of x, y, width and height to draw it, or none.`);
  });
  if (seatCount === 0 && doc.gaZones.length === 0)
    add(['sections'], 'A venue needs at least one seat or one GA zone.');
  if (seatCount > MAX_SEATS_PER_VENUE)
    add(['sections'], `A venue can have at most ${MAX_SEATS_PER_VENUE} seats; this one has ${seatCount}.`);
  if (reported > MAX_REPORTED_ISSUES)
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `…and ${reported - MAX_REPORTED_ISSUES} more problems of the same kinds.`,
      input: doc,
    });
}

/**
 * The validated seat-map document. Beyond the shape it guarantees: category keys unique; every seat and zone
 * uses a declared category; section and GA zone keys unique across both; row labels unique per section; seat
 * labels (`SECTION-ROW-NUMBER`) unique per venue; at least one seat or zone.
 */
export const seatMapDocumentSchema = seatMapShape.superRefine(crossCheck);

export type SeatMapDocument = z.output<typeof seatMapDocumentSchema>;
export type SeatMapDocumentInput = z.input<typeof seatMapDocumentSchema>;
export type SeatMapSeat = z.output<typeof seatSchema>;
export type SeatMapSection = z.output<typeof sectionSchema>;
export type SeatMapGaZone = z.output<typeof gaZoneSchema>;
export type SeatMapCategory = z.output<typeof categorySchema>;

/**
 * Turns an index path such as `sections.2.rows.0.seats.11.x` into words that name the section, row and seat
 * as the author wrote them: `section ORCH › row A › seat 12 › x`. Falls back to indexes where the input
 * lacks names (e.g. the key itself is the invalid field).
 */
export function describeSeatMapPath(input: unknown, path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  let node: unknown = input;
  const name = (v: unknown, field: string): string | undefined => {
    const value = (v as Record<string, unknown> | null)?.[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  };
  const words: Record<string, [singular: string, nameField: string]> = {
    sections: ['section', 'key'],
    rows: ['row', 'label'],
    seats: ['seat', 'number'],
    gaZones: ['GA zone', 'key'],
    categories: ['category', 'key'],
  };
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const next = path[i + 1];
    const word = typeof seg === 'string' ? words[seg] : undefined;
    if (word && typeof next === 'number') {
      const item = (node as Record<string, unknown[]> | null)?.[seg as string]?.[next];
      const label = name(item, word[1]);
      parts.push(label !== undefined ? `${word[0]} ${label}` : `${word[0]} #${next + 1}`);
      node = item;
      i++;
      continue;
    }
    parts.push(String(seg));
    node = (node as Record<PropertyKey, unknown> | null)?.[seg as string];
  }
  return parts.join(' › ');
}

/** Issues whose messages say which section, row, seat and field failed; paths stay machine-readable. */
export function seatMapIssues(input: unknown, error: z.ZodError): Issue[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.') || '(body)';
    // Cross-field messages already name the seat; shape messages get the named location prefixed.
    const message =
      i.code === 'custom' || i.path.length === 0
        ? i.message
        : `${describeSeatMapPath(input, i.path)}: ${i.message}`;
    return { path, message };
  });
}

/**
 * The seat-map schema as a request body: same shape and checks as `seatMapDocumentSchema`, but its messages
 * name the section/row/seat (`section ORCH › row A › seat 12 › x: Invalid input: expected number`).
 */
export const seatMapBodySchema = z.preprocess((input, ctx) => {
  const r = seatMapDocumentSchema.safeParse(input);
  if (!r.success) {
    for (const issue of seatMapIssues(input, r.error))
      ctx.addIssue({
        code: 'custom',
        path:
          issue.path === '(body)' ? [] : issue.path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
        message: issue.message,
        input,
      });
  }
  return input;
}, seatMapDocumentSchema);

export type ParsedSeatMap = { ok: true; doc: SeatMapDocument } | { ok: false; issues: Issue[] };

/** Validates a document outside HTTP (seed, CLI, tests), with the same named messages. */
export function parseSeatMap(input: unknown): ParsedSeatMap {
  const r = seatMapDocumentSchema.safeParse(input);
  return r.success ? { ok: true, doc: r.data } : { ok: false, issues: seatMapIssues(input, r.error) };
}

/** Counts of what a document describes. */
export function seatMapStats(doc: SeatMapDocument): {
  sections: number;
  rows: number;
  seats: number;
  gaZones: number;
  gaCapacity: number;
  wheelchair: number;
  companion: number;
} {
  let rows = 0;
  let seats = 0;
  let wheelchair = 0;
  let companion = 0;
  for (const s of doc.sections)
    for (const r of s.rows) {
      rows++;
      for (const seat of r.seats) {
        seats++;
        if (seat.wheelchair) wheelchair++;
        if (seat.companion) companion++;
      }
    }
  return {
    sections: doc.sections.length,
    rows,
    seats,
    gaZones: doc.gaZones.length,
    gaCapacity: doc.gaZones.reduce((n, z) => n + z.capacity, 0),
    wheelchair,
    companion,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Generators: build large, regular sections without writing every seat by hand.
// ---------------------------------------------------------------------------------------------------------

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
  if (opts.rows < 1 || opts.seatsPerRow < 1)
    throw new RangeError(`Section ${opts.key}: needs rows and seats.`);
  const pitch = opts.spacing?.x ?? 24;
  const rowPitch = opts.spacing?.y ?? 28;
  const inc = opts.seatsPerRowIncrement ?? 0;
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

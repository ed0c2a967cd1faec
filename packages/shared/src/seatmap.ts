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

/** The format's size limits (the generators keep to them too, before building anything). */
export const MAX_SEATS_PER_ROW = 2_000;
export const MAX_ROWS_PER_SECTION = 500;
export const MAX_GA_CAPACITY = 1_000_000;

export const rowSchema = z.strictObject({
  label: z.string().regex(ROW_LABEL, 'Use 1-8 letters, digits or underscores.'),
  seats: z.array(seatSchema).min(1).max(MAX_SEATS_PER_ROW),
});

export const sectionSchema = z.strictObject({
  key: seatMapKeySchema,
  name: z.string().trim().min(1).max(80),
  rows: z.array(rowSchema).min(1).max(MAX_ROWS_PER_SECTION),
});

export const gaZoneSchema = z.strictObject({
  key: seatMapKeySchema,
  name: z.string().trim().min(1).max(80),
  capacity: z.int().min(1).max(MAX_GA_CAPACITY),
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

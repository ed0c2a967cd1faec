import { seatLabel, type SeatMapDocument } from '@seatrush/shared';

/**
 * "Best available", the pure part: given a venue's rows (from its seat-map document) and which seats are free,
 * choose N adjacent seats of one category in one row. No I/O here; best-hold.ts reads the live states, calls
 * this and holds the pick through the ordinary hold script.
 *
 * Ranking (docs/inventory.md, "Best available"):
 * 1. Rows in seat-map order: sections as the document lists them, rows as their section lists them (front rows
 *    first, by the format's convention). The first row with any fitting block wins; a row is the quality tier.
 * 2. Within that row, a block that leaves no single free seat stranded beside it (an orphan: a free seat whose
 *    other neighbour is taken, an aisle or the row's end) beats one that leaves one, which beats one that leaves
 *    two.
 * 3. Then the block whose middle is closest to the row's middle; then the leftmost in the document's order.
 *
 * Seats are adjacent when they are consecutive in the row's `seats` list and no wider gap than 1.5 × the row's
 * usual seat spacing (its median) separates them, so an aisle through a row splits it. Wheelchair spaces and
 * companion seats are never picked (they are for the people who need them, who choose them on the map); they
 * split a block like a taken seat, and they are not counted as orphans.
 */

export interface LayoutSeat {
  label: string;
  /** Position in the inventory's layout order (the availability `seatStates` index); -1 when not loaded. */
  index: number;
  category: string;
  /** A wheelchair space or a companion seat: never picked by best available. */
  accessible: boolean;
  /** An aisle or gap separates it from the previous seat of its row: the two are not adjacent. */
  gapBefore: boolean;
}

export interface LayoutRow {
  section: string;
  row: string;
  /** In the order the seat map lists them. */
  seats: LayoutSeat[];
  /** Categories of the row's seats (to skip rows quickly). */
  categories: ReadonlySet<string>;
}

export interface SeatLayout {
  /** In ranking order: seat-map order of sections, then of rows within each. */
  rows: LayoutRow[];
  /** Every category that has numbered seats in this layout. */
  categories: ReadonlySet<string>;
}

export interface BestPick {
  section: string;
  row: string;
  /** Seat labels, in row order. */
  seats: string[];
  /** Their `seatStates` indexes. */
  indexes: number[];
  /** Single free seats the pick leaves stranded beside it (0-2). */
  orphans: number;
}

/** A seat this far from its neighbour, relative to the row's median spacing, is across an aisle. */
const GAP_FACTOR = 1.5;

/**
 * The layout of a seat-map document, with each seat mapped to its inventory index by `indexOf` (seats it does
 * not know are never picked). Tolerates a document without sections (no rows).
 */
export function buildSeatLayout(
  doc: Pick<SeatMapDocument, 'sections'>,
  indexOf: (label: string) => number | undefined,
): SeatLayout {
  const rows: LayoutRow[] = [];
  const categories = new Set<string>();
  for (const section of doc.sections ?? []) {
    for (const row of section.rows) {
      const gaps: number[] = [];
      for (let i = 1; i < row.seats.length; i++) gaps.push(distance(row.seats[i - 1]!, row.seats[i]!));
      const pitch = median(gaps);
      const rowCategories = new Set<string>();
      const seats = row.seats.map((seat, i): LayoutSeat => {
        const label = seatLabel(section.key, row.label, seat.number);
        rowCategories.add(seat.category);
        categories.add(seat.category);
        return {
          label,
          index: indexOf(label) ?? -1,
          category: seat.category,
          accessible: seat.wheelchair === true || seat.companion === true,
          gapBefore: i > 0 && pitch > 0 && gaps[i - 1]! > GAP_FACTOR * pitch,
        };
      });
      rows.push({ section: section.key, row: row.label, seats, categories: rowCategories });
    }
  }
  return { rows, categories };
}

/**
 * The best block of `quantity` adjacent free seats of `category` (see the ranking above), or null when no row
 * has one. `isFree(index)` says whether the seat at that inventory index can be held. Deterministic.
 */
export function pickBestSeats(
  layout: SeatLayout,
  isFree: (index: number) => boolean,
  category: string,
  quantity: number,
): BestPick | null {
  if (quantity < 1) return null;
  for (const row of layout.rows) {
    if (row.seats.length < quantity || !row.categories.has(category)) continue;
    const seats = row.seats;
    const n = seats.length;
    const free = freeSeats(row, isFree);
    let best: { start: number; orphans: number; offCentre: number } | null = null;
    let run = 0;
    for (let i = 0; i < n; i++) {
      const fits = free[i] === 1 && seats[i]!.category === category;
      run = fits ? (run > 0 && !seats[i]!.gapBefore ? run + 1 : 1) : 0;
      if (run < quantity) continue;
      const start = i - quantity + 1;
      const orphans = strandsLeft(seats, free, start) + strandsRight(seats, free, i);
      const offCentre = Math.abs(start + i - (n - 1)); // twice the distance between the two middles
      if (!best || orphans < best.orphans || (orphans === best.orphans && offCentre < best.offCentre))
        best = { start, orphans, offCentre };
    }
    if (best) {
      const block = seats.slice(best.start, best.start + quantity);
      return {
        section: row.section,
        row: row.row,
        seats: block.map((s) => s.label),
        indexes: block.map((s) => s.index),
        orphans: best.orphans,
      };
    }
  }
  return null;
}

/** The most adjacent free seats of `category` anywhere (for the `no_adjacent_seats` answer). */
export function largestBlock(
  layout: SeatLayout,
  isFree: (index: number) => boolean,
  category: string,
): number {
  let largest = 0;
  for (const row of layout.rows) {
    if (!row.categories.has(category)) continue;
    const free = freeSeats(row, isFree);
    let run = 0;
    row.seats.forEach((seat, i) => {
      const fits = free[i] === 1 && seat.category === category;
      run = fits ? (run > 0 && !seat.gapBefore ? run + 1 : 1) : 0;
      largest = Math.max(largest, run);
    });
  }
  return largest;
}

/** 1 where a seat could be sold to anyone now (free, loaded, not an accessible seat), whatever its category. */
function freeSeats(row: LayoutRow, isFree: (index: number) => boolean): Uint8Array {
  const free = new Uint8Array(row.seats.length);
  row.seats.forEach((s, i) => {
    if (s.index >= 0 && !s.accessible && isFree(s.index)) free[i] = 1;
  });
  return free;
}

/** 1 when the seat just before `start` would be left as a lone free seat. */
function strandsLeft(seats: LayoutSeat[], free: Uint8Array, start: number): number {
  const l = start - 1;
  if (l < 0 || seats[start]!.gapBefore || free[l] !== 1) return 0;
  return l === 0 || seats[l]!.gapBefore || free[l - 1] !== 1 ? 1 : 0;
}

/** 1 when the seat just after `end` would be left as a lone free seat. */
function strandsRight(seats: LayoutSeat[], free: Uint8Array, end: number): number {
  const r = end + 1;
  if (r >= seats.length || seats[r]!.gapBefore || free[r] !== 1) return 0;
  return r === seats.length - 1 || seats[r + 1]!.gapBefore || free[r + 1] !== 1 ? 1 : 0;
}

function distance(a: { x: number; y: number }, b: { x: number; y: number }): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

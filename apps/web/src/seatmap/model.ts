import { formatSeatName, seatLabel, type SeatMapCategory, type SeatMapDocument } from '@seatrush/shared';

export const FLAG_WHEELCHAIR = 1;
export const FLAG_COMPANION = 2;

export interface ZoneShape {
  key: string;
  name: string;
  capacity: number;
  category: number;
  /** World rectangle; null when the document gives no geometry (listed beside the map only). */
  rect: { x: number; y: number; w: number; h: number } | null;
}

export interface SectionInfo {
  key: string;
  name: string;
  rows: number[];
  /** Centre of its seats, for the section label. */
  cx: number;
  cy: number;
}

export interface RowInfo {
  label: string;
  section: number;
  seats: number[];
}

/**
 * The venue as flat typed arrays (struct of arrays), indexed by seat number 0..count-1: cheap to
 * iterate 20,000 times per paint and to address by index from the hit-test grid and the state array.
 */
export interface SeatMapModel {
  count: number;
  xs: Float32Array;
  ys: Float32Array;
  cat: Uint8Array;
  flags: Uint8Array;
  section: Uint16Array;
  row: Uint32Array;
  labels: string[];
  numbers: string[];
  byLabel: Map<string, number>;
  sections: SectionInfo[];
  rows: RowInfo[];
  categories: SeatMapCategory[];
  categoryIndex: Map<string, number>;
  zones: ZoneShape[];
  bounds: { minX: number; minY: number; maxX: number; maxY: number };
  /** Drawn for orientation only. */
  stage: { x: number; y: number; w: number; h: number; label: string } | null;
  /** Seat radius in world units: just under half the typical seat spacing, so seats never overlap. */
  radius: number;
  /** Typical centre-to-centre distance of neighbouring seats. */
  spacing: number;
}

const FALLBACK_COLORS = ['#2563eb', '#c2410c', '#15803d', '#7e22ce', '#be123c', '#0e7490', '#a16207'];

/** Builds the flat model from the venue's seat-map document. */
export function buildModel(doc: SeatMapDocument): SeatMapModel {
  const categories: SeatMapCategory[] = doc.categories.map((c, i) => ({
    ...c,
    color: c.color || FALLBACK_COLORS[i % FALLBACK_COLORS.length]!,
  }));
  const categoryIndex = new Map(categories.map((c, i) => [c.key, i]));
  const catOf = (key: string): number => {
    let i = categoryIndex.get(key);
    if (i === undefined) {
      i = categories.length;
      categories.push({ key, name: key, color: FALLBACK_COLORS[i % FALLBACK_COLORS.length]! });
      categoryIndex.set(key, i);
    }
    return i;
  };

  let count = 0;
  for (const s of doc.sections) for (const r of s.rows) count += r.seats.length;

  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  const cat = new Uint8Array(count);
  const flags = new Uint8Array(count);
  const section = new Uint16Array(count);
  const row = new Uint32Array(count);
  const labels: string[] = new Array<string>(count);
  const numbers: string[] = new Array<string>(count);
  const byLabel = new Map<string, number>();
  const sections: SectionInfo[] = [];
  const rows: RowInfo[] = [];
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const gaps: number[] = [];

  let i = 0;
  doc.sections.forEach((s, si) => {
    const info: SectionInfo = { key: s.key, name: s.name, rows: [], cx: 0, cy: 0 };
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (const r of s.rows) {
      const ri = rows.length;
      const rowInfo: RowInfo = { label: r.label, section: si, seats: [] };
      rows.push(rowInfo);
      info.rows.push(ri);
      let prevX = NaN;
      let prevY = NaN;
      for (const seat of r.seats) {
        const label = seatLabel(s.key, r.label, seat.number);
        xs[i] = seat.x;
        ys[i] = seat.y;
        cat[i] = catOf(seat.category);
        flags[i] = (seat.wheelchair ? FLAG_WHEELCHAIR : 0) | (seat.companion ? FLAG_COMPANION : 0);
        section[i] = si;
        row[i] = ri;
        labels[i] = label;
        numbers[i] = String(seat.number);
        byLabel.set(label, i);
        rowInfo.seats.push(i);
        if (seat.x < minX) minX = seat.x;
        if (seat.y < minY) minY = seat.y;
        if (seat.x > maxX) maxX = seat.x;
        if (seat.y > maxY) maxY = seat.y;
        if (!Number.isNaN(prevX) && gaps.length < 4000) {
          const d = Math.hypot(seat.x - prevX, seat.y - prevY);
          if (d > 0) gaps.push(d);
        }
        prevX = seat.x;
        prevY = seat.y;
        sx += seat.x;
        sy += seat.y;
        n++;
        i++;
      }
    }
    info.cx = n ? sx / n : 0;
    info.cy = n ? sy / n : 0;
    sections.push(info);
  });

  const zones: ZoneShape[] = doc.gaZones.map((z) => {
    const hasRect = z.x !== undefined && z.y !== undefined && z.width !== undefined && z.height !== undefined;
    const rect = hasRect ? { x: z.x!, y: z.y!, w: z.width!, h: z.height! } : null;
    if (rect) {
      minX = Math.min(minX, rect.x);
      minY = Math.min(minY, rect.y);
      maxX = Math.max(maxX, rect.x + rect.w);
      maxY = Math.max(maxY, rect.y + rect.h);
    }
    return { key: z.key, name: z.name, capacity: z.capacity, category: catOf(z.category), rect };
  });

  const stage = doc.stage
    ? {
        x: doc.stage.x,
        y: doc.stage.y,
        w: doc.stage.width,
        h: doc.stage.height,
        label: doc.stage.label ?? 'Stage',
      }
    : null;
  if (stage) {
    minX = Math.min(minX, stage.x);
    minY = Math.min(minY, stage.y);
    maxX = Math.max(maxX, stage.x + stage.w);
    maxY = Math.max(maxY, stage.y + stage.h);
  }
  if (!Number.isFinite(minX)) {
    minX = 0;
    minY = 0;
    maxX = 100;
    maxY = 100;
  }

  gaps.sort((a, b) => a - b);
  // A low percentile rather than the minimum: one odd pair must not shrink every seat.
  const spacing = gaps.length ? gaps[Math.floor(gaps.length * 0.05)]! : 10;
  const radius = spacing * 0.4;
  const pad = radius * 2;
  return {
    count,
    xs,
    ys,
    cat,
    flags,
    section,
    row,
    labels,
    numbers,
    byLabel,
    sections,
    rows,
    categories,
    categoryIndex,
    zones,
    bounds: { minX: minX - pad, minY: minY - pad, maxX: maxX + pad, maxY: maxY + pad },
    stage,
    radius,
    spacing,
  };
}

/** "Section Lower 101, row C, seat 12" — how a seat is read out. */
export function describeSeat(model: SeatMapModel, i: number): string {
  const r = model.rows[model.row[i]!]!;
  const s = model.sections[r.section]!;
  return formatSeatName(s.name, r.label, model.numbers[i]!);
}

export function accessibilityNote(model: SeatMapModel, i: number): string {
  const f = model.flags[i]!;
  if (f & FLAG_WHEELCHAIR) return 'Wheelchair space ♿';
  if (f & FLAG_COMPANION) return 'Companion seat (beside a wheelchair space)';
  return '';
}

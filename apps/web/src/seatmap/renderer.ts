import { SpatialGrid } from './grid.ts';
import { FLAG_COMPANION, FLAG_WHEELCHAIR, type SeatMapModel } from './model.ts';
import type { SeatStore } from './store.ts';
import { V_BLOCKED, V_FREE, V_HELD, V_MINE, V_SELECTED, V_SOLD, V_UNKNOWN, VISUAL_KINDS } from './states.ts';

/** screen = world * scale + t, in CSS pixels. */
export interface View {
  scale: number;
  tx: number;
  ty: number;
}

export interface PaintInfo {
  kind: 'full' | 'dirty';
  ms: number;
  seats: number;
}

/** Colours shared with the CSS legend (styles.css uses the same values). */
export const INK = '#111827';
const PAPER = '#f8fafc';
const HELD_RING = '#6b7280';
const SOLD_X = '#6b7280';
const BLOCKED_FILL = '#374151';
const UNKNOWN_FILL = '#cbd5e1';
const FOCUS = '#1d4ed8';

const MIN_SCALE_FACTOR = 0.5;
const MAX_SCREEN_RADIUS = 40;
/** Below this on-screen radius, seats are drawn as squares: shapes are illegible anyway, and it's faster. */
const LOD_RADIUS = 2.2;

/** Relative luminance test for text on a category colour. */
function textOn(color: string): string {
  const m = /^#?([0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return '#ffffff';
  const n = parseInt(m[1]!, 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return l > 0.35 ? INK : '#ffffff';
}

/**
 * Draws a seat map on three stacked canvases:
 * - background: GA zones with live counts, row labels (cheap; redrawn on view change or zone change)
 * - seats: every seat, painted in full only when the view changes; live changes repaint just the dirty
 *   seats (clear their box, redraw them and any neighbour that reaches into the box)
 * - overlay: hover, keyboard focus/crosshair, section names
 * During a pan/zoom gesture, if a full seat paint is slow the seat canvas is moved with a CSS transform
 * and repainted once the gesture pauses.
 */
export class SeatMapRenderer {
  readonly grid: SpatialGrid;
  view: View = { scale: 1, tx: 0, ty: 0 };
  width = 0;
  height = 0;
  hover = -1;
  focus = -1;
  hoverZone = -1;
  crosshair = false;
  /** Called after each paint of the seat layer. */
  onPaint: ((info: PaintInfo) => void) | null = null;
  lastFullMs = 0;
  /** Until the user pans or zooms, a resize refits the venue (layout settles after the first measure). */
  userMoved = false;

  private readonly model: SeatMapModel;
  private readonly layers: HTMLCanvasElement[];
  private readonly bg: CanvasRenderingContext2D;
  private readonly seats: CanvasRenderingContext2D;
  private readonly overlay: CanvasRenderingContext2D;
  private dpr = 1;
  private committed: View = { scale: 1, tx: 0, ty: 0 };
  private readonly dirty = new Set<number>();
  private needFull = true;
  private needBg = true;
  private needOverlay = true;
  private raf = 0;
  private commitTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeRev: () => void;
  private zoneSig = '';
  private destroyed = false;
  private bucketCounts = new Int32Array(0);
  private bucketOrder = new Int32Array(0);
  private bucketKeys = new Int32Array(0);

  constructor(
    private readonly host: HTMLElement,
    private readonly store: SeatStore,
  ) {
    this.model = store.model;
    this.grid = new SpatialGrid(this.model.xs, this.model.ys, Math.max(this.model.spacing * 2, 1e-6));
    this.layers = ['bg', 'seats', 'overlay'].map((name) => {
      const c = document.createElement('canvas');
      c.className = `seatmap-layer seatmap-layer-${name}`;
      c.setAttribute('aria-hidden', 'true');
      host.appendChild(c);
      return c;
    });
    const ctx = (c: HTMLCanvasElement) => {
      const x = c.getContext('2d', { alpha: true });
      if (!x) throw new Error('2D canvas is not available');
      return x;
    };
    this.bg = ctx(this.layers[0]!);
    this.seats = ctx(this.layers[1]!);
    this.overlay = ctx(this.layers[2]!);
    this.unsubscribe = store.onSeats((changed) => this.markSeats(changed));
    this.unsubscribeRev = store.subscribe(() => {
      if (!this.model.zones.length) return;
      const sig = this.model.zones.map((z) => store.zones[z.key]?.available ?? -1).join(',');
      if (sig !== this.zoneSig) {
        this.zoneSig = sig;
        this.needBg = true;
        this.schedule();
      }
    });
  }

  destroy(): void {
    this.destroyed = true;
    cancelAnimationFrame(this.raf);
    clearTimeout(this.commitTimer);
    this.unsubscribe();
    this.unsubscribeRev();
    for (const c of this.layers) c.remove();
  }

  resize(width: number, height: number): void {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    if (width === this.width && height === this.height && dpr === this.dpr) return;
    this.width = width;
    this.height = height;
    this.dpr = dpr;
    for (const c of this.layers) {
      c.width = Math.max(1, Math.round(width * dpr));
      c.height = Math.max(1, Math.round(height * dpr));
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    if (!this.userMoved) this.fit();
    this.invalidateAll();
  }

  /** The scale at which the whole venue fits. */
  fitScale(): number {
    const b = this.model.bounds;
    const w = Math.max(b.maxX - b.minX, 1);
    const h = Math.max(b.maxY - b.minY, 1);
    return Math.min(this.width / w, this.height / h) || 1;
  }

  fit(): void {
    const b = this.model.bounds;
    const s = this.fitScale();
    this.setView({
      scale: s,
      tx: (this.width - (b.maxX - b.minX) * s) / 2 - b.minX * s,
      ty: (this.height - (b.maxY - b.minY) * s) / 2 - b.minY * s,
    });
  }

  private clampScale(s: number): number {
    const min = this.fitScale() * MIN_SCALE_FACTOR;
    const max = MAX_SCREEN_RADIUS / Math.max(this.model.radius, 1e-6);
    return Math.min(Math.max(s, min), Math.max(max, min));
  }

  /** Zoom by `factor` keeping the screen point (sx, sy) fixed. */
  zoomAt(factor: number, sx: number, sy: number): void {
    this.userMoved = true;
    const v = this.view;
    const scale = this.clampScale(v.scale * factor);
    const k = scale / v.scale;
    this.setView({ scale, tx: sx - (sx - v.tx) * k, ty: sy - (sy - v.ty) * k });
  }

  panBy(dx: number, dy: number): void {
    this.userMoved = true;
    this.setView({ ...this.view, tx: this.view.tx + dx, ty: this.view.ty + dy });
  }

  /** Centre the view on a seat, zooming in enough to tell seats apart. */
  reveal(i: number): void {
    this.userMoved = true;
    const minScale = 7 / Math.max(this.model.radius, 1e-6);
    const scale = this.clampScale(Math.max(this.view.scale, minScale));
    const x = this.model.xs[i]!;
    const y = this.model.ys[i]!;
    const sx = x * this.view.scale + this.view.tx;
    const sy = y * this.view.scale + this.view.ty;
    const margin = 40;
    if (
      scale === this.view.scale &&
      sx > margin &&
      sx < this.width - margin &&
      sy > margin &&
      sy < this.height - margin
    )
      return;
    this.setView({ scale, tx: this.width / 2 - x * scale, ty: this.height / 2 - y * scale });
  }

  setView(v: View): void {
    const b = this.model.bounds;
    // Keep at least part of the venue on screen.
    const minTx = this.width * 0.2 - b.maxX * v.scale;
    const maxTx = this.width * 0.8 - b.minX * v.scale;
    const minTy = this.height * 0.2 - b.maxY * v.scale;
    const maxTy = this.height * 0.8 - b.minY * v.scale;
    this.view = {
      scale: v.scale,
      tx: Math.min(Math.max(v.tx, Math.min(minTx, maxTx)), Math.max(minTx, maxTx)),
      ty: Math.min(Math.max(v.ty, Math.min(minTy, maxTy)), Math.max(minTy, maxTy)),
    };
    this.needBg = true;
    this.needOverlay = true;
    if (this.lastFullMs > 12) {
      // Slow full paints: preview with a CSS transform, repaint when the gesture pauses.
      this.previewTransform();
      clearTimeout(this.commitTimer);
      this.commitTimer = setTimeout(() => {
        this.needFull = true;
        this.schedule();
      }, 120);
    } else {
      this.needFull = true;
    }
    this.schedule();
  }

  private previewTransform(): void {
    const c = this.committed;
    const v = this.view;
    const k = v.scale / c.scale;
    this.layers[1]!.style.transform = `translate(${v.tx - c.tx * k}px, ${v.ty - c.ty * k}px) scale(${k})`;
  }

  invalidateAll(): void {
    this.needFull = true;
    this.needBg = true;
    this.needOverlay = true;
    this.schedule();
  }

  invalidateBackground(): void {
    this.needBg = true;
    this.schedule();
  }

  invalidateOverlay(): void {
    this.needOverlay = true;
    this.schedule();
  }

  markSeats(indices: readonly number[]): void {
    if (this.needFull) return;
    for (const i of indices) this.dirty.add(i);
    this.schedule();
  }

  private schedule(): void {
    if (this.raf || this.destroyed) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.frame();
    });
  }

  /** Paints whatever is pending now (also used by the bench to time a synchronous full paint). */
  frame(): void {
    if (this.width === 0 || this.destroyed) return;
    if (this.needBg) this.drawBackground();
    if (this.needFull) {
      const t0 = performance.now();
      this.dirty.clear();
      this.drawSeatsFull();
      this.lastFullMs = performance.now() - t0;
      this.onPaint?.({ kind: 'full', ms: this.lastFullMs, seats: this.model.count });
    } else if (this.dirty.size) {
      const t0 = performance.now();
      const n = this.dirty.size;
      this.drawSeatsDirty();
      this.onPaint?.({ kind: 'dirty', ms: performance.now() - t0, seats: n });
    }
    if (this.needOverlay) this.drawOverlay();
  }

  // ---------- coordinates and hit-testing ----------

  toWorld(sx: number, sy: number): { x: number; y: number } {
    return { x: (sx - this.view.tx) / this.view.scale, y: (sy - this.view.ty) / this.view.scale };
  }

  toScreen(i: number): { x: number; y: number } {
    return {
      x: this.model.xs[i]! * this.view.scale + this.view.tx,
      y: this.model.ys[i]! * this.view.scale + this.view.ty,
    };
  }

  /** Seat under a screen point; touch gets a larger target (at least `minPx` CSS pixels). */
  hitSeat(sx: number, sy: number, minPx = 6): number {
    const w = this.toWorld(sx, sy);
    const maxDist = Math.max(this.model.radius * 1.25, minPx / this.view.scale);
    return this.grid.nearest(w.x, w.y, Math.min(maxDist, this.model.spacing * 0.75));
  }

  hitZone(sx: number, sy: number): number {
    const w = this.toWorld(sx, sy);
    return this.model.zones.findIndex(
      (z) =>
        z.rect &&
        w.x >= z.rect.x &&
        w.x <= z.rect.x + z.rect.w &&
        w.y >= z.rect.y &&
        w.y <= z.rect.y + z.rect.h,
    );
  }

  // ---------- painting ----------

  private begin(ctx: CanvasRenderingContext2D): void {
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
  }

  private drawBackground(): void {
    this.needBg = false;
    const ctx = this.bg;
    const v = this.view;
    this.begin(ctx);
    ctx.fillStyle = PAPER;
    ctx.fillRect(0, 0, this.width, this.height);
    const m = this.model;
    if (m.stage) {
      const st = m.stage;
      const x = st.x * v.scale + v.tx;
      const y = st.y * v.scale + v.ty;
      const w = st.w * v.scale;
      const h = st.h * v.scale;
      ctx.fillStyle = '#e2e8f0';
      ctx.fillRect(x, y, w, h);
      ctx.strokeStyle = '#94a3b8';
      ctx.lineWidth = 1;
      ctx.strokeRect(x, y, w, h);
      if (w > 40 && h > 14) {
        ctx.fillStyle = '#334155';
        ctx.font = `600 ${Math.max(11, Math.min(20, h / 2.5))}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(st.label.toUpperCase(), x + w / 2, y + h / 2, w - 6);
      }
    }
    for (let z = 0; z < m.zones.length; z++) {
      const zone = m.zones[z]!;
      if (!zone.rect) continue;
      const x = zone.rect.x * v.scale + v.tx;
      const y = zone.rect.y * v.scale + v.ty;
      const w = zone.rect.w * v.scale;
      const h = zone.rect.h * v.scale;
      const color = m.categories[zone.category]?.color ?? '#64748b';
      const remaining = this.store.zones[zone.key]?.available;
      const soldOut = remaining === 0;
      ctx.fillStyle = soldOut ? '#e5e7eb' : color + '26';
      ctx.fillRect(x, y, w, h);
      if (soldOut) {
        // Diagonal hatching says "sold out" without relying on colour.
        ctx.save();
        ctx.beginPath();
        ctx.rect(x, y, w, h);
        ctx.clip();
        ctx.strokeStyle = '#9ca3af';
        ctx.lineWidth = 1;
        ctx.beginPath();
        for (let d = -h; d < w; d += 10) {
          ctx.moveTo(x + d, y + h);
          ctx.lineTo(x + d + h, y);
        }
        ctx.stroke();
        ctx.restore();
      }
      ctx.strokeStyle = soldOut ? '#6b7280' : color;
      ctx.lineWidth = z === this.hoverZone ? 4 : 2;
      ctx.setLineDash(soldOut ? [6, 4] : []);
      ctx.strokeRect(x, y, w, h);
      ctx.setLineDash([]);
      const fontPx = Math.max(11, Math.min(22, h / 5));
      if (w > 60 && h > fontPx * 2.4) {
        ctx.fillStyle = INK;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.font = `600 ${fontPx}px system-ui, sans-serif`;
        ctx.fillText(zone.name, x + w / 2, y + h / 2 - fontPx * 0.7, w - 8);
        ctx.font = `${fontPx * 0.85}px system-ui, sans-serif`;
        const text = remaining === undefined ? '…' : soldOut ? 'Sold out' : `${remaining} left`;
        ctx.fillText(text, x + w / 2, y + h / 2 + fontPx * 0.7, w - 8);
      }
    }
    // Row labels once rows are far enough apart to read.
    const R = m.radius * v.scale;
    if (R >= 5) {
      ctx.fillStyle = '#475569';
      ctx.font = `600 ${Math.min(14, R * 1.3)}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const row of m.rows) {
        const a = row.seats[0];
        if (a === undefined) continue;
        const b = row.seats[1];
        let dx = -1;
        let dy = 0;
        if (b !== undefined) {
          const len = Math.hypot(m.xs[b]! - m.xs[a]!, m.ys[b]! - m.ys[a]!) || 1;
          dx = (m.xs[a]! - m.xs[b]!) / len;
          dy = (m.ys[a]! - m.ys[b]!) / len;
        }
        const x = (m.xs[a]! + dx * m.spacing) * v.scale + v.tx;
        const y = (m.ys[a]! + dy * m.spacing) * v.scale + v.ty;
        if (x < -20 || y < -20 || x > this.width + 20 || y > this.height + 20) continue;
        ctx.fillText(row.label, x, y);
      }
    }
  }

  private drawSeatsFull(): void {
    this.needFull = false;
    clearTimeout(this.commitTimer);
    const ctx = this.seats;
    const v = this.view;
    this.committed = { ...v };
    this.layers[1]!.style.transform = '';
    this.begin(ctx);
    const m = this.model;
    const nCat = Math.max(m.categories.length, 1);
    const nBuckets = VISUAL_KINDS * nCat;
    if (this.bucketCounts.length !== nBuckets + 1) this.bucketCounts = new Int32Array(nBuckets + 1);
    if (this.bucketOrder.length !== m.count) this.bucketOrder = new Int32Array(m.count);
    const counts = this.bucketCounts.fill(0);
    const pad = m.radius * 2;
    const x0 = (0 - v.tx) / v.scale - pad;
    const y0 = (0 - v.ty) / v.scale - pad;
    const x1 = (this.width - v.tx) / v.scale + pad;
    const y1 = (this.height - v.ty) / v.scale + pad;
    if (this.bucketKeys.length !== m.count) this.bucketKeys = new Int32Array(m.count);
    const keys = this.bucketKeys;
    // Counting sort into (visual, category) buckets so each bucket is one path and one fill/stroke.
    for (let i = 0; i < m.count; i++) {
      const x = m.xs[i]!;
      const y = m.ys[i]!;
      if (x < x0 || x > x1 || y < y0 || y > y1) {
        keys[i] = -1;
        continue;
      }
      const key = this.store.visual(i) * nCat + m.cat[i]!;
      keys[i] = key;
      counts[key + 1]!++;
    }
    for (let b = 0; b < nBuckets; b++) counts[b + 1]! += counts[b]!;
    const fill = counts.slice(0, nBuckets);
    const order = this.bucketOrder;
    for (let i = 0; i < m.count; i++) {
      const k = keys[i]!;
      if (k >= 0) order[fill[k]!++] = i;
    }
    for (let b = 0; b < nBuckets; b++) {
      const from = counts[b]!;
      const to = counts[b + 1]!;
      if (from === to) continue;
      this.drawBucket(ctx, Math.floor(b / nCat), b % nCat, order, from, to, v);
    }
  }

  /** Repaints only the seats that changed, plus neighbours that poke into their boxes. */
  private drawSeatsDirty(): void {
    const ctx = this.seats;
    const v = this.committed;
    const m = this.model;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const half = m.radius * 1.25;
    const redraw = new Set<number>();
    const boxes: number[] = [];
    const near: number[] = [];
    for (const i of this.dirty) {
      const x = m.xs[i]!;
      const y = m.ys[i]!;
      const sx = x * v.scale + v.tx;
      const sy = y * v.scale + v.ty;
      const hs = half * v.scale + 1;
      if (sx < -hs || sy < -hs || sx > this.width + hs || sy > this.height + hs) continue;
      boxes.push(sx - hs, sy - hs, hs * 2);
      redraw.add(i);
      near.length = 0;
      this.grid.queryRect(x - half * 2, y - half * 2, x + half * 2, y + half * 2, near);
      for (const j of near) redraw.add(j);
    }
    this.dirty.clear();
    if (boxes.length === 0) return;
    ctx.save();
    ctx.beginPath();
    for (let k = 0; k < boxes.length; k += 3)
      ctx.rect(boxes[k]!, boxes[k + 1]!, boxes[k + 2]!, boxes[k + 2]!);
    ctx.clip();
    for (let k = 0; k < boxes.length; k += 3)
      ctx.clearRect(boxes[k]!, boxes[k + 1]!, boxes[k + 2]!, boxes[k + 2]!);
    const nCat = Math.max(m.categories.length, 1);
    const list = Int32Array.from(redraw);
    const keyed = Array.from(list, (i) => this.store.visual(i) * nCat + m.cat[i]!);
    const idx = Array.from(list.keys()).sort((a, b) => keyed[a]! - keyed[b]!);
    const order = Int32Array.from(idx, (k) => list[k]!);
    let start = 0;
    for (let k = 1; k <= order.length; k++) {
      const key = keyed[idx[start]!]!;
      if (k === order.length || keyed[idx[k]!] !== key) {
        this.drawBucket(ctx, Math.floor(key / nCat), key % nCat, order, start, k, v);
        start = k;
      }
    }
    ctx.restore();
  }

  private drawBucket(
    ctx: CanvasRenderingContext2D,
    kind: number,
    catIdx: number,
    order: Int32Array,
    from: number,
    to: number,
    v: View,
  ): void {
    const m = this.model;
    const color = m.categories[catIdx]?.color ?? '#64748b';
    const R = m.radius * v.scale;
    const s = v.scale;
    const tx = v.tx;
    const ty = v.ty;
    const xs = m.xs;
    const ys = m.ys;

    if (R < LOD_RADIUS) {
      // Overview: squares. Free seats full size in their colour; taken ones small and grey.
      const big = Math.max(1, R * 2);
      let size = big;
      switch (kind) {
        case V_FREE:
          ctx.fillStyle = color;
          break;
        case V_SELECTED:
        case V_MINE:
          ctx.fillStyle = INK;
          size = big + 1;
          break;
        case V_HELD:
          ctx.fillStyle = '#9ca3af';
          size = Math.max(1, big * 0.7);
          break;
        case V_SOLD:
          ctx.fillStyle = '#d1d5db';
          size = Math.max(1, big * 0.5);
          break;
        case V_BLOCKED:
          ctx.fillStyle = BLOCKED_FILL;
          size = Math.max(1, big * 0.7);
          break;
        default:
          ctx.fillStyle = UNKNOWN_FILL;
          size = Math.max(1, big * 0.5);
      }
      const h = size / 2;
      for (let k = from; k < to; k++) {
        const i = order[k]!;
        ctx.fillRect(xs[i]! * s + tx - h, ys[i]! * s + ty - h, size, size);
      }
      return;
    }

    ctx.beginPath();
    switch (kind) {
      case V_FREE:
      case V_SELECTED:
      case V_MINE: {
        const r = kind === V_SELECTED ? R * 0.85 : R;
        for (let k = from; k < to; k++) {
          const i = order[k]!;
          const x = xs[i]! * s + tx;
          const y = ys[i]! * s + ty;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2);
        }
        ctx.fillStyle = kind === V_MINE ? INK : color;
        ctx.fill();
        if (kind === V_SELECTED) {
          ctx.lineWidth = R * 0.3;
          ctx.strokeStyle = INK;
          ctx.stroke();
        }
        if (kind === V_MINE) {
          // A check mark: "these are yours".
          ctx.beginPath();
          for (let k = from; k < to; k++) {
            const i = order[k]!;
            const x = xs[i]! * s + tx;
            const y = ys[i]! * s + ty;
            ctx.moveTo(x - R * 0.45, y);
            ctx.lineTo(x - R * 0.1, y + R * 0.38);
            ctx.lineTo(x + R * 0.5, y - R * 0.35);
          }
          ctx.strokeStyle = '#ffffff';
          ctx.lineWidth = Math.max(1.2, R * 0.22);
          ctx.lineCap = 'round';
          ctx.lineJoin = 'round';
          ctx.stroke();
        }
        this.drawGlyphs(ctx, kind, color, order, from, to, v);
        break;
      }
      case V_HELD: {
        const r = R * 0.72;
        for (let k = from; k < to; k++) {
          const i = order[k]!;
          const x = xs[i]! * s + tx;
          const y = ys[i]! * s + ty;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2);
        }
        ctx.strokeStyle = HELD_RING;
        ctx.lineWidth = Math.max(1, R * 0.28);
        ctx.stroke();
        break;
      }
      case V_SOLD: {
        const a = R * 0.42;
        for (let k = from; k < to; k++) {
          const i = order[k]!;
          const x = xs[i]! * s + tx;
          const y = ys[i]! * s + ty;
          ctx.moveTo(x - a, y - a);
          ctx.lineTo(x + a, y + a);
          ctx.moveTo(x + a, y - a);
          ctx.lineTo(x - a, y + a);
        }
        ctx.strokeStyle = SOLD_X;
        ctx.lineWidth = Math.max(1, R * 0.22);
        ctx.lineCap = 'butt';
        ctx.stroke();
        break;
      }
      case V_BLOCKED: {
        const a = R * 0.62;
        for (let k = from; k < to; k++) {
          const i = order[k]!;
          ctx.rect(xs[i]! * s + tx - a, ys[i]! * s + ty - a, a * 2, a * 2);
        }
        ctx.fillStyle = BLOCKED_FILL;
        ctx.fill();
        break;
      }
      case V_UNKNOWN:
      default: {
        const r = R * 0.35;
        for (let k = from; k < to; k++) {
          const i = order[k]!;
          const x = xs[i]! * s + tx;
          const y = ys[i]! * s + ty;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, Math.PI * 2);
        }
        ctx.fillStyle = UNKNOWN_FILL;
        ctx.fill();
      }
    }
  }

  /** Wheelchair / companion marks and seat numbers, only when zoomed in enough to read them. */
  private drawGlyphs(
    ctx: CanvasRenderingContext2D,
    kind: number,
    color: string,
    order: Int32Array,
    from: number,
    to: number,
    v: View,
  ): void {
    const m = this.model;
    const R = m.radius * v.scale;
    if (R < 6) return;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = kind === V_MINE ? '#ffffff' : textOn(color);
    const showNumbers = R >= 11 && kind !== V_MINE;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const f = m.flags[i]!;
      if (!f && !showNumbers) continue;
      const x = m.xs[i]! * v.scale + v.tx;
      const y = m.ys[i]! * v.scale + v.ty;
      if (f & FLAG_WHEELCHAIR) {
        if (kind === V_MINE) continue;
        ctx.font = `${R * 1.15}px system-ui, sans-serif`;
        ctx.fillText('♿', x, y + R * 0.05);
      } else if (f & FLAG_COMPANION) {
        if (kind === V_MINE) continue;
        ctx.font = `700 ${R * 1.0}px system-ui, sans-serif`;
        ctx.fillText('C', x, y + R * 0.05);
      } else {
        ctx.font = `600 ${Math.min(R * 0.9, 14)}px system-ui, sans-serif`;
        ctx.fillText(m.numbers[i]!, x, y + R * 0.05, R * 1.7);
      }
    }
  }

  private drawOverlay(): void {
    this.needOverlay = false;
    const ctx = this.overlay;
    const v = this.view;
    this.begin(ctx);
    const m = this.model;
    const R = Math.max(m.radius * v.scale, 3);
    // Section names on the overview, where seats are too small to carry them.
    if (R < 9) {
      ctx.font = `600 12px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      for (const sec of m.sections) {
        const x = sec.cx * v.scale + v.tx;
        const y = sec.cy * v.scale + v.ty;
        if (x < 0 || y < 0 || x > this.width || y > this.height) continue;
        const w = ctx.measureText(sec.name).width + 10;
        ctx.fillStyle = 'rgba(255,255,255,0.88)';
        ctx.fillRect(x - w / 2, y - 9, w, 18);
        ctx.fillStyle = INK;
        ctx.fillText(sec.name, x, y);
      }
    }
    const ring = (i: number, color: string, width: number, dash: number[]) => {
      const p = this.toScreen(i);
      ctx.beginPath();
      ctx.arc(p.x, p.y, R * 1.45 + width, 0, Math.PI * 2);
      ctx.setLineDash(dash);
      ctx.strokeStyle = color;
      ctx.lineWidth = width;
      ctx.stroke();
      ctx.setLineDash([]);
    };
    if (this.hover >= 0 && this.hover !== this.focus) ring(this.hover, INK, 2, []);
    if (this.focus >= 0) {
      ring(this.focus, '#ffffff', 5, []);
      ring(this.focus, FOCUS, 3, []);
    }
    if (this.crosshair) {
      const cx = this.width / 2;
      const cy = this.height / 2;
      ctx.strokeStyle = FOCUS;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(cx - 12, cy);
      ctx.lineTo(cx - 4, cy);
      ctx.moveTo(cx + 4, cy);
      ctx.lineTo(cx + 12, cy);
      ctx.moveTo(cx, cy - 12);
      ctx.lineTo(cx, cy - 4);
      ctx.moveTo(cx, cy + 4);
      ctx.lineTo(cx, cy + 12);
      ctx.stroke();
    }
  }

  /** True while the host is in the document. */
  get attached(): boolean {
    return this.host.isConnected;
  }
}

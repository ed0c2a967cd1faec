/**
 * A uniform spatial hash over seat centres for hit-testing: a click looks at the 3×3 cells around it
 * instead of 20,000 seats.
 */
export class SpatialGrid {
  readonly cell: number;
  private readonly minX: number;
  private readonly minY: number;
  private readonly cols: number;
  private readonly rows: number;
  /** CSR layout: the seats of cell c are items[start[c] .. start[c+1]). */
  private readonly start: Uint32Array;
  private readonly items: Uint32Array;

  constructor(
    private readonly xs: ArrayLike<number>,
    private readonly ys: ArrayLike<number>,
    cell: number,
  ) {
    const n = xs.length;
    this.cell = cell > 0 ? cell : 1;
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, xs[i]!);
      minY = Math.min(minY, ys[i]!);
      maxX = Math.max(maxX, xs[i]!);
      maxY = Math.max(maxY, ys[i]!);
    }
    if (n === 0) minX = minY = maxX = maxY = 0;
    this.minX = minX;
    this.minY = minY;
    this.cols = Math.max(1, Math.floor((maxX - minX) / this.cell) + 1);
    this.rows = Math.max(1, Math.floor((maxY - minY) / this.cell) + 1);
    const cells = this.cols * this.rows;
    const counts = new Uint32Array(cells + 1);
    const cellOf = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const c = this.cellIndex(xs[i]!, ys[i]!);
      cellOf[i] = c;
      counts[c + 1]!++;
    }
    for (let c = 0; c < cells; c++) counts[c + 1]! += counts[c]!;
    this.start = counts;
    this.items = new Uint32Array(n);
    const fill = counts.slice(0, cells);
    for (let i = 0; i < n; i++) this.items[fill[cellOf[i]!]!++] = i;
  }

  private cellIndex(x: number, y: number): number {
    const cx = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cell)));
    const cy = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cell)));
    return cy * this.cols + cx;
  }

  /** Every seat whose centre lies in the rectangle (inclusive). */
  queryRect(x0: number, y0: number, x1: number, y1: number, out: number[] = []): number[] {
    const cx0 = Math.max(0, Math.floor((x0 - this.minX) / this.cell));
    const cy0 = Math.max(0, Math.floor((y0 - this.minY) / this.cell));
    const cx1 = Math.min(this.cols - 1, Math.floor((x1 - this.minX) / this.cell));
    const cy1 = Math.min(this.rows - 1, Math.floor((y1 - this.minY) / this.cell));
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * this.cols + cx;
        for (let k = this.start[c]!; k < this.start[c + 1]!; k++) {
          const i = this.items[k]!;
          const x = this.xs[i]!;
          const y = this.ys[i]!;
          if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push(i);
        }
      }
    }
    return out;
  }

  /** The seat nearest (x, y) within `maxDist`, or -1. */
  nearest(x: number, y: number, maxDist: number): number {
    let best = -1;
    let bestD = maxDist * maxDist;
    const cx0 = Math.max(0, Math.floor((x - maxDist - this.minX) / this.cell));
    const cy0 = Math.max(0, Math.floor((y - maxDist - this.minY) / this.cell));
    const cx1 = Math.min(this.cols - 1, Math.floor((x + maxDist - this.minX) / this.cell));
    const cy1 = Math.min(this.rows - 1, Math.floor((y + maxDist - this.minY) / this.cell));
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * this.cols + cx;
        for (let k = this.start[c]!; k < this.start[c + 1]!; k++) {
          const i = this.items[k]!;
          const dx = this.xs[i]! - x;
          const dy = this.ys[i]! - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD) {
            bestD = d;
            best = i;
          }
        }
      }
    }
    return best;
  }
}

/** The terminal progress line: a bar of finished journeys, live holds/s, orders, tickets sold, errors. */

export interface ProgressState {
  total: number;
  done: number;
  holds: number;
  orders: number;
  tickets: number;
  errors: number;
  /** Holds per second over the last second. */
  holdsPerSecond: number;
  elapsedSeconds: number;
}

export function progressLine(s: ProgressState, width = 30): string {
  const frac = s.total ? Math.min(1, s.done / s.total) : 1;
  const filled = Math.round(frac * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  return (
    `${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${s.done}/${s.total} buyers · ` +
    `${s.holdsPerSecond.toFixed(0)} holds/s · ${s.holds} holds · ${s.orders} orders · ` +
    `${s.tickets} sold · ${s.errors} errors · ${s.elapsedSeconds.toFixed(0)} s`
  );
}

/** Redraws one line on a terminal; prints a line every 5 s when stdout is not a terminal (CI logs). */
export class Progress {
  private lastPrint = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}
  draw(s: ProgressState, final = false): void {
    if (this.out.isTTY) {
      this.out.write(`\r${progressLine(s)}\x1b[K${final ? '\n' : ''}`);
    } else if (final || Date.now() - this.lastPrint > 5000) {
      this.lastPrint = Date.now();
      this.out.write(`${progressLine(s)}\n`);
    }
  }
}

import { generateStadium, type SeatsChanged } from '@seatrush/shared';
import { useEffect, useMemo, useRef } from 'react';
import { SeatMapView } from '../seatmap/SeatMapView.tsx';
import { buildModel } from '../seatmap/model.ts';
import type { SeatMapRenderer } from '../seatmap/renderer.ts';
import { encodeStates } from '../seatmap/states.ts';
import { SeatStore } from '../seatmap/store.ts';

/**
 * `/__bench/seatmap?seats=20000`: the real renderer on a generated stadium, with no server. `bench/web/run.ts`
 * drives it through `window.__seatBench`. Everything goes through the production path: snapshot → ShowtimeMirror →
 * SeatStore → dirty-seat repaint.
 */

export interface StreamStats {
  changesApplied: number;
  deltas: number;
  durationMs: number;
  frames: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  framesOver50ms: number;
  longTasks: number;
  longTaskTotalMs: number;
  longTaskMaxMs: number;
  dirtyPaints: number;
  dirtyPaintP50: number;
  dirtyPaintMax: number;
  inputs: number[];
  eventDurations: number[];
}

export interface SeatBench {
  seats: number;
  firstPaint: {
    /** When this page's code started running (after the app shell and the lazy chunk loaded). */
    moduleStartMs: number;
    generateMs: number;
    modelMs: number;
    fullDrawMs: number;
    drawnAtMs: number;
    presentedAtMs: number;
  } | null;
  /** Screen position (page coordinates) of a random seat, for clicks. */
  seatPoint(k: number): { x: number; y: number };
  stream(changesPerSecond: number, durationMs: number): Promise<StreamStats>;
  /** Times one synchronous full repaint of the current view. */
  redraw(): { ms: number; zoom: number; seatRadiusPx: number };
}

declare global {
  interface Window {
    __seatBench?: SeatBench;
  }
}

const moduleStartMs = performance.now();

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Builds the stadium and its store, timing each step (outside render: it reads the clock). */
function buildBench(seats: number) {
  const g0 = performance.now();
  // The shared stadium: 16 sections × 25 rows; seats per row scale the size.
  const perRow = Math.max(1, Math.round(seats / 400));
  const doc = generateStadium({ seatsPerRow: perRow, floorCapacity: 2000 });
  const g1 = performance.now();
  const model = buildModel(doc);
  const store = new SeatStore(model, 'bench');
  const random = rng(7);
  const states = new Uint8Array(model.count);
  for (let i = 0; i < states.length; i++) {
    const r = random();
    states[i] = r < 0.6 ? 0 : r < 0.75 ? 1 : r < 0.97 ? 2 : 3;
  }
  store.applySnapshot({
    showtimeId: 'bench',
    version: 1,
    state: 'on_sale',
    seatLabels: model.labels,
    labelsKey: 'bench',
    seatStates: encodeStates(states),
    zones: { FLOOR: { capacity: 2000, available: 1234, held: 100, sold: 666 } },
    categories: {},
  });
  const g2 = performance.now();
  return { model, store, generateMs: g1 - g0, modelMs: g2 - g1 };
}

export default function BenchSeatMap() {
  const seats = Number(new URLSearchParams(location.search).get('seats') ?? 20_000) || 20_000;
  const built = useMemo(() => buildBench(seats), [seats]);
  const rendererRef = useRef<SeatMapRenderer | null>(null);

  useEffect(() => {
    const { model, store } = built;
    const random = rng(99);
    const bench: SeatBench = {
      seats: model.count,
      firstPaint: null,
      seatPoint(k) {
        const r = rendererRef.current!;
        const host = document.querySelector('.seatmap-canvas')!.getBoundingClientRect();
        const i = Math.floor(rng(k + 1)() * model.count);
        const p = r.toScreen(i);
        return { x: host.left + p.x, y: host.top + p.y };
      },
      redraw() {
        const r = rendererRef.current!;
        r.invalidateAll();
        const s = performance.now();
        r.frame();
        return {
          ms: performance.now() - s,
          zoom: r.view.scale / r.fitScale(),
          seatRadiusPx: model.radius * r.view.scale,
        };
      },
      stream(rate, durationMs) {
        const r = rendererRef.current!;
        return new Promise<StreamStats>((resolve) => {
          const frames: number[] = [];
          const dirty: number[] = [];
          const inputs: number[] = [];
          const eventDurations: number[] = [];
          const longTasks: number[] = [];
          let version = store.version ?? 1;
          let applied = 0;
          let deltas = 0;
          const start = performance.now();
          const tickMs = 50;
          const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));

          const prevPaint = r.onPaint;
          r.onPaint = (info) => {
            if (info.kind === 'dirty') dirty.push(info.ms);
          };
          const lt = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) longTasks.push(e.duration);
          });
          try {
            lt.observe({ type: 'longtask' });
          } catch {
            // Not supported: the figure stays 0 and the frame times still tell.
          }
          const ev = new PerformanceObserver((list) => {
            for (const e of list.getEntries()) eventDurations.push(e.duration);
          });
          try {
            ev.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
          } catch {
            // Event Timing unsupported.
          }
          const host = document.querySelector('.seatmap-canvas')!;
          const onDown = (e: Event) => {
            const at = e.timeStamp;
            requestAnimationFrame(() => setTimeout(() => inputs.push(performance.now() - at), 0));
          };
          host.addEventListener('pointerdown', onDown, { capture: true });

          let last = performance.now();
          let raf = 0;
          const loop = (t: number) => {
            frames.push(t - last);
            last = t;
            raf = requestAnimationFrame(loop);
          };
          raf = requestAnimationFrame((t) => {
            last = t;
            raf = requestAnimationFrame(loop);
          });

          const timer = setInterval(() => {
            // A coalesced delta, as the server would send per window: absolute states by seat index.
            const pairs: number[] = [];
            for (let k = 0; k < perTick; k++) {
              const i = Math.floor(random() * model.count);
              const cur = store.states[i]!;
              const next = cur === 0 ? 1 : cur === 1 ? (random() < 0.5 ? 0 : 2) : random() < 0.3 ? 0 : cur;
              pairs.push(i, next);
            }
            const delta: SeatsChanged = {
              showtimeId: 'bench',
              from: version,
              to: version + 1,
              changes: { seats: pairs },
              at: Date.now(),
            };
            version++;
            if (store.applyDelta(delta) === 'applied') {
              applied += perTick;
              deltas++;
            }
            if (performance.now() - start >= durationMs) {
              clearInterval(timer);
              // Let the last repaint land before stopping the clocks.
              requestAnimationFrame(() =>
                setTimeout(() => {
                  cancelAnimationFrame(raf);
                  lt.disconnect();
                  ev.disconnect();
                  host.removeEventListener('pointerdown', onDown, { capture: true });
                  r.onPaint = prevPaint;
                  resolve({
                    changesApplied: applied,
                    deltas,
                    durationMs: performance.now() - start,
                    frames: frames.length,
                    frameP50: quantile(frames, 0.5),
                    frameP95: quantile(frames, 0.95),
                    frameMax: Math.max(0, ...frames),
                    framesOver50ms: frames.filter((f) => f > 50).length,
                    longTasks: longTasks.length,
                    longTaskTotalMs: longTasks.reduce((a, b) => a + b, 0),
                    longTaskMaxMs: Math.max(0, ...longTasks),
                    dirtyPaints: dirty.length,
                    dirtyPaintP50: quantile(dirty, 0.5),
                    dirtyPaintMax: Math.max(0, ...dirty),
                    inputs,
                    eventDurations,
                  });
                }, 0),
              );
            }
          }, tickMs);
        });
      },
    };
    window.__seatBench = bench;
    return () => {
      delete window.__seatBench;
    };
  }, [built]);

  const onRenderer = (r: SeatMapRenderer | null) => {
    rendererRef.current = r;
    if (!r) return;
    r.onPaint = (info) => {
      if (info.kind !== 'full' || window.__seatBench?.firstPaint) return;
      const drawnAt = performance.now();
      // The frame that shows the drawing is composited after this rAF callback returns.
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (!window.__seatBench || window.__seatBench.firstPaint) return;
          window.__seatBench.firstPaint = {
            moduleStartMs,
            generateMs: built.generateMs,
            modelMs: built.modelMs,
            fullDrawMs: info.ms,
            drawnAtMs: drawnAt,
            presentedAtMs: performance.now(),
          };
          document.body.dataset.benchReady = 'true';
        }, 0),
      );
    };
  };

  return (
    <main className="bench-page">
      <h1 className="sr-only">Seat map benchmark ({built.model.count} seats)</h1>
      <p className="bench-caption" aria-hidden="true">
        {built.model.count.toLocaleString('en')} seats
      </p>
      <SeatMapView
        store={built.store}
        onSeat={(i) => built.store.toggleSelected(i)}
        tooltip={(i) => built.model.labels[i]}
        describe={(i) => built.model.labels[i]!}
        onRenderer={onRenderer}
        label="Benchmark seat map"
      />
    </main>
  );
}

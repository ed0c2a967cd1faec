import {
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { SeatMapRenderer } from './renderer.ts';
import type { SeatStore } from './store.ts';

export interface SeatMapViewProps {
  store: SeatStore;
  /** Click / tap / Enter on a seat. */
  onSeat: (index: number) => void;
  /** Click / tap / Enter on a GA zone. */
  onZone?: ((zoneIndex: number) => void) | undefined;
  /** Seat focused from elsewhere (the list picker): highlighted and scrolled into view. */
  focusSeat?: number | undefined;
  /** Tooltip body for a seat. */
  tooltip: (index: number) => ReactNode;
  /** One-line text for screen readers when the keyboard crosshair rests on a seat. */
  describe: (index: number) => string;
  onRenderer?: ((r: SeatMapRenderer | null) => void) | undefined;
  label: string;
  /** The page offers the same seats as a list below the map: the keyboard help says so only then. */
  hasSeatList?: boolean;
}

interface Tip {
  index: number;
  x: number;
  y: number;
}

const KEY_PAN = 60;
const DRAG_THRESHOLD = 5;

let canvasSupport: boolean | undefined;
/** Whether this browser draws on a 2D canvas (not with canvas blocked for privacy, nor in a test's DOM). */
function canDraw(): boolean {
  canvasSupport ??= document.createElement('canvas').getContext('2d') !== null;
  return canvasSupport;
}

/**
 * The canvas seat map with mouse (drag, wheel), touch (drag, pinch) and keyboard (arrows pan under a
 * crosshair, +/- zoom, 0 fits, Enter/Space picks the seat under the crosshair) controls.
 */
export function SeatMapView(props: SeatMapViewProps) {
  const { store, onSeat, onZone, focusSeat, tooltip, describe, onRenderer, label, hasSeatList } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const rendererRef = useRef<SeatMapRenderer | null>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const [keyboardText, setKeyboardText] = useState('');
  const helpId = useId();
  // The canvas listeners live as long as the store; they call the latest callbacks through this ref.
  const handlers = useRef({ onSeat, onZone, describe, onRenderer });
  useLayoutEffect(() => {
    handlers.current = { onSeat, onZone, describe, onRenderer };
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const r = new SeatMapRenderer(host, store);
    rendererRef.current = r;
    const rect = host.getBoundingClientRect();
    r.resize(Math.round(rect.width), Math.round(rect.height));
    const ro = new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (box) r.resize(Math.round(box.width), Math.round(box.height));
    });
    ro.observe(host);
    handlers.current.onRenderer?.(r);

    // Pointer state lives outside React: these events fire at 60+ Hz.
    const pointers = new Map<number, { x: number; y: number }>();
    let dragged = false;
    let downAt: { x: number; y: number } | null = null;
    let pinchDist = 0;
    const local = (e: PointerEvent | WheelEvent) => {
      const b = host.getBoundingClientRect();
      return { x: e.clientX - b.left, y: e.clientY - b.top };
    };
    const showTip = (index: number) => {
      if (index < 0) return setTip(null);
      const p = r.toScreen(index);
      setTip((t) => (t && t.index === index && t.x === p.x && t.y === p.y ? t : { index, x: p.x, y: p.y }));
    };

    const onPointerDown = (e: PointerEvent) => {
      if (e.button !== 0 && e.pointerType === 'mouse') return;
      host.setPointerCapture(e.pointerId);
      const p = local(e);
      pointers.set(e.pointerId, p);
      if (pointers.size === 1) {
        dragged = false;
        downAt = p;
      } else if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        pinchDist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
        dragged = true;
      }
      if (r.crosshair) {
        r.crosshair = false;
        r.invalidateOverlay();
      }
    };
    const onPointerMove = (e: PointerEvent) => {
      const p = local(e);
      const prev = pointers.get(e.pointerId);
      if (!prev) {
        if (e.pointerType !== 'mouse') return;
        const seat = r.hitSeat(p.x, p.y);
        const zone = seat < 0 ? r.hitZone(p.x, p.y) : -1;
        if (seat !== r.hover || zone !== r.hoverZone) {
          r.hover = seat;
          if (zone !== r.hoverZone) {
            r.hoverZone = zone;
            r.invalidateBackground();
          }
          r.invalidateOverlay();
          showTip(seat);
        }
        host.style.cursor = seat >= 0 || zone >= 0 ? 'pointer' : 'grab';
        return;
      }
      if (pointers.size === 2) {
        const other = [...pointers.entries()].find(([id]) => id !== e.pointerId)?.[1];
        pointers.set(e.pointerId, p);
        if (!other) return;
        const dist = Math.hypot(p.x - other.x, p.y - other.y);
        const mid = { x: (p.x + other.x) / 2, y: (p.y + other.y) / 2 };
        const prevMid = { x: (prev.x + other.x) / 2, y: (prev.y + other.y) / 2 };
        if (pinchDist > 0) r.zoomAt(dist / pinchDist, mid.x, mid.y);
        r.panBy(mid.x - prevMid.x, mid.y - prevMid.y);
        pinchDist = dist;
        return;
      }
      pointers.set(e.pointerId, p);
      if (!dragged && downAt && Math.hypot(p.x - downAt.x, p.y - downAt.y) > DRAG_THRESHOLD) {
        dragged = true;
        setTip(null);
        host.style.cursor = 'grabbing';
      }
      if (dragged) r.panBy(p.x - prev.x, p.y - prev.y);
    };
    const onPointerUp = (e: PointerEvent) => {
      const p = local(e);
      const wasSingle = pointers.size === 1;
      pointers.delete(e.pointerId);
      if (host.hasPointerCapture(e.pointerId)) host.releasePointerCapture(e.pointerId);
      if (pointers.size === 0) host.style.cursor = '';
      if (e.type === 'pointercancel' || !wasSingle || dragged) return;
      const touch = e.pointerType !== 'mouse';
      const seat = r.hitSeat(p.x, p.y, touch ? 14 : 6);
      if (seat >= 0) {
        handlers.current.onSeat(seat);
        if (touch) showTip(seat);
        return;
      }
      const zone = r.hitZone(p.x, p.y);
      if (zone >= 0) handlers.current.onZone?.(zone);
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const p = local(e);
      const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
      r.zoomAt(Math.exp(-dy * 0.0015), p.x, p.y);
      setTip(null);
    };
    const onLeave = (e: PointerEvent) => {
      // A lifted finger "leaves" too; keep the tapped seat's tooltip up.
      if (e.pointerType !== 'mouse') return;
      if (r.hover >= 0 || r.hoverZone >= 0) {
        r.hover = -1;
        r.hoverZone = -1;
        r.invalidateBackground();
        r.invalidateOverlay();
      }
      setTip(null);
    };

    host.addEventListener('pointerdown', onPointerDown);
    host.addEventListener('pointermove', onPointerMove);
    host.addEventListener('pointerup', onPointerUp);
    host.addEventListener('pointercancel', onPointerUp);
    host.addEventListener('pointerleave', onLeave);
    host.addEventListener('wheel', onWheel, { passive: false });
    return () => {
      ro.disconnect();
      host.removeEventListener('pointerdown', onPointerDown);
      host.removeEventListener('pointermove', onPointerMove);
      host.removeEventListener('pointerup', onPointerUp);
      host.removeEventListener('pointercancel', onPointerUp);
      host.removeEventListener('pointerleave', onLeave);
      host.removeEventListener('wheel', onWheel);
      handlers.current.onRenderer?.(null);
      r.destroy();
      rendererRef.current = null;
    };
  }, [store]);

  // Seat chosen in the list picker: show it on the map.
  useEffect(() => {
    const r = rendererRef.current;
    if (!r) return;
    r.focus = focusSeat ?? -1;
    if (focusSeat !== undefined && focusSeat >= 0) {
      r.reveal(focusSeat);
      requestAnimationFrame(() => {
        const p = r.toScreen(focusSeat);
        setTip({ index: focusSeat, x: p.x, y: p.y });
      });
    }
    r.invalidateOverlay();
  }, [focusSeat]);

  const crosshairSeat = (r: SeatMapRenderer) => {
    const seat = r.hitSeat(r.width / 2, r.height / 2, 24);
    r.hover = seat;
    r.invalidateOverlay();
    if (seat >= 0) {
      const p = r.toScreen(seat);
      setTip({ index: seat, x: p.x, y: p.y });
      setKeyboardText(handlers.current.describe(seat));
    } else {
      setTip(null);
      const zone = r.hitZone(r.width / 2, r.height / 2);
      setKeyboardText(zone >= 0 ? `${store.model.zones[zone]!.name}: press Enter to choose a quantity` : '');
    }
    return seat;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const r = rendererRef.current;
    if (!r) return;
    const step = e.shiftKey ? KEY_PAN * 3 : KEY_PAN;
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft':
        r.panBy(step, 0);
        break;
      case 'ArrowRight':
        r.panBy(-step, 0);
        break;
      case 'ArrowUp':
        r.panBy(0, step);
        break;
      case 'ArrowDown':
        r.panBy(0, -step);
        break;
      case '+':
      case '=':
        r.zoomAt(1.4, r.width / 2, r.height / 2);
        break;
      case '-':
      case '_':
        r.zoomAt(1 / 1.4, r.width / 2, r.height / 2);
        break;
      case '0':
        r.fit();
        break;
      case 'Enter':
      case ' ': {
        const seat = r.hitSeat(r.width / 2, r.height / 2, 24);
        if (seat >= 0) handlers.current.onSeat(seat);
        else {
          const zone = r.hitZone(r.width / 2, r.height / 2);
          if (zone >= 0) handlers.current.onZone?.(zone);
        }
        break;
      }
      case 'Escape':
        r.crosshair = false;
        r.hover = -1;
        r.invalidateOverlay();
        setTip(null);
        return;
      default:
        handled = false;
    }
    if (!handled) return;
    e.preventDefault();
    r.crosshair = true;
    crosshairSeat(r);
  };

  const zoomBy = (factor: number) => {
    const r = rendererRef.current;
    if (r) r.zoomAt(factor, r.width / 2, r.height / 2);
    setTip(null);
  };

  // Without a canvas the renderer cannot start: say so instead of failing the page (the lists still work).
  if (!canDraw())
    return (
      <div className="seatmap">
        <p className="notice" role="note">
          This browser cannot draw the map.
          {hasSeatList ? ' Choose from the seat list below.' : ''}
        </p>
      </div>
    );

  return (
    <div className="seatmap">
      <div
        ref={hostRef}
        className="seatmap-canvas"
        tabIndex={0}
        role="application"
        aria-roledescription="seat map"
        aria-label={label}
        aria-describedby={helpId}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          const r = rendererRef.current;
          // The crosshair is a keyboard affordance: not for a click or tap that focuses the map.
          if (r && !r.crosshair && e.currentTarget.matches(':focus-visible')) {
            r.crosshair = true;
            crosshairSeat(r);
          }
        }}
        onBlur={() => {
          const r = rendererRef.current;
          if (r) {
            r.crosshair = false;
            r.invalidateOverlay();
          }
        }}
      >
        {tip && (
          <div
            className="seat-tooltip"
            role="tooltip"
            style={{ left: Math.round(tip.x), top: Math.round(tip.y) }}
          >
            {tooltip(tip.index)}
          </div>
        )}
      </div>
      <div className="seatmap-zoom" role="group" aria-label="Zoom">
        <button type="button" onClick={() => zoomBy(1.4)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoomBy(1 / 1.4)} aria-label="Zoom out">
          −
        </button>
        <button
          type="button"
          onClick={() => {
            rendererRef.current?.fit();
            setTip(null);
          }}
          aria-label="Show whole venue"
        >
          ⤢
        </button>
      </div>
      <p id={helpId} className="sr-only">
        Arrow keys move the map under the crosshair, plus and minus zoom, 0 shows the whole venue, Enter or
        Space selects the seat under the crosshair.
        {hasSeatList ? ' The seat list below the map offers the same choices.' : ''}
      </p>
      <p className="sr-only" aria-live="polite">
        {keyboardText}
      </p>
    </div>
  );
}

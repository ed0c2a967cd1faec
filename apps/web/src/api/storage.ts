import type { StoredHold } from './types.ts';

const EMAIL_KEY = 'seatrush.email';
const HOLDS_KEY = 'seatrush.holds';

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback; // storage disabled (private mode, sandboxed iframe)
  }
}

/** The buyer's email, asked once and remembered on this device. */
export function getStoredEmail(): string | null {
  return safe(() => localStorage.getItem(EMAIL_KEY), null);
}

export function setStoredEmail(email: string): void {
  safe(() => localStorage.setItem(EMAIL_KEY, email), undefined);
}

/**
 * Hold tokens are capabilities (pay or cancel), so they live in sessionStorage: they survive a reload and
 * the trip to the payment page, but not the tab.
 */
function readHolds(): Record<string, StoredHold> {
  return safe(() => {
    const raw = sessionStorage.getItem(HOLDS_KEY);
    return raw ? (JSON.parse(raw) as Record<string, StoredHold>) : {};
  }, {});
}

function writeHolds(holds: Record<string, StoredHold>): void {
  safe(() => sessionStorage.setItem(HOLDS_KEY, JSON.stringify(holds)), undefined);
  revision++;
  for (const l of listeners) l();
}

let revision = 0;
let cached: { revision: number; holds: Readonly<Record<string, StoredHold>> } | null = null;
const listeners = new Set<() => void>();

/** All stored holds; the same object until they change (a useSyncExternalStore snapshot). */
export function holdsSnapshot(): Readonly<Record<string, StoredHold>> {
  if (!cached || cached.revision !== revision) cached = { revision, holds: readHolds() };
  return cached.holds;
}

/** Notified when the stored holds change (in this tab); for useSyncExternalStore. */
export function onHoldsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function saveHold(hold: StoredHold): void {
  writeHolds({ ...readHolds(), [hold.holdId]: hold });
}

export function updateHold(holdId: string, patch: Partial<StoredHold>): void {
  const holds = readHolds();
  const h = holds[holdId];
  if (h) writeHolds({ ...holds, [holdId]: { ...h, ...patch } });
}

export function getHold(holdId: string): StoredHold | undefined {
  return readHolds()[holdId];
}

export function forgetHold(holdId: string): void {
  const holds = readHolds();
  if (!(holdId in holds)) return;
  delete holds[holdId];
  writeHolds(holds);
}

/** My holds for a showtime, including expired ones (the caller decides what to show). */
export function holdsForShowtime(showtimeId: string): StoredHold[] {
  return Object.values(readHolds()).filter((h) => h.showtimeId === showtimeId);
}

const ORDERS_KEY = 'seatrush.orders';

/** Order codes started on this device, newest first, for "my orders". */
export function rememberOrder(code: string): void {
  const codes = recentOrders().filter((c) => c !== code);
  safe(() => localStorage.setItem(ORDERS_KEY, JSON.stringify([code, ...codes].slice(0, 20))), undefined);
}

export function recentOrders(): string[] {
  return safe(() => {
    const raw = localStorage.getItem(ORDERS_KEY);
    const v: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string') : [];
  }, []);
}

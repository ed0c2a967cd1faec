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
 * A hold belongs to the buyer's session — this browser, whose cookie every tab shares — not to the tab it was
 * made in, so its token (the capability to pay or cancel) lives in localStorage: a checkout or order page opened
 * in another tab can pay. Holds last minutes; the pages forget ended ones, and `saveHold` drops any left a day on.
 */
function readHolds(): Record<string, StoredHold> {
  return safe(() => {
    const raw = localStorage.getItem(HOLDS_KEY);
    return raw ? (JSON.parse(raw) as Record<string, StoredHold>) : {};
  }, {});
}

function writeHolds(holds: Record<string, StoredHold>): void {
  safe(() => localStorage.setItem(HOLDS_KEY, JSON.stringify(holds)), undefined);
  changed();
}

function changed(): void {
  revision++;
  for (const l of listeners) l();
}

// Another tab made, paid or cancelled a hold: this tab's pages follow.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === HOLDS_KEY || e.key === null) changed();
  });

let revision = 0;
let cached: { revision: number; holds: Readonly<Record<string, StoredHold>> } | null = null;
const listeners = new Set<() => void>();

/** All stored holds; the same object until they change (a useSyncExternalStore snapshot). */
export function holdsSnapshot(): Readonly<Record<string, StoredHold>> {
  if (!cached || cached.revision !== revision) cached = { revision, holds: readHolds() };
  return cached.holds;
}

/** Notified when the stored holds change (in this tab or another); for useSyncExternalStore. */
export function onHoldsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Holds that ended a day ago are dropped when a new one is saved (localStorage outlives the tab). */
const KEEP_ENDED_MS = 86_400_000;

export function saveHold(hold: StoredHold): void {
  const cutoff = Date.now() - KEEP_ENDED_MS;
  const kept = Object.values(readHolds()).filter((h) => Date.parse(h.expiresAt) > cutoff);
  writeHolds({ ...Object.fromEntries(kept.map((h) => [h.holdId, h])), [hold.holdId]: hold });
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

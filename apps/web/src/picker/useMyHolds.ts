import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { holdsSnapshot, onHoldsChanged, type MyHold, type StoredHold } from '../api/index.ts';
import { useNow } from '../lib/hooks.ts';
import type { SeatStore } from '../seatmap/store.ts';

/**
 * My live holds for the store's showtime: `active` — made in this browser, with their tokens (pay or cancel
 * here); `elsewhere` — the server's word on holds of my session this browser has no token for. Draws their
 * seats as mine on the map.
 */
export function useMyHolds(
  store: SeatStore,
  serverHolds: readonly MyHold[],
): { active: StoredHold[]; elsewhere: MyHold[] } {
  const showtimeId = store.mirror.showtimeId;
  const now = useNow(1000);
  const all = useSyncExternalStore(onHoldsChanged, holdsSnapshot);
  const stored = useMemo(
    () => Object.values(all).filter((h) => h.showtimeId === showtimeId),
    [all, showtimeId],
  );
  const active = stored.filter((h) => Date.parse(h.expiresAt) > now);
  const elsewhere = serverHolds.filter(
    (h) => !stored.some((s) => s.holdId === h.holdId) && Date.parse(h.expiresAt) > now,
  );

  // My held seats look like mine. The key changes only when the seats do (not on every tick of `now`).
  const byLabel = store.model.byLabel;
  const labels = [
    ...active.flatMap((h) => h.items.flatMap((it) => (it.kind === 'seat' ? [it.seat] : []))),
    ...elsewhere.flatMap((h) => h.seats),
  ];
  const mineKey = labels
    .map((l) => byLabel.get(l))
    .filter((i) => i !== undefined)
    .join(',');
  useEffect(() => {
    store.setMine(mineKey ? mineKey.split(',').map(Number) : []);
  }, [store, mineKey]);

  return { active, elsewhere };
}

import type { Inventory } from '../../inventory/inventory.ts';
import type { SoldOutGate } from '../../inventory/gate.ts';

/**
 * A showtime's live availability (version, compact seat states, counts) as JSON text, for the hot route and
 * Express alike. Each node keeps the last answer per showtime until the gate's stamp says the showtime changed,
 * and the seat labels' JSON until the layout changes: a flood of map loads costs one Redis read per change.
 */
export interface Availability {
  json(input: { showtimeId: string; withLabels: boolean }): Promise<string>;
}

/** A snapshot served from memory is at most this old even if a change message were lost without a disconnect. */
const MAX_AGE_MS = 1000;

export function createAvailability(deps: {
  inventory: Inventory;
  gate?: SoldOutGate;
  now?: () => number;
}): Availability {
  const { inventory, gate } = deps;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, { stamp: string; at: number; full: string; compact: string }>();
  const labelsJson = new Map<string, { key: string; json: string }>();
  return {
    async json({ showtimeId, withLabels }) {
      // The stamp is read before the snapshot: any change published after it makes the cached copy stale.
      const stamp = gate?.stamp(showtimeId) ?? null;
      const hit = cache.get(showtimeId);
      if (stamp !== null && hit?.stamp === stamp && now() - hit.at < MAX_AGE_MS)
        return withLabels ? hit.full : hit.compact;
      const { seatLabels, ...rest } = await inventory.snapshot(showtimeId);
      let labels = labelsJson.get(showtimeId);
      if (labels?.key !== rest.labelsKey) {
        labels = { key: rest.labelsKey, json: JSON.stringify(seatLabels) };
        labelsJson.set(showtimeId, labels);
      }
      const compact = JSON.stringify(rest);
      const full = `{"seatLabels":${labels.json},${compact.slice(1)}`;
      if (stamp !== null) cache.set(showtimeId, { stamp, at: now(), full, compact });
      return withLabels ? full : compact;
    },
  };
}

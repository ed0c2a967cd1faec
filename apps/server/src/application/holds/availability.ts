import type { Inventory } from '../../inventory/inventory.ts';
import type { SoldOutGate } from '../../inventory/gate.ts';

/**
 * A showtime's live availability (version, compact seat states, counts) as JSON text, for the hot route and
 * Express alike. Each node keeps the last answer per showtime until the gate's stamp says the showtime changed,
 * and the seat labels' JSON until the layout changes: a flood of map loads costs one Redis read per change, and
 * while changes stream (a sale in full swing) at most one read per showtime is in flight.
 */
export interface Availability {
  json(input: { showtimeId: string; withLabels: boolean }): Promise<string>;
}

/** A snapshot served from memory is at most this old even if a change message were lost without a disconnect. */
const MAX_AGE_MS = 1000;

interface Entry {
  stamp: string | null;
  at: number;
  full: string;
  compact: string;
}

export function createAvailability(deps: {
  inventory: Inventory;
  gate?: SoldOutGate;
  now?: () => number;
}): Availability {
  const { inventory, gate } = deps;
  const now = deps.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const labelsJson = new Map<string, { key: string; json: string }>();

  const read = async (showtimeId: string): Promise<Entry> => {
    // The stamp is read before the snapshot: any change published after it makes the cached copy stale.
    const stamp = gate?.stamp(showtimeId) ?? null;
    const { seatLabels, ...rest } = await inventory.snapshot(showtimeId);
    let labels = labelsJson.get(showtimeId);
    if (labels?.key !== rest.labelsKey) {
      labels = { key: rest.labelsKey, json: JSON.stringify(seatLabels) };
      labelsJson.set(showtimeId, labels);
    }
    const compact = JSON.stringify(rest);
    const entry = { stamp, at: now(), full: `{"seatLabels":${labels.json},${compact.slice(1)}`, compact };
    if (stamp !== null) cache.set(showtimeId, entry);
    return entry;
  };

  // While a sale streams changes, every stamp is new and every request would read Redis: at most one snapshot per
  // showtime is read at a time, and the requests that arrive meanwhile share the one read after it (started after
  // they arrived, so nobody gets an answer older than their request).
  const flights = new Map<string, { read: Promise<Entry>; next: Promise<Entry> | null }>();
  const start = (showtimeId: string): Promise<Entry> => {
    const flight = { read: read(showtimeId), next: null as Promise<Entry> | null };
    flights.set(showtimeId, flight);
    const landed = () => {
      if (flights.get(showtimeId) === flight) flights.delete(showtimeId);
    };
    flight.read.then(landed, landed);
    return flight.read;
  };
  const fresh = (showtimeId: string): Promise<Entry> => {
    const flight = flights.get(showtimeId);
    if (!flight) return start(showtimeId);
    const again = () => start(showtimeId);
    return (flight.next ??= flight.read.then(again, again));
  };

  return {
    async json({ showtimeId, withLabels }) {
      const stamp = gate?.stamp(showtimeId) ?? null;
      const hit = cache.get(showtimeId);
      if (stamp !== null && hit?.stamp === stamp && now() - hit.at < MAX_AGE_MS)
        return withLabels ? hit.full : hit.compact;
      const entry = await fresh(showtimeId);
      return withLabels ? entry.full : entry.compact;
    },
  };
}

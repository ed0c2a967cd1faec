/**
 * Every Redis key of the waiting room is built here. They share the inventory's hash tag `{st:<id>}`, so every
 * script touches one cluster slot: `${prefix}:{st:<id>}:wr:<name>`.
 *
 * - `meta` hash: state (pre|open|closed), paused, seq (arrivals after opening), served (taken from the head),
 *   admitted (all time), allow (admission allowance), tick (ms of the last tick), soldOut, supply (tickets left
 *   at the last tick), mr (measured admissions per minute), openedAt.
 * - `line` zset: buyerId → score (random below 2^52 for the pre-queue, 2^52 + arrival after opening).
 * - `admitted` zset: buyerId → end of the buyer's shopping window (ms).
 */
export interface RoomKeys {
  meta: string;
  line: string;
  admitted: string;
  /** The tick lock (one node ticks a room at a time; the script is correct either way). */
  lock: string;
}

export function roomKeys(prefix: string, showtimeId: string): RoomKeys {
  const b = `${prefix}:{st:${showtimeId}}:wr:`;
  return { meta: `${b}meta`, line: `${b}line`, admitted: `${b}admitted`, lock: `${b}lock` };
}

/** The KEYS of join-3, admit-3 and admit-list-3. */
export const lineScriptKeys = (k: RoomKeys): string[] => [k.meta, k.line, k.admitted];

/** Set of showtime ids with a live room, so the admission loop knows what to tick (not hash-tagged). */
export const activeRoomsKey = (prefix: string): string => `${prefix}:wr:rooms`;

/** A solved bot challenge, once used (kept until the challenge would have expired). */
export const challengeKey = (prefix: string, showtimeId: string, challengeId: string): string =>
  `${prefix}:{st:${showtimeId}}:wr:pow:${challengeId}`;

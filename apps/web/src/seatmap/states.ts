/**
 * Seat states as the availability endpoint encodes them (one char per seat) plus the client-only
 * overlays. Codes 0–3 come from the server; the rest exist only in the browser.
 */
export const FREE = 0;
export const HELD = 1;
export const SOLD = 2;
export const BLOCKED = 3;
/** Before the first snapshot arrives. */
export const UNKNOWN = 9;

/** What a seat looks like: its server state, or one of my overlays on top of it. */
export const V_FREE = 0;
export const V_HELD = 1;
export const V_SOLD = 2;
export const V_BLOCKED = 3;
export const V_SELECTED = 4;
export const V_MINE = 5;
export const V_UNKNOWN = 6;
export const VISUAL_KINDS = 7;

export type StateName = 'free' | 'held' | 'sold' | 'blocked' | 'unknown';

export function stateName(code: number): StateName {
  switch (code) {
    case FREE:
      return 'free';
    case HELD:
      return 'held';
    case SOLD:
      return 'sold';
    case BLOCKED:
      return 'blocked';
    default:
      return 'unknown';
  }
}

/**
 * Maps the availability's `seatLabels` order to model indices (-1 for labels the map doesn't know).
 * Computed once per label list, not per poll.
 */
export function labelPermutation(byLabel: Map<string, number>, seatLabels: readonly string[]): Int32Array {
  const perm = new Int32Array(seatLabels.length);
  for (let i = 0; i < seatLabels.length; i++) perm[i] = byLabel.get(seatLabels[i]!) ?? -1;
  return perm;
}

/**
 * Writes `encoded` (one char '0'..'3' per seat) into `states` through `perm`, pushing the model index
 * of every seat whose state changed onto `changed`. Unexpected chars decode as UNKNOWN rather than throw:
 * one bad char must not blank the whole map.
 */
export function decodeInto(encoded: string, perm: Int32Array, states: Uint8Array, changed: number[]): void {
  const n = Math.min(encoded.length, perm.length);
  for (let p = 0; p < n; p++) {
    const i = perm[p]!;
    if (i < 0) continue;
    const c = encoded.charCodeAt(p) - 48;
    const v = c >= 0 && c <= 3 ? c : UNKNOWN;
    if (states[i] !== v) {
      states[i] = v;
      changed.push(i);
    }
  }
}

/** Decodes a seat-state string on its own (identity order). */
export function decodeStates(encoded: string): Uint8Array {
  const out = new Uint8Array(encoded.length).fill(UNKNOWN);
  const perm = new Int32Array(encoded.length);
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  decodeInto(encoded, perm, out, []);
  return out;
}

export function encodeStates(states: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < states.length; i++) s += String.fromCharCode(48 + (states[i]! <= 3 ? states[i]! : 0));
  return s;
}

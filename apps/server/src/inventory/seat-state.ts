import { SeatState, type SeatStateCode } from '@seatrush/shared';

/**
 * How the inventory stores a seat's state, in one place. The codes are the shared `SeatState` (the same digits
 * clients read in `seatStates`): the compact `states` string holds one digit per seat, and the `seats` hash maps
 * a taken seat's label to `<digit>:<ref>` (ref = hold id, order ref or block reason); a free seat has no field.
 * The Lua scripts write the same digits (`SEAT_FREE` … `SEAT_BLOCKED` in lua/include/common.lua).
 */
export type SeatStateName = keyof typeof SeatState;
/** A state a seat can be owned in (everything but free). */
export type TakenSeatState = Exclude<SeatStateName, 'free'>;
export type TakenSeatCode = Exclude<SeatStateCode, typeof SeatState.free>;

const NAMES = Object.fromEntries(Object.entries(SeatState).map(([name, code]) => [code, name])) as Record<
  SeatStateCode,
  SeatStateName
>;
const CODE_OF_CHAR: Readonly<Record<string, SeatStateCode>> = Object.fromEntries(
  Object.values(SeatState).map((code) => [String(code), code]),
);
/** The letter of each state in the fields of the counts hash (`c:<category>:<letter>`). */
const COUNT_LETTERS: Record<SeatStateCode, 'a' | 'h' | 's' | 'b'> = {
  [SeatState.free]: 'a',
  [SeatState.held]: 'h',
  [SeatState.sold]: 's',
  [SeatState.blocked]: 'b',
};

/** The state of a seat from its value in the seats hash (no value: free); null when the value names no state. */
export function decodeSeatState(value: string | null | undefined): SeatStateCode | null {
  if (!value) return SeatState.free;
  return CODE_OF_CHAR[value[0]!] ?? null;
}

/**
 * A taken seat from its value in the seats hash: its state and ref (hold id, order ref or block reason); null for
 * a free seat or a value that names no taken state.
 */
export function decodeTakenSeat(
  value: string | null | undefined,
): { state: TakenSeatState; ref: string } | null {
  const code = decodeSeatState(value);
  if (code === null || code === SeatState.free) return null;
  return { state: NAMES[code] as TakenSeatState, ref: value!.slice(2) };
}

/** A taken seat's value in the seats hash. */
export function encodeSeat(code: TakenSeatCode, ref: string): string {
  return `${code}:${ref}`;
}

/** The character of a state in the compact `states` string. */
export function seatStateChar(code: SeatStateCode): string {
  return String(code);
}

export function seatStateName(code: SeatStateCode): SeatStateName {
  return NAMES[code];
}

/** The letter of a state in the counts hash (`a` available, `h` held, `s` sold, `b` blocked). */
export function countLetter(code: SeatStateCode): 'a' | 'h' | 's' | 'b' {
  return COUNT_LETTERS[code];
}

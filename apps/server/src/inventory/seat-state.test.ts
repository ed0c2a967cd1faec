import { readFileSync } from 'node:fs';
import { SeatState } from '@seatrush/shared';
import { describe, expect, it } from 'vitest';
import {
  countLetter,
  decodeSeatState,
  decodeTakenSeat,
  encodeSeat,
  seatStateChar,
  seatStateName,
} from './seat-state.ts';

describe('seat state encoding', () => {
  it('decodes the seats hash: no value is free, `<digit>:<ref>` a taken seat, anything else no state', () => {
    expect(decodeSeatState(undefined)).toBe(SeatState.free);
    expect(decodeSeatState(null)).toBe(SeatState.free);
    expect(decodeSeatState('1:h1')).toBe(SeatState.held);
    expect(decodeSeatState('2:o1')).toBe(SeatState.sold);
    expect(decodeSeatState('3:Camera')).toBe(SeatState.blocked);
    expect(decodeSeatState('9:x')).toBeNull();
    expect(decodeTakenSeat('1:st1.abc')).toEqual({ state: 'held', ref: 'st1.abc' });
    expect(decodeTakenSeat('2:order-1')).toEqual({ state: 'sold', ref: 'order-1' });
    expect(decodeTakenSeat('3:Press: row A')).toEqual({ state: 'blocked', ref: 'Press: row A' });
    expect(decodeTakenSeat(undefined)).toBeNull();
    expect(decodeTakenSeat('x:y')).toBeNull();
  });

  it('encodes what it decodes, with the shared SeatState digits', () => {
    for (const code of [SeatState.held, SeatState.sold, SeatState.blocked] as const) {
      const v = encodeSeat(code, 'ref');
      expect(v).toBe(`${code}:ref`);
      expect(decodeSeatState(v)).toBe(code);
      expect(decodeTakenSeat(v)).toEqual({ state: seatStateName(code), ref: 'ref' });
    }
    expect([0, 1, 2, 3].map((c) => seatStateChar(c as 0))).toEqual(['0', '1', '2', '3']);
    expect(Object.values(SeatState).map(countLetter)).toEqual(['a', 'h', 's', 'b']);
  });

  it('the Lua scripts use the same digits', () => {
    const common = readFileSync(new URL('./lua/include/common.lua', import.meta.url), 'utf8');
    const m = /^local SEAT_FREE, SEAT_HELD, SEAT_SOLD, SEAT_BLOCKED = (\d), (\d), (\d), (\d)$/m.exec(common);
    expect(m?.slice(1).map(Number)).toEqual([
      SeatState.free,
      SeatState.held,
      SeatState.sold,
      SeatState.blocked,
    ]);
  });
});

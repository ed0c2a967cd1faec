import { describe, expect, it } from 'vitest';
import {
  BLOCKED,
  decodeInto,
  decodeStates,
  encodeStates,
  FREE,
  HELD,
  labelPermutation,
  SOLD,
  UNKNOWN,
} from './states.ts';

describe('seat-state decoding', () => {
  it('decodes one char per seat', () => {
    expect(Array.from(decodeStates('0123'))).toEqual([FREE, HELD, SOLD, BLOCKED]);
  });

  it('decodes an unexpected char as unknown instead of throwing', () => {
    expect(Array.from(decodeStates('0x2'))).toEqual([FREE, UNKNOWN, SOLD]);
  });

  it('round-trips through encodeStates', () => {
    expect(encodeStates(decodeStates('3210012'))).toBe('3210012');
  });

  it('maps the server label order onto model indices and reports only changed seats', () => {
    const byLabel = new Map([
      ['A-1', 0],
      ['A-2', 1],
      ['A-3', 2],
    ]);
    const perm = labelPermutation(byLabel, ['A-3', 'NOPE', 'A-1', 'A-2']);
    expect(Array.from(perm)).toEqual([2, -1, 0, 1]);
    const states = new Uint8Array([FREE, FREE, FREE]);
    const changed: number[] = [];
    decodeInto('1300', perm, states, changed);
    expect(Array.from(states)).toEqual([FREE, FREE, HELD]);
    expect(changed).toEqual([2]);
  });

  it('ignores a state string shorter than the label list', () => {
    const perm = labelPermutation(
      new Map([
        ['a', 0],
        ['b', 1],
      ]),
      ['a', 'b'],
    );
    const states = new Uint8Array([UNKNOWN, UNKNOWN]);
    decodeInto('2', perm, states, []);
    expect(Array.from(states)).toEqual([SOLD, UNKNOWN]);
  });
});

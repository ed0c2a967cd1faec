import { describe, expect, it } from 'vitest';
import { errorCodes, errorMessages, errorStatus, nulBytePath } from './errors.ts';

describe('nulBytePath', () => {
  it('names where a NUL is: in a string, an array item, a nested field, a key', () => {
    expect(nulBytePath('a\u0000')).toBe('(body)');
    expect(nulBytePath({ a: 'x', b: ['ok', 'n\u0000'] })).toBe('b.1');
    expect(nulBytePath({ a: { b: { c: '\u0000' } } })).toBe('a.b.c');
    expect(nulBytePath({ ['k\u0000']: 1 })).toBe('k\u0000');
    expect(nulBytePath({ a: 'x', b: [1, true, null, { c: 'fine' }] })).toBeNull();
  });

  it('walks any depth without overflowing the stack', () => {
    let deep: unknown = 'bottom\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(nulBytePath(deep)).toMatch(/^0(\.0)*$/);
  });
});

describe('the error catalogue', () => {
  it('has a status and a message for unavailable (a store is down: 503, try again)', () => {
    expect(errorCodes).toContain('unavailable');
    expect(errorStatus.unavailable).toBe(503);
    expect(errorMessages.unavailable).toMatch(/try again/i);
  });
});

import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalToMinor, formatMoney, minorToDecimal } from './money.ts';

describe('currencyExponent', () => {
  it('knows the ISO 4217 minor unit of each currency', () => {
    expect(currencyExponent('EUR')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
  });

  it('refuses a malformed code', () => {
    expect(() => currencyExponent('euro')).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  it('formats minor units of each currency for the given locale', () => {
    expect(formatMoney(1250, 'EUR', 'en-GB')).toBe('€12.50');
    expect(formatMoney(1250, 'JPY', 'en-GB')).toBe('JP¥1,250');
    expect(formatMoney(1250, 'KWD', 'en-GB')).toBe('KWD\u00a01.250');
    expect(formatMoney(1250, 'EUR', 'de-DE')).toBe('12,50\u00a0€');
  });

  it('formats negative amounts', () => {
    expect(formatMoney(-5, 'EUR', 'en-GB')).toBe('-€0.05');
    expect(formatMoney(-1, 'KWD', 'en-GB')).toBe('-KWD\u00a00.001');
  });

  it('is exact for the largest safe amounts, where dividing a float by 100 is not', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR', 'en-GB')).toBe('€90,071,992,547,409.91');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'JPY', 'en-GB')).toBe('JP¥9,007,199,254,740,991');
  });

  it('falls back to plain text for an unknown code', () => {
    expect(formatMoney(100, 'nope')).toBe('100 nope');
  });
});

describe('minorToDecimal / decimalToMinor', () => {
  it('round-trips exactly per currency', () => {
    expect(minorToDecimal(1230, 'EUR')).toBe('12.30');
    expect(minorToDecimal(5, 'EUR')).toBe('0.05');
    expect(minorToDecimal(1230, 'JPY')).toBe('1230');
    expect(minorToDecimal(-5, 'KWD')).toBe('-0.005');
    for (const [minor, cur] of [
      [1230, 'EUR'],
      [7, 'KWD'],
      [99, 'JPY'],
    ] as const)
      expect(decimalToMinor(minorToDecimal(minor, cur), cur)).toBe(minor);
  });

  it('parses typed amounts without float error', () => {
    expect(decimalToMinor('12.3', 'EUR')).toBe(1230);
    expect(decimalToMinor('0.29', 'EUR')).toBe(29);
    expect(decimalToMinor('12,30', 'EUR')).toBe(1230);
    expect(decimalToMinor(' 1200 ', 'JPY')).toBe(1200);
    expect(decimalToMinor('1.234', 'KWD')).toBe(1234);
  });

  it('rejects what is not a plain amount in that currency', () => {
    for (const t of ['', '-3', '1e3', '12.345', 'abc', '1.2.3']) expect(decimalToMinor(t, 'EUR')).toBeNull();
    expect(decimalToMinor('12.5', 'JPY')).toBeNull();
    expect(decimalToMinor('99999999999999999', 'EUR')).toBeNull();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { formatCountdown, formatCountdownWords, noteServerDate, serverNow } from './time.ts';

describe('countdown formatting', () => {
  it.each([
    [0, '0:00'],
    [-5000, '0:00'],
    [Number.NaN, '0:00'],
    [1, '0:01'],
    [999, '0:01'],
    [1000, '0:01'],
    [1001, '0:02'],
    [59_000, '0:59'],
    [60_000, '1:00'],
    [14 * 60_000 + 59_000, '14:59'],
    [3_600_000, '1:00:00'],
    [3_723_000, '1:02:03'],
    [86_400_000 * 3 + 4 * 3_600_000 + 5 * 60_000 + 6000, '3d 04:05:06'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });

  it('says it in words for screen readers, two units at most', () => {
    expect(formatCountdownWords(247_000)).toBe('4 minutes 7 seconds');
    expect(formatCountdownWords(60_000)).toBe('1 minute');
    expect(formatCountdownWords(90_061_000)).toBe('1 day 1 hour');
    expect(formatCountdownWords(0)).toBe('0 seconds');
  });
});

describe('server clock', () => {
  afterEach(() => noteServerDate(new Date().toUTCString()));

  it('follows the server when the device clock is off by more than 2 s', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-21T12:00:00Z') });
    noteServerDate('Sat, 21 Nov 2026 12:05:00 GMT');
    expect(serverNow()).toBe(Date.parse('2026-11-21T12:05:00Z'));
    noteServerDate('Sat, 21 Nov 2026 12:00:01 GMT');
    expect(serverNow()).toBe(Date.parse('2026-11-21T12:00:00Z'));
    vi.useRealTimers();
  });
});

import { describe, expect, it } from 'vitest';
import { helpText, parseOptions, redact, UsageError } from './options.ts';

describe('options', () => {
  it('has defaults for everything but the crowd size and target', () => {
    const o = parseOptions(['--url', 'http://127.0.0.1:3300/', '--buyers', '500', '--out', 'x']);
    if (o === 'help') throw new Error('help');
    expect(o.url).toBe('http://127.0.0.1:3300');
    expect(o.buyers).toBe(500);
    expect(o.showtime).toBe('flash-sale');
    expect(o.spike).toBe(8);
    expect(o.intents.pay).toBeGreaterThan(0.5);
    expect(o.sources).toBe('auto');
  });

  it('refuses bad input with a usage error', () => {
    expect(() => parseOptions(['--buyers', 'many'])).toThrow(UsageError);
    expect(() => parseOptions(['--pick', 'random'])).toThrow(UsageError);
    expect(() => parseOptions(['--mix', 'pay=0'])).toThrow(UsageError);
    expect(() => parseOptions(['--nope'])).toThrow(UsageError);
    expect(() => parseOptions(['--url', 'not a url'])).toThrow(UsageError);
  });

  it('documents every flag it accepts in --help', () => {
    expect(parseOptions(['--help'])).toBe('help');
    const help = helpText();
    for (const flag of [
      '--url',
      '--buyers',
      '--out',
      '--showtime',
      '--setup',
      '--token',
      '--pids',
      '--mix',
      '--cards',
      '--sockets',
    ])
      expect(help).toContain(flag);
  });

  it('keeps secrets out of the command line shown in the report', () => {
    expect(redact(['--token', 'srt_secret', '--staff-password=pw', '--buyers', '5'])).toEqual([
      '--token',
      '***',
      '--staff-password=***',
      '--buyers',
      '5',
    ]);
  });
});

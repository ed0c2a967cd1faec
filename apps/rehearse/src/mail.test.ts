import { describe, expect, it } from 'vitest';
import { codeFor } from './mail.ts';

describe('codes from caught mail', () => {
  const mails = [
    {
      to: ['b2@x.test'],
      subject: 'Your Seatrush code: 222222',
      text: 'Your code is 222222',
      at: '2026-01-01T00:00:10Z',
    },
    {
      to: ['b1@x.test'],
      subject: 'Your Seatrush code: 111111',
      text: 'Your code is 111111',
      at: '2026-01-01T00:00:05Z',
    },
    { to: ['b1@x.test'], subject: 'Your Seatrush code: 000000', text: 'old', at: '2026-01-01T00:00:00Z' },
  ];
  it('takes the newest code to that address since the request', () => {
    expect(codeFor(mails, 'b1@x.test', Date.parse('2026-01-01T00:00:04Z'))).toBe('111111');
    expect(codeFor(mails, 'b3@x.test', 0)).toBeNull();
    expect(codeFor(mails, 'b1@x.test', Date.parse('2026-01-01T00:00:20Z'))).toBeNull();
  });
});

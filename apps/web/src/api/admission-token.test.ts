import { afterEach, describe, expect, it, vi } from 'vitest';
import type { QueueStatus } from '@seatrush/shared';
import { admissionHeader, admissionToken, remember } from './admission-token.ts';

const status = (showtimeId: string, admission: QueueStatus['admission']): QueueStatus => ({
  showtimeId,
  state: 'open',
  paused: false,
  soldOut: false,
  status: admission ? 'admitted' : 'waiting',
  position: admission ? null : 3,
  place: admission ? null : 3,
  waiting: 10,
  etaSeconds: admission ? null : 20,
  likelySoldOut: false,
  ticketsLeft: 50,
  admittedPerMinute: 10,
  admission,
});

afterEach(() => {
  sessionStorage.clear();
  vi.useRealTimers();
});

describe('the admission token kept for hold calls', () => {
  it('is sent as X-Admission-Token for its showtime only, while its window is open', () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-07T12:00:00Z') });
    expect(admissionHeader('st1')).toEqual({});
    remember(status('st1', null));
    expect(admissionHeader('st1')).toEqual({});
    remember(status('st1', { token: 'wr1.st1.b.1', expiresAt: '2026-12-07T12:10:00.000Z' }));
    expect(admissionHeader('st1')).toEqual({ 'X-Admission-Token': 'wr1.st1.b.1' });
    expect(admissionHeader('st2')).toEqual({});
    vi.setSystemTime(Date.parse('2026-12-07T12:10:00Z'));
    expect(admissionToken('st1')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { OfflineTicketList } from '@seatrush/shared';
import { loadOffline, normaliseScan, saveOffline, scanOffline, startOffline } from './offline.ts';

const ticket = (code: string, extra: Partial<OfflineTicketList['tickets'][number]> = {}) => ({
  payload: `SR1.${code}.st_1.sig${code}`,
  ticketCode: code,
  orderCode: 'K7Q2-9XPM',
  label: `A-1-${code.slice(-1)}`,
  category: 'std',
  refused: null,
  checkIn: null,
  ...extra,
});

const list: OfflineTicketList = {
  showtimeId: 'st_1',
  eventName: 'Show',
  startsAt: '2026-12-24T19:00:00.000Z',
  generatedAt: '2026-12-24T18:00:00.000Z',
  tickets: [
    ticket('AAAAAAAAAAA1'),
    ticket('AAAAAAAAAAA2', { refused: 'refunded' }),
    ticket('AAAAAAAAAAA3', {
      checkIn: { at: '2026-12-24T18:30:00.000Z', device: 'Gate B', by: 'Ann', offline: false },
    }),
  ],
};
const t0 = new Date('2026-12-24T18:45:00.000Z');

describe('offline scanning', () => {
  it('admits a listed ticket once, by payload or typed code, and queues every scan for upload', () => {
    let s = startOffline(list);
    const first = scanOffline(s, 'SR1.AAAAAAAAAAA1.st_1.sigAAAAAAAAAAA1', 'Gate A', t0);
    expect(first.decision).toMatchObject({ outcome: 'accepted', ticket: { label: 'A-1-1' } });
    s = first.state;
    const again = scanOffline(s, 'aaaa aaaa aaa1', 'Gate A', new Date(t0.getTime() + 1000));
    expect(again.decision).toMatchObject({ outcome: 'duplicate', first: { at: t0.toISOString() } });
    expect(again.state.queue).toEqual([
      { payload: 'SR1.AAAAAAAAAAA1.st_1.sigAAAAAAAAAAA1', scannedAt: t0.toISOString() },
      {
        payload: 'SR1.AAAAAAAAAAA1.st_1.sigAAAAAAAAAAA1',
        scannedAt: new Date(t0.getTime() + 1000).toISOString(),
      },
    ]);
  });

  it('refuses refunded, unknown and forged codes; knows what the server had scanned before the download', () => {
    const s = startOffline(list);
    expect(scanOffline(s, 'SR1.AAAAAAAAAAA2.st_1.sigAAAAAAAAAAA2', 'G', t0).decision).toMatchObject({
      outcome: 'refused',
      reason: 'refunded',
    });
    expect(scanOffline(s, 'SR1.AAAAAAAAAAA1.st_1.forged', 'G', t0).decision).toMatchObject({
      outcome: 'refused',
      reason: 'invalid',
    });
    expect(scanOffline(s, 'AAAAAAAAAAA3', 'G', t0).decision).toMatchObject({
      outcome: 'duplicate',
      first: { device: 'Gate B', by: 'Ann' },
    });
    expect(normaliseScan(' ab-cd ef ')).toBe('ABCDEF');
    // A typed code may start with "SR"; only `SR<n>.` is a QR payload.
    expect(normaliseScan('sr12 3456 789a')).toBe('SR123456789A');
    expect(normaliseScan('SR1.abc.st.sig')).toBe('SR1.abc.st.sig');
  });

  it('survives a reload through storage', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    } as unknown as Storage;
    const s = scanOffline(startOffline(list), 'AAAAAAAAAAA1', 'G', t0).state;
    saveOffline(storage, s);
    expect(loadOffline(storage)).toEqual(s);
    saveOffline(storage, null);
    expect(loadOffline(storage)).toBeNull();
  });
});

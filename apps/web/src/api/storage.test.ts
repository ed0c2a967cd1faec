import { afterEach, describe, expect, it } from 'vitest';
import { holdsSnapshot, onHoldsChanged, saveHold } from './storage.ts';
import type { StoredHold } from './types.ts';

const hold = (holdId: string, expiresAt: number): StoredHold => ({
  holdId,
  holdToken: `token-${holdId}`,
  showtimeId: 'st1',
  expiresAt: new Date(expiresAt).toISOString(),
  items: [{ kind: 'seat', seat: 'STALLS-A-1', category: 'standard', priceCents: 4000 }],
  totalCents: 4000,
  currency: 'EUR',
  replayed: false,
});

/** Issue 17: a hold belongs to the browser (every tab), not to the tab that made it. */
describe('hold storage', () => {
  afterEach(() => localStorage.clear());

  it('keeps holds where every tab of the browser reads them, and drops ones ended a day ago', () => {
    saveHold(hold('old', Date.now() - 2 * 86_400_000));
    saveHold(hold('h1', Date.now() + 600_000));
    expect(Object.keys(holdsSnapshot())).toEqual(['h1']);
    expect(sessionStorage.getItem('seatrush.holds')).toBeNull();
    expect(JSON.parse(localStorage.getItem('seatrush.holds') ?? '{}')).toHaveProperty('h1');
  });

  it('tells this tab when another tab changed the holds', () => {
    let calls = 0;
    const stop = onHoldsChanged(() => calls++);
    localStorage.setItem('seatrush.holds', JSON.stringify({ h2: hold('h2', Date.now() + 600_000) }));
    window.dispatchEvent(new StorageEvent('storage', { key: 'seatrush.holds' }));
    stop();
    expect(calls).toBe(1);
    expect(Object.keys(holdsSnapshot())).toEqual(['h2']);
  });
});

import { describe, expect, it } from 'vitest';
import type { StoredHold } from '../api/index.ts';
import { initialPickerState, pickerReducer, type PickerState } from './picker-state.ts';

const hold = (over: Partial<StoredHold> = {}): StoredHold =>
  ({
    holdId: 'h1',
    holdToken: 't',
    showtimeId: 'st1',
    expiresAt: '2026-01-01T00:10:00Z',
    items: [{ kind: 'seat', seat: 'A-1', category: 'std', priceCents: 1000 }],
    totalCents: 1000,
    currency: 'EUR',
    ...over,
  }) as StoredHold;

const serverHold = (holdId: string) =>
  ({
    holdId,
    seats: ['A-2'],
    quantity: 0,
    expiresAt: '2026-01-01T00:10:00Z',
  }) as unknown as PickerState['serverHolds'][number];

describe('pickerReducer', () => {
  it('follows the live link: connecting → live → reconnecting with the refusal kept', () => {
    let s = initialPickerState;
    expect(s.connection).toBe('connecting');
    s = pickerReducer(s, { type: 'connection', status: 'live', error: null });
    expect(s).toMatchObject({ connection: 'live', feedError: null });
    const refusal = { code: 'sale_not_open' } as never;
    s = pickerReducer(s, { type: 'connection', status: 'reconnecting', error: refusal });
    expect(s).toMatchObject({ connection: 'reconnecting', feedError: refusal });
  });

  it('asks for an e-mail with the hold it will make, and forgets it once answered', () => {
    const pending = { seats: ['A-1'] };
    let s = pickerReducer(initialPickerState, { type: 'ask-email', pending });
    expect(s.askingEmail).toBe(pending);
    s = pickerReducer(s, { type: 'email-answered' });
    expect(s.askingEmail).toBeNull();
  });

  it('asks for proof of the e-mail with the hold it will make, and forgets it once answered', () => {
    const pending = { zone: 'floor', quantity: 2 };
    let s = pickerReducer(initialPickerState, { type: 'ask-verification', pending });
    expect(s.askingVerification).toBe(pending);
    expect(s.askingEmail).toBeNull();
    s = pickerReducer(s, { type: 'verification-answered' });
    expect(s.askingVerification).toBeNull();
  });

  it('opens the ended dialog when the server ends a hold, and drops it from the server list', () => {
    let s = pickerReducer(initialPickerState, {
      type: 'server-holds',
      holds: [serverHold('h1'), serverHold('h2')],
    });
    s = pickerReducer(s, { type: 'hold-ended', holdId: 'h1', reason: 'released', hold: hold() });
    expect(s.ended).toEqual({ reason: 'released', hold: hold() });
    expect(s.serverHolds.map((h) => h.holdId)).toEqual(['h2']);
  });

  it('stays silent about a release this tab asked for', () => {
    const s = pickerReducer(initialPickerState, {
      type: 'hold-ended',
      holdId: 'h1',
      reason: 'released',
      hold: hold(),
      silent: true,
    });
    expect(s.ended).toBeNull();
  });

  it("keeps the tab's own expiry dialog when the server's fact arrives after it", () => {
    let s = pickerReducer(initialPickerState, { type: 'hold-expired', hold: hold() });
    expect(s.ended).toEqual({ reason: 'expired', hold: hold() });
    s = pickerReducer(s, { type: 'hold-ended', holdId: 'h1', reason: 'expired', hold: null });
    expect(s.ended).toEqual({ reason: 'expired', hold: hold() });
  });

  it('tells about an order under way instead of a dialog when its hold runs out', () => {
    const s = pickerReducer(initialPickerState, {
      type: 'hold-expired',
      hold: hold({ orderCode: 'K7Q2-9XPM' }),
    });
    expect(s.ended).toBeNull();
    expect(s.message?.text).toContain('K7Q2-9XPM');
  });

  it('is busy while a request runs and remembers where to focus', () => {
    let s = pickerReducer(initialPickerState, { type: 'busy', busy: true });
    s = pickerReducer(s, { type: 'focus', seat: 7 });
    expect(s).toMatchObject({ busy: true, focusSeat: 7 });
    s = pickerReducer(pickerReducer(s, { type: 'busy', busy: false }), { type: 'dismiss-ended' });
    expect(s.busy).toBe(false);
  });
});

describe('pickerReducer: messages about a hold', () => {
  const held = { tone: 'success' as const, text: '2 seats held for you.', holdId: 'h1' };

  it('drops "held for you" when that hold expires on this tab’s clock or ends on the server', () => {
    let s = pickerReducer(initialPickerState, { type: 'say', message: held });
    s = pickerReducer(s, { type: 'hold-expired', hold: hold() });
    expect(s.message).toBeNull();
    s = pickerReducer(pickerReducer(s, { type: 'say', message: held }), {
      type: 'hold-ended',
      holdId: 'h1',
      reason: 'expired',
      hold: null,
    });
    expect(s.message).toBeNull();
  });

  it('keeps a message about another hold', () => {
    let s = pickerReducer(initialPickerState, { type: 'say', message: { ...held, holdId: 'h2' } });
    s = pickerReducer(s, { type: 'hold-expired', hold: hold() });
    expect(s.message?.holdId).toBe('h2');
  });
});

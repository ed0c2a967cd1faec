import { describe, expect, it } from 'vitest';
import { ticketQrPayload } from '../../orders/codes.ts';
import { byName, parseScan, refusalOf } from './tickets.ts';

const SECRET = 'a-ticket-secret-0123456789';

describe('parseScan', () => {
  it('verifies QR payloads and takes typed codes as they are, even one starting with "SR"', () => {
    expect(parseScan(SECRET, ticketQrPayload(SECRET, 'ABCDEFGHJKMN', 'st_1'))).toEqual({
      ticketCode: 'ABCDEFGHJKMN',
      showtimeId: 'st_1',
    });
    expect(
      parseScan(SECRET, ticketQrPayload('another-secret-0123456789', 'ABCDEFGHJKMN', 'st_1')),
    ).toBeNull();
    expect(parseScan(SECRET, 'SR23456789AB')).toEqual({ ticketCode: 'SR23456789AB', showtimeId: null });
    expect(parseScan(SECRET, 'SHORT')).toBeNull();
    expect(parseScan(SECRET, 'abcdefghjkmn')).toBeNull(); // the route upper-cases typed codes first
  });
});

describe('refusalOf', () => {
  it('names why a ticket admits nobody', () => {
    expect(refusalOf({ itemStatus: 'active', orderStatus: 'PAID' })).toBeNull();
    expect(refusalOf({ itemStatus: 'active', orderStatus: 'PARTIALLY_REFUNDED' })).toBeNull();
    expect(refusalOf({ itemStatus: 'refunded', orderStatus: 'PARTIALLY_REFUNDED' })).toBe('refunded');
    expect(refusalOf({ itemStatus: 'active', orderStatus: 'REFUNDED' })).toBe('refunded');
    expect(refusalOf({ itemStatus: 'active', orderStatus: 'CANCELLED' })).toBe('cancelled');
    expect(refusalOf({ itemStatus: 'released', orderStatus: 'EXPIRED' })).toBe('expired');
    expect(refusalOf({ itemStatus: 'active', orderStatus: 'PENDING' })).toBe('unpaid');
    expect(refusalOf({ itemStatus: 'released', orderStatus: 'PAID' })).toBe('released');
  });

  it('says who scanned: the name, marked when it was an API token', () => {
    expect(byName('Ann Lee', 'staff:c1')).toBe('Ann Lee');
    expect(byName('Ann Lee', 'token:t1')).toBe('Ann Lee (API token)');
    expect(byName(null, 'staff:gone')).toBe('staff:gone');
  });
});

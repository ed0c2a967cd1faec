import { describe, expect, it } from 'vitest';
import { orderRowStatus, ticketCount } from './my-orders.ts';

const now = Date.UTC(2026, 10, 21, 12, 0, 0);
const at = (ms: number) => new Date(now + ms).toISOString();

describe('a row of "My orders"', () => {
  it('shows a PENDING order as waiting for payment until its deadline, with the deadline', () => {
    expect(orderRowStatus({ status: 'PENDING', expiresAt: at(60_000) }, now)).toEqual({
      text: 'Waiting for payment',
      className: 'status-pending',
      payBy: at(60_000),
    });
  });

  it('shows a PENDING order past its deadline (or without one) as expired', () => {
    for (const expiresAt of [at(0), at(-1), null, 'not a date'])
      expect(orderRowStatus({ status: 'PENDING', expiresAt }, now)).toEqual({
        text: 'Expired',
        className: 'status-expired',
        payBy: null,
      });
  });

  it('names the other states with their status class and no deadline', () => {
    expect(orderRowStatus({ status: 'PAID', expiresAt: null }, now)).toEqual({
      text: 'Paid',
      className: 'status-paid',
      payBy: null,
    });
    expect(orderRowStatus({ status: 'PARTIALLY_REFUNDED', expiresAt: null }, now)).toMatchObject({
      text: 'Partly refunded',
      className: 'status-partially_refunded',
    });
    expect(orderRowStatus({ status: 'CANCELLED', expiresAt: at(60_000) }, now).payBy).toBeNull();
  });

  it('counts tickets in words', () => {
    expect(ticketCount(1)).toBe('1 ticket');
    expect(ticketCount(3)).toBe('3 tickets');
  });
});

import type { BuyerOrderSummaryDto, OrderStatusName } from '../api/index.ts';

/** Short status words for a row of "My orders" (the order page has the long ones). */
const statusText: Record<OrderStatusName, string> = {
  PENDING: 'Waiting for payment',
  PAID: 'Paid',
  EXPIRED: 'Expired',
  CANCELLED: 'Cancelled',
  PARTIALLY_REFUNDED: 'Partly refunded',
  REFUNDED: 'Refunded',
};

/**
 * What a row of "My orders" says about the order's state, and its `status-*` class. A PENDING order whose
 * deadline has passed is shown as expired: the hold is over even if the expiry job has not run yet.
 */
export function orderRowStatus(
  o: Pick<BuyerOrderSummaryDto, 'status' | 'expiresAt'>,
  now: number,
): { text: string; className: string; payBy: string | null } {
  if (o.status === 'PENDING') {
    const deadline = o.expiresAt ? Date.parse(o.expiresAt) : Number.NaN;
    if (!(deadline > now)) return { text: statusText.EXPIRED, className: 'status-expired', payBy: null };
    return { text: statusText.PENDING, className: 'status-pending', payBy: o.expiresAt };
  }
  return { text: statusText[o.status], className: `status-${o.status.toLowerCase()}`, payBy: null };
}

export function ticketCount(n: number): string {
  return `${n} ${n === 1 ? 'ticket' : 'tickets'}`;
}

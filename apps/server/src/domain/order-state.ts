import type { OrderStatusName } from '@seatrush/shared';
import { defineMachine } from './machine.ts';

export type OrderAction = 'pay' | 'expire' | 'cancel' | 'reclaim' | 'refund_partially' | 'refund_fully';

/**
 * An order's life (after pretix):
 *
 *   PENDING --pay--> PAID --refund_partially--> PARTIALLY_REFUNDED --refund_fully--> REFUNDED
 *   PENDING --expire--> EXPIRED --reclaim--> PAID      (a late payment got the very same seats back)
 *   PENDING --cancel--> CANCELLED                       (the buyer released the hold)
 *   PAID --refund_fully--> REFUNDED
 *
 * EXPIRED, CANCELLED and REFUNDED are final except for `reclaim`. A payment that lands on a CANCELLED order is
 * refunded, never reclaimed: the buyer said no.
 */
export const orderMachine = defineMachine<OrderStatusName, OrderAction>(
  'order',
  {
    pay: { from: ['PENDING'], to: 'PAID' },
    expire: { from: ['PENDING'], to: 'EXPIRED' },
    cancel: { from: ['PENDING'], to: 'CANCELLED' },
    reclaim: { from: ['EXPIRED'], to: 'PAID' },
    refund_partially: { from: ['PAID', 'PARTIALLY_REFUNDED'], to: 'PARTIALLY_REFUNDED' },
    refund_fully: { from: ['PAID', 'PARTIALLY_REFUNDED'], to: 'REFUNDED' },
  },
  {
    pay: 'order.paid',
    expire: 'order.expired',
    cancel: 'order.cancelled',
    reclaim: 'order.reclaimed',
    refund_partially: 'order.partially_refunded',
    refund_fully: 'order.refunded',
  },
);

/** Orders whose seats count as taken in PostgreSQL (SeatClaim rows, ZoneInventory.claimed). */
export const liveOrderStatuses: readonly OrderStatusName[] = ['PENDING', 'PAID', 'PARTIALLY_REFUNDED'];

/** Orders that hold valid tickets. */
export const ticketedOrderStatuses: readonly OrderStatusName[] = ['PAID', 'PARTIALLY_REFUNDED'];

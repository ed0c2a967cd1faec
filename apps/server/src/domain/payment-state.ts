import type { PaymentStatusName } from '@seatrush/shared';
import { defineMachine } from './machine.ts';

export type PaymentAction =
  'start' | 'confirm' | 'fail' | 'cancel' | 'refund' | 'dispute' | 'win_dispute' | 'lose_dispute';

/**
 * A payment attempt's life (after pretix's OrderPayment):
 *
 *   created --start--> pending
 *   created | pending --fail--> failed          (declined; the buyer may try again while the hold lasts)
 *   created | pending --cancel--> canceled      (the order went away before the buyer paid)
 *   created | pending | failed | canceled --confirm--> confirmed
 *   confirmed --refund--> refunded              (every cent of it was refunded)
 *   confirmed | refunded --dispute--> disputed  (a chargeback: the bank holds the money back)
 *   disputed --win_dispute--> confirmed         (the shop won: the money is ours again)
 *   disputed --lose_dispute--> disputed         (the bank kept the money: recorded, the state stays)
 *
 * `confirm` is allowed from failed and canceled because captured money is a fact reported by the provider: a
 * success that arrives after a decline (a retry on the same payment page) or after we gave up on the payment
 * must be recorded, then turned into tickets or a refund. The reverse is not allowed: a `payment.failed` that
 * arrives after `payment.succeeded` (webhooks come out of order) is stale and must not undo it.
 */
export const paymentMachine = defineMachine<PaymentStatusName, PaymentAction>(
  'payment',
  {
    start: { from: ['created'], to: 'pending' },
    confirm: { from: ['created', 'pending', 'failed', 'canceled'], to: 'confirmed' },
    fail: { from: ['created', 'pending'], to: 'failed' },
    cancel: { from: ['created', 'pending'], to: 'canceled' },
    refund: { from: ['confirmed'], to: 'refunded' },
    dispute: { from: ['confirmed', 'refunded'], to: 'disputed' },
    win_dispute: { from: ['disputed'], to: 'confirmed' },
    lose_dispute: { from: ['disputed'], to: 'disputed' },
  },
  {
    start: 'payment.pending',
    confirm: 'payment.confirmed',
    fail: 'payment.failed',
    cancel: 'payment.canceled',
    refund: 'payment.refunded',
    dispute: 'payment.disputed',
    win_dispute: 'payment.dispute_won',
    lose_dispute: 'payment.dispute_lost',
  },
);

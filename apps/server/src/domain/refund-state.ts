import type { RefundStatusName } from '@seatrush/shared';
import { defineMachine } from './machine.ts';

export type RefundAction = 'send' | 'complete' | 'fail' | 'retry' | 'cancel';

/**
 * A refund's life (after pretix's OrderRefund):
 *
 *   created --send--> transit --complete--> done
 *                     transit --fail--> failed --retry--> transit   (staff ask the provider again)
 *   created --cancel--> canceled
 *
 * `transit` is recorded before the provider is called, so a crash in between leaves a refund that the refund
 * sweeper sends again (the provider call is idempotent on the refund id and attempt). The order and its items
 * change only on `done`: a refund the provider refuses leaves the order paid and its tickets valid.
 */
export const refundMachine = defineMachine<RefundStatusName, RefundAction>(
  'refund',
  {
    send: { from: ['created'], to: 'transit' },
    complete: { from: ['transit'], to: 'done' },
    fail: { from: ['transit'], to: 'failed' },
    retry: { from: ['failed'], to: 'transit' },
    cancel: { from: ['created'], to: 'canceled' },
  },
  {
    send: 'refund.sent',
    complete: 'refund.done',
    fail: 'refund.failed',
    retry: 'refund.retried',
    cancel: 'refund.canceled',
  },
);

import type { StaffOrderDetailDto } from '@seatrush/shared';
import type { Actor } from '../../audit/audit.ts';
import type { PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import type { Logger } from '../../observability/logger.ts';
import type { OrdersCore } from '../../orders/core.ts';
import { unscheduleExpiry } from '../../orders/expiry.ts';
import { cancelOrder } from '../../orders/lifecycle.ts';
import { findOrder, staffOrderDetail } from '../../orders/views.ts';

/**
 * Staff cancel a PENDING order: its hold is released (seats back on sale at once, through the release script),
 * the order becomes CANCELLED and any open payment is cancelled at the provider.
 * Errors: `not_found`, `invalid_transition` (not pending).
 */
export async function cancelPendingOrder(
  deps: { prisma: PrismaClient; inventory: Inventory; orders: OrdersCore; logger: Logger },
  code: string,
  actor: Actor,
): Promise<StaffOrderDetailDto> {
  const o = await deps.prisma.order.findUnique({
    where: { code },
    select: { id: true, holdId: true, status: true },
  });
  if (!o) throw new DomainError('not_found', 'No such order.');
  if (o.status !== 'PENDING')
    throw new DomainError(
      'invalid_transition',
      `An order that is ${o.status} cannot be cancelled; refund it instead.`,
    );
  try {
    await deps.inventory.release(o.holdId, deps.inventory.tokenFor(o.holdId));
  } catch (e) {
    // Already expired or released: the order still goes to CANCELLED (or is already past PENDING, below).
    if (!(e instanceof DomainError && ['hold_expired', 'hold_not_found', 'sale_not_open'].includes(e.code)))
      throw e;
  }
  const r = await cancelOrder(deps.prisma, o.holdId, actor);
  if (r.outcome === 'unchanged') {
    const now = await deps.prisma.order.findUniqueOrThrow({ where: { id: o.id }, select: { status: true } });
    if (now.status !== 'CANCELLED')
      throw new DomainError('invalid_transition', `The order became ${now.status} meanwhile.`);
  }
  for (const p of r.canceledPayments)
    await deps.orders.provider.cancel(p.providerRef).catch((err: unknown) => {
      deps.logger.warn({ err, paymentId: p.id }, 'could not cancel the payment at the provider');
    });
  await unscheduleExpiry(deps.orders, o.holdId);
  const full = await findOrder(deps.prisma, { id: o.id });
  if (!full) throw new DomainError('not_found');
  return staffOrderDetail(deps.prisma, full, deps.orders.config.ticketSigningSecret, deps.orders.now());
}

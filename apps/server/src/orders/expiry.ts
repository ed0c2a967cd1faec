import { DomainError } from '../domain/errors.ts';
import type { OrdersCore } from './core.ts';
import { cancelOrder, expireOrders } from './lifecycle.ts';

/** `paid`: the provider had captured the hold's payment, and it was applied instead of the expiry. */
export type ExpiryOutcome = 'expired' | 'not_due' | 'gone' | 'confirmed' | 'released' | 'paid';

/** Why an ended hold ended: 'e' expired, 'r' released, null when the inventory no longer remembers. */
async function endedReasons(core: OrdersCore, holdIds: string[]): Promise<Array<'e' | 'r' | null>> {
  if (holdIds.length === 0) return [];
  const endings = await core.inventory.holdEndings(holdIds);
  return endings.map((e) => (e === 'expired' ? 'e' : e === 'released' ? 'r' : null));
}

/**
 * Closes the payment window of these holds: the expire script returns their items to sale (only when due and
 * unpaid — atomic against a payment's confirm), then ONE transaction makes their orders EXPIRED and gives up their
 * claims. Holds already ended in Redis (by a sweep, by the hold script's inline expiry, or released by the buyer)
 * get their PostgreSQL side done too: expired → EXPIRED, released → CANCELLED. Idempotent.
 */
export async function closePaymentWindows(
  core: OrdersCore,
  holdIds: string[],
): Promise<Map<string, ExpiryOutcome>> {
  const out = new Map<string, ExpiryOutcome>();
  const outcomes = await Promise.all(holdIds.map((id) => core.inventory.expire(id)));
  const gone = holdIds.filter((_, i) => outcomes[i] === 'gone');
  const reasons = await endedReasons(core, gone);
  const released = new Set(gone.filter((_, i) => reasons[i] === 'r'));
  const toExpire: string[] = [];
  holdIds.forEach((id, i) => {
    const o = outcomes[i]!;
    if (released.has(id)) out.set(id, 'released');
    else out.set(id, o);
    if (o === 'expired' || (o === 'gone' && !released.has(id))) toExpire.push(id);
  });
  await finishExpired(core, toExpire);
  for (const id of released) {
    const r = await cancelOrder(core.prisma, id, 'system');
    for (const p of r.canceledPayments) void cancelAtProvider(core, p.providerRef);
  }
  return out;
}

/** The PostgreSQL half of expiries the inventory has already done. */
export async function finishExpired(core: OrdersCore, holdIds: string[]): Promise<number> {
  if (holdIds.length === 0) return 0;
  const expired = await expireOrders(core.prisma, holdIds);
  const now = core.now();
  for (const o of expired) {
    core.om.expiryLateness.observe(Math.max(0, now - o.expiresAt.getTime()) / 1000);
    for (const p of o.canceledPayments) void cancelAtProvider(core, p.providerRef);
  }
  if (expired.length) core.om.orders.inc({ outcome: 'expired' }, expired.length);
  return expired.length;
}

async function cancelAtProvider(core: OrdersCore, providerRef: string): Promise<void> {
  try {
    await core.provider.cancel(providerRef);
  } catch (err) {
    core.logger.warn({ err, providerRef }, 'could not cancel payment at the provider');
  }
}

/**
 * How long before a paying hold's deadline its expiry job runs: time to ask the provider about the payment and,
 * while it is in flight, extend the hold while it is still valid (an expired hold is never revived).
 */
export const PAYMENT_CHECK_AHEAD_MS = 5000;

/** When the expiry job of a hold with this deadline runs next: ahead of it, or at it once that has passed. */
export const expiryJobAt = (expiresAt: number, now: number) =>
  expiresAt - PAYMENT_CHECK_AHEAD_MS > now ? expiresAt - PAYMENT_CHECK_AHEAD_MS : expiresAt;

/**
 * Moves the hold's expiry job to just ahead of its (new) deadline (`expiryJobAt`), or creates it. Called when
 * checkout extends a hold and when a payment in flight does; the job itself also re-delays when it fires early,
 * so this is an optimisation, not a guarantee.
 */
export async function scheduleExpiry(
  core: OrdersCore,
  holdId: string,
  showtimeId: string,
  expiresAt: number,
) {
  const delay = Math.max(0, expiryJobAt(expiresAt, core.now()) - core.now());
  try {
    const job = await core.queues.expiry.getJob(holdId);
    if (job && (await job.isDelayed())) await job.changeDelay(delay);
    else if (!job) await core.queues.expiry.add('expire', { holdId, showtimeId }, { jobId: holdId, delay });
  } catch (err) {
    core.logger.warn({ err, holdId }, 'could not reschedule the expiry job');
  }
}

/** The hold was paid: its expiry job has nothing left to do. */
export async function unscheduleExpiry(core: OrdersCore, holdId: string): Promise<void> {
  try {
    await core.queues.expiry.remove(holdId);
  } catch {
    // Active or locked: it will find the hold confirmed and do nothing.
  }
}

/**
 * The provider says the hold's payment is still in flight: push the hold's deadline back by one step
 * (config.paymentPending), within the bound — in the inventory, on the order row and for the expiry job. Returns
 * the new deadline, or null when the hold cannot be extended (bound used up, already expired, paid or gone).
 */
export async function extendWhilePaying(
  core: OrdersCore,
  holdId: string,
  showtimeId: string,
): Promise<number | null> {
  const { extensionSeconds, maxSeconds } = core.config.paymentPending;
  let expiresAt: number;
  try {
    ({ expiresAt } = await core.inventory.extendForPayment(holdId, extensionSeconds, maxSeconds));
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
  await core.prisma.order.updateMany({
    where: { holdId, status: 'PENDING' },
    data: { expiresAt: new Date(expiresAt) },
  });
  await scheduleExpiry(core, holdId, showtimeId, expiresAt);
  core.om.orders.inc({ outcome: 'extended_payment_pending' });
  core.logger.info({ holdId, expiresAt }, 'payment still in flight at the provider: hold extended');
  return expiresAt;
}

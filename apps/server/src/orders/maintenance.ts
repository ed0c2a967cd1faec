import type { HoldRecord } from '../domain/hold.ts';
import type { OrdersCore } from './core.ts';
import { closePaymentWindows, type ExpiryOutcome } from './expiry.ts';
import { holdsWithOrders as known } from './persist.ts';

/**
 * The sweeper (a repeatable job, every EXPIRY_SWEEP_INTERVAL_MS, half a second by default): ends the payment window
 * of due holds in batches — the only expiry of a hold nobody started paying for (a hold whose payment started has
 * its own delayed job, ahead of its deadline: checkout).
 * 1. Redis side: holds past due in each loaded showtime are closed (`close`: the worker's asks the provider about
 *    payments in flight first) — the expire script ends them and their orders become EXPIRED — this is what
 *    bounds expiry lateness, also when workers were down or delayed jobs were lost.
 * 2. PostgreSQL side: orders still PENDING a little after their deadline (the PostgreSQL half of an expiry
 *    failed, or Redis lost the hold) are closed through the same path.
 * Returns how many orders it expired.
 */
export async function sweepExpired(
  core: OrdersCore,
  opts: {
    limit?: number;
    graceMs?: number;
    close?: (holdIds: string[]) => Promise<Map<string, ExpiryOutcome>>;
  } = {},
): Promise<number> {
  const limit = opts.limit ?? 5000;
  const close = opts.close ?? ((ids: string[]) => closePaymentWindows(core, ids));
  let n = 0;
  for (const st of await core.inventory.loadedShowtimes()) {
    const due = (await core.inventory.holdIdsExpiring(st, -Infinity, core.now())).slice(0, limit);
    if (due.length === 0) continue;
    for (const o of (await close(due)).values()) if (o === 'expired') n += 1;
  }
  const now = core.now();
  const stale = await core.prisma.order.findMany({
    where: {
      status: 'PENDING',
      expiresAt: { lt: new Date(now - (opts.graceMs ?? 2000)) },
      ...(skipped.size ? { holdId: { notIn: [...skipped.keys()] } } : {}),
    },
    select: { holdId: true },
    orderBy: { expiresAt: 'asc' },
    take: limit,
  });
  if (stale.length === 0) return n;
  const outcomes = await close(stale.map((o) => o.holdId));
  for (const [holdId, outcome] of outcomes) {
    if (outcome === 'expired' || outcome === 'gone' || outcome === 'released') n += 1;
    else if (outcome === 'not_due') {
      // The hold was extended but the order's deadline did not follow (a crash in checkout): follow it now.
      const h = await core.inventory.getHold(holdId);
      if (h)
        await core.prisma.order.updateMany({
          where: { holdId, status: 'PENDING' },
          data: { expiresAt: new Date(h.expiresAt) },
        });
    } else if (outcome === 'confirmed') {
      // Sold in Redis, not yet PAID here: the payment's webhook is being (re)delivered. Look again later.
      skipped.set(holdId, now + 60_000);
      core.logger.warn(
        { holdId },
        'hold confirmed in the inventory but its order is still PENDING; waiting for the webhook',
      );
    }
  }
  for (const [id, until] of skipped) if (until < now) skipped.delete(id);
  return n;
}

const skipped = new Map<string, number>();

/** Per showtime: the expiry-score bound already reconciled, and when the last full scan ran. */
const windows = new Map<string, { upper: number; fullAt: number }>();
const FULL_SCAN_MS = 60_000;

/**
 * The reconciler (a repeatable job): the broker check-back of the transactional outbox. Any live hold older than
 * `afterMs` that has no order row — its outbox entry was lost, or the relay never ran — gets a persist job and
 * its expiry job (job id = hold id, so this never doubles work already queued). Returns how many it enqueued.
 *
 * A round reads only the holds that became old enough since the last round (by expiry score: an unextended hold
 * expires `holdTtl` after it was made; extended holds went through checkout, which persists the order), plus a
 * full scan every minute for anything else.
 */
export async function reconcileOrders(core: OrdersCore, afterMs: number): Promise<number> {
  const now = core.now();
  let enqueued = 0;
  for (const st of await core.inventory.loadedShowtimes()) {
    const ttlMs = ((await core.inventory.settings(st))?.holdTtlSeconds ?? 0) * 1000;
    const w = windows.get(st);
    const full = !w || now - w.fullAt > FULL_SCAN_MS;
    const upper = now - afterMs + ttlMs;
    const after = full ? -Infinity : w.upper - 5000;
    const ids = (await core.inventory.holdIdsExpiring(st, after, upper)).filter((id) => !known.has(id));
    for (let i = 0; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000);
      const candidates: HoldRecord[] = [];
      for (const h of await core.inventory.getHolds(st, chunk))
        if (h && h.status === 'held' && h.createdAt <= now - afterMs) candidates.push(h);
      if (candidates.length === 0) continue;
      const have = await core.prisma.order.findMany({
        where: { holdId: { in: candidates.map((h) => h.id) } },
        select: { holdId: true },
      });
      for (const o of have) known.add(o.holdId);
      const missing = candidates.filter((h) => !known.has(h.id));
      for (const h of missing) {
        // A job with this id may exist: waiting (fine), or failed for good (retry it), or gone (add it).
        const job = await core.queues.orders.getJob(h.id);
        if (job && (await job.isFailed())) await job.retry();
        else if (!job) await core.queues.orders.add('persist', { kind: 'persist', hold: h }, { jobId: h.id });
      }
      enqueued += missing.length;
      if (missing.length)
        core.logger.warn(
          { showtimeId: st, holds: missing.length },
          'reconciler found holds without an order',
        );
    }
    windows.set(st, { upper: Math.max(upper, w?.upper ?? upper), fullAt: full ? now : w.fullAt });
  }
  if (enqueued) core.om.reconciled.inc(enqueued);
  return enqueued;
}

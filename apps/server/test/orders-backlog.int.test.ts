import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersSettled, ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { createOrdersModule } from '../src/orders-module.ts';

/**
 * Issue 14 #6: a worker that reaches a hold only after its deadline (a backlog) records what happened to it —
 * a hold its buyer released becomes CANCELLED, one that ran out EXPIRED.
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  // No worker on the node: the test starts a late one itself.
  stack = await startTestStack({ worker: false });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 2 });
});
afterAll(async () => {
  await stack?.close();
});

const auditActions = async (entityId: string) =>
  (await stack.container.prisma.auditEntry.findMany({ where: { entityId }, orderBy: { id: 'asc' } })).map(
    (a) => [a.action, (a.after as { reason?: string } | null)?.reason ?? null],
  );

describe('orders written after the hold deadline', () => {
  it('a released hold is recorded CANCELLED and a lapsed one EXPIRED', async () => {
    const released = await w.inv.hold(w.f.showtimeId, {
      buyerId: w.buyers[0]!.id,
      requestId: 'backlog-released',
      seats: ['A-1-1'],
    });
    await w.inv.release(released.holdId, released.holdToken);
    const lapsed = await w.inv.hold(w.f.showtimeId, {
      buyerId: w.buyers[1]!.id,
      requestId: 'backlog-lapsed',
      seats: ['A-1-2'],
    });
    // The worker comes back an hour later (injected clock): both deadlines have passed.
    const late = createOrdersModule(stack.container, { inventory: w.inv, now: () => Date.now() + 3_600_000 });
    const workers = await late.startWorkers();
    try {
      const prisma = stack.container.prisma;
      const orders = await waitFor(
        async () => {
          const rows = await prisma.order.findMany({
            where: { holdId: { in: [released.holdId, lapsed.holdId] } },
            include: { items: true },
          });
          return rows.length === 2 ? rows : null;
        },
        30_000,
        'both orders',
      );
      await ordersSettled(w, [released.holdId, lapsed.holdId]);
      const cancelled = await prisma.order.findUniqueOrThrow({
        where: { holdId: released.holdId },
        include: { items: true },
      });
      expect(cancelled.status).toBe('CANCELLED');
      expect(cancelled.items.every((i) => i.status === 'released')).toBe(true);
      expect(await auditActions(cancelled.id)).toEqual([['order.cancelled', 'released_before_persisted']]);
      const expired = orders.find((o) => o.holdId === lapsed.holdId)!;
      expect(expired.status).toBe('EXPIRED');
      expect(await auditActions(expired.id)).toEqual([['order.expired', 'expired_before_persisted']]);
      expect(await prisma.seatClaim.count({ where: { showtimeId: w.f.showtimeId } })).toBe(0);
    } finally {
      await workers.stop();
      await late.close();
    }
  });
});

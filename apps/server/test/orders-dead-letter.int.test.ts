import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { createOrdersModule } from '../src/orders-module.ts';

/**
 * Issue 14 #3: a hold whose order cannot be written (its buyer row does not exist: a foreign-key error) must not
 * keep the other holds of its batch from becoming orders; it is retried, then parked where the box office sees it.
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  // The test starts its worker itself, after both holds are in the outbox, so one relay read carries both.
  stack = await startTestStack({ worker: false });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 1 });
});
afterAll(async () => {
  await stack?.close();
});

interface DeadLetterDto {
  holdId: string;
  showtimeId: string;
  buyerId: string;
  error: string;
  code: string | null;
  attempts: number;
  at: string;
}

describe('a hold that cannot become an order', () => {
  it('does not hold back its batch: the others commit, it is retried, then dead-lettered, shown and counted', async () => {
    const good = await w.inv.hold(w.f.showtimeId, {
      buyerId: w.buyers[0]!.id,
      requestId: 'dl-good',
      seats: ['A-1-1'],
    });
    const bad = await w.inv.hold(w.f.showtimeId, {
      buyerId: 'no-such-buyer',
      requestId: 'dl-bad',
      seats: ['A-1-2'],
    });
    const other = await w.inv.hold(w.f.showtimeId, {
      buyerId: w.buyers[0]!.id,
      requestId: 'dl-other',
      seats: ['A-1-3'],
    });
    const worker = createOrdersModule(stack.container, { inventory: w.inv });
    const workers = await worker.startWorkers();
    const prisma = stack.container.prisma;
    try {
      await waitFor(
        async () =>
          (await prisma.order.count({ where: { holdId: { in: [good.holdId, other.holdId] } } })) === 2,
        10_000,
        'the orders of the good holds',
      );
      const staff = await staffWithToken(stack.container, 'box_office');
      const list = await waitFor(
        async () => {
          const r = await w.api<{ deadLetters: DeadLetterDto[] }>('get', '/api/staff/dead-letters', {
            token: staff.token,
          });
          expect(r.status, r.text).toBe(200);
          return r.json.deadLetters.length > 0 ? r.json.deadLetters : null;
        },
        20_000,
        'the dead letter',
      );
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({
        holdId: bad.holdId,
        showtimeId: w.f.showtimeId,
        buyerId: 'no-such-buyer',
        code: '23503',
      });
      expect(list[0]!.attempts).toBeGreaterThan(1);
      expect(await prisma.order.count({ where: { holdId: bad.holdId } })).toBe(0);
      const metrics = await (await fetch(`${stack.node.metricsUrl}/metrics`)).text();
      expect(metrics).toMatch(/^seatrush_orders_dead_lettered_total 1$/m);
      // Buyers and anonymous callers do not see it.
      expect((await w.api('get', '/api/staff/dead-letters')).status).toBe(401);
    } finally {
      await workers.stop();
      await worker.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, OrderDto, RefundDto } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { scanKeys } from './support/redis-target.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * Issue 14 #14: the sandbox provider keeps its ledger where a provider's records live, outside Seatrush's Redis —
 * a Redis wipe must not make it forget a capture and refuse the refund of an earlier payment.
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({ worker: true });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 2, prices: { std: 3100 } });
});
afterAll(async () => {
  await stack?.close();
});

/** Deletes every key under this test's Redis prefix that the sandbox may have written (never other tests'). */
async function wipeSandboxKeys() {
  const redis = stack.container.redis;
  for (const key of await scanKeys(redis, `${stack.config.redisPrefix}:sandbox:*`)) await redis.unlink(key);
}

describe('the sandbox ledger', () => {
  it('survives a Redis wipe: a refund of an earlier payment still succeeds', async () => {
    const b = w.buyers[0]!;
    const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: 'ledger-1', seats: ['A-1-1'] });
    const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: h.holdToken, email: b.email },
    });
    expect(co.status, co.text).toBe(201);
    const ref = co.json.paymentUrl.split('/').pop()!;
    expect((await w.api('post', `/sandbox-pay/${ref}`, { body: { card: '4242424242424242' } })).status).toBe(
      200,
    );
    await waitFor(
      async () =>
        (await stack.container.prisma.order.findFirst({ where: { code: co.json.orderCode } }))?.status ===
        'PAID',
      30_000,
      'order PAID',
    );
    await wipeSandboxKeys();
    const staff = await staffWithToken(stack.container, 'box_office');
    const r = await w.api<{ order: OrderDto; refund: RefundDto }>(
      'post',
      `/api/staff/orders/${co.json.orderCode}/refund`,
      { token: staff.token, body: {} },
    );
    expect(r.status, r.text).toBe(200);
    expect(r.json.refund.status).toBe('done');
    expect(r.json.order.payments[0]!.status).toBe('refunded');
    // The provider's page still knows the payment.
    expect((await w.api('get', `/sandbox-pay/${ref}`)).status).toBe(200);
  });
});

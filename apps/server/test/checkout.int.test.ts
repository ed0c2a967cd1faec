import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, ErrorBody, OrderDto } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersWorld, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';

/**
 * Checkout without an interactive transaction (application/checkout/checkout.ts): the payment under way is
 * recorded by a compare-and-set on the order row, so racing checkouts of one hold still make exactly one payment,
 * and the order's deadline written in SQL is the hold's.
 */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, env: { HOLD_EXTENSION_SECONDS: '60' } });
  w = await ordersWorld(stack, {
    holdTtlSeconds: 600,
    sections: [{ key: 'A', rows: 2, seatsPerRow: 10, category: 'std' }],
    prices: { std: 2500 },
    buyers: 6,
  });
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
let req = 0;
const hold = (buyer: number, seats: string[]) =>
  w.inv.hold(w.f.showtimeId, { buyerId: w.buyers[buyer]!.id, requestId: `co${req++}`, seats });
const checkoutCall = (h: { holdId: string; holdToken: string }, buyer: number) =>
  w.api<CheckoutResponse & Partial<{ error: ErrorBody }>>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: w.buyers[buyer]!.email },
  });
const payments = (holdId: string) =>
  prisma().payment.findMany({ where: { order: { holdId } }, orderBy: { createdAt: 'asc' } });
const created = async (paymentIds: string[]) =>
  prisma().auditEntry.count({ where: { action: 'payment.created', entityId: { in: paymentIds } } });

describe('checkout', () => {
  it('racing checkouts of one fresh hold: one payment under way, every answer names it, one audit entry', async () => {
    const h = await hold(0, ['A-1-1', 'A-1-2']);
    // Some race the worker's persistence of the order too (checkout persists it inline when it is first).
    const answers = await Promise.all(Array.from({ length: 10 }, () => checkoutCall(h, 0)));
    for (const a of answers) expect(a.status, a.text).toBe(201);
    const ps = await payments(h.holdId);
    expect(ps.map((p) => p.status)).toEqual(['created']);
    expect(new Set(answers.map((a) => a.json.paymentId))).toEqual(new Set([ps[0]!.id]));
    expect(new Set(answers.map((a) => a.json.paymentUrl)).size).toBe(1);
    expect(await created([ps[0]!.id])).toBe(1);
    expect(answers[0]!.json.amountCents).toBe(5000);
  });

  it('the order row gets the extended deadline, and the payment its times, in UTC like every row', async () => {
    const h = await hold(1, ['A-1-5']);
    const before = Date.now();
    const co = await checkoutCall(h, 1);
    expect(co.status, co.text).toBe(201);
    expect(Date.parse(co.json.expiresAt)).toBeGreaterThan(Date.parse(h.expiresAt));
    const order = await prisma().order.findUniqueOrThrow({ where: { holdId: h.holdId } });
    expect(order.expiresAt.toISOString()).toBe(co.json.expiresAt);
    const [p] = await payments(h.holdId);
    expect(Math.abs(p!.createdAt.getTime() - before)).toBeLessThan(60_000);
    expect(p!.updatedAt.getTime()).toBe(p!.createdAt.getTime());
    const audit = await prisma().auditEntry.findFirstOrThrow({
      where: { action: 'payment.created', entityId: p!.id },
    });
    expect(audit.actor).toBe(`buyer:${w.buyers[1]!.id}`);
    expect(audit.showtimeId).toBe(w.f.showtimeId);
    expect(audit.after).toEqual({
      status: 'created',
      orderId: order.id,
      amountCents: 2500,
      provider: 'sandbox',
    });
    expect(Math.abs(audit.at.getTime() - before)).toBeLessThan(60_000);
    // A second checkout resumes it: same payment, the deadline extended once only.
    const again = await checkoutCall(h, 1);
    expect(again.json.paymentId).toBe(p!.id);
    expect(again.json.expiresAt).toBe(co.json.expiresAt);
  });

  it('after a decline, racing checkouts start exactly one new attempt', async () => {
    const h = await hold(2, ['A-2-1']);
    const co = await checkoutCall(h, 2);
    const pay = await w.api<{ status: string }>(
      'post',
      `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`,
      {
        body: { card: '4000000000000002' },
      },
    );
    expect(pay.json.status).toBe('failed');
    await waitFor(async () => (await payments(h.holdId))[0]?.status === 'failed', 10_000, 'payment failed');
    const answers = await Promise.all(Array.from({ length: 8 }, () => checkoutCall(h, 2)));
    for (const a of answers) expect(a.status, a.text).toBe(201);
    const ps = await payments(h.holdId);
    expect(ps.map((p) => p.status)).toEqual(['failed', 'created']);
    expect(new Set(answers.map((a) => a.json.paymentId))).toEqual(new Set([ps[1]!.id]));
    expect(await created(ps.map((p) => p.id))).toBe(2);
  });

  it('a paid order is not paid for again; a cancelled one is gone', async () => {
    const h = await hold(3, ['A-2-5']);
    const co = await checkoutCall(h, 3);
    await w.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
      body: { card: '4242424242424242' },
    });
    await waitFor(
      async () => {
        const r = await w.api<OrderDto>(
          'get',
          `/api/orders/${co.json.orderCode}?email=${encodeURIComponent(w.buyers[3]!.email)}`,
        );
        return r.json.status === 'PAID';
      },
      15_000,
      'order PAID',
    );
    const after = await checkoutCall(h, 3);
    expect(after.status).toBe(409);
    expect(after.json.error?.code).toBe('invalid_transition');
    expect((await payments(h.holdId)).length).toBe(1);

    const h2 = await hold(4, ['A-2-7']);
    const co2 = await checkoutCall(h2, 4);
    expect(co2.status).toBe(201);
    const released = await w.api('delete', `/api/holds/${h2.holdId}`, {
      headers: { authorization: `Bearer ${h2.holdToken}` },
    });
    expect(released.status, released.text).toBeLessThan(300);
    const gone = await checkoutCall(h2, 4);
    expect(gone.status).toBeGreaterThanOrEqual(400);
    expect(gone.status).toBeLessThan(500);
    expect((await payments(h2.holdId)).filter((p) => p.status === 'created').length).toBeLessThanOrEqual(1);
  });

  it('a wrong e-mail changes nothing', async () => {
    const h = await hold(5, ['A-2-9']);
    const r = await w.api<{ error: ErrorBody }>('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: h.holdToken, email: 'someone-else@example.com' },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('validation_failed');
    expect(await payments(h.holdId)).toEqual([]);
  });

  it('a card for an unknown sandbox payment is 404 not_found, not a 500', async () => {
    const r = await w.api<{ error: ErrorBody }>('post', `/sandbox-pay/sbx_${'0'.repeat(24)}`, {
      body: { card: '4242424242424242' },
    });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('not_found');
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, StaffOrderDetailDto } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { signWebhook } from '../src/payments/signature.ts';

/** Issue 14 #7: a correctly signed success whose money is not the payment's never makes the order paid. */

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({ worker: true });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 4, prices: { std: 17800 } });
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
let req = 0;

async function openPayment(buyer: number, seat: string) {
  const b = w.buyers[buyer]!;
  const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `wa${req++}`, seats: [seat] });
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: b.email },
  });
  expect(co.status, co.text).toBe(201);
  return { code: co.json.orderCode, paymentId: co.json.paymentId, ref: co.json.paymentUrl.split('/').pop()! };
}

async function sendSucceeded(ref: string, amountCents: number, currency: string) {
  const raw = JSON.stringify({
    id: `evt_amt_${randomBytes(8).toString('hex')}`,
    type: 'payment.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: { providerRef: ref, amountCents, currency },
  });
  const res = await fetch(`${stack.url}/api/payments/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'seatrush-signature': signWebhook(
        stack.config.paymentWebhookSecret,
        raw,
        Math.floor(Date.now() / 1000),
      ),
    },
    body: raw,
  });
  return { status: res.status, json: (await res.json()) as { outcome?: string } };
}

describe('payment.succeeded with money that is not the payment', () => {
  it.each([
    ['1 unit of XXX for a €178 order', 'A-1-1', 1, 'XXX'],
    ['the right amount in another currency', 'A-1-2', 17800, 'USD'],
    ['less than the price in the right currency', 'A-1-3', 17799, 'EUR'],
  ])(
    '%s: the order stays unpaid, the payment is refunded, staff see it',
    async (_, seat, amount, currency) => {
      const p = await openPayment(0, seat);
      const r = await sendSucceeded(p.ref, amount, currency);
      expect(r.status).toBe(200);
      expect(r.json.outcome).toBe('refunded_amount_mismatch');
      const order = await prisma().order.findFirstOrThrow({
        where: { code: p.code },
        include: { refunds: true, payments: true, items: true },
      });
      expect(order.status).toBe('PENDING');
      expect(order.items.every((i) => i.status === 'active')).toBe(true);
      expect(await seatState(w, seat)).toBe(1); // still the buyer's hold, not sold
      // The refund gives back what was captured, whatever the provider answers.
      expect(order.refunds).toMatchObject([{ reason: 'amount_mismatch', amountCents: amount, itemIds: [] }]);
      const staff = await staffWithToken(stack.container, 'box_office');
      const detail = await w.api<StaffOrderDetailDto>('get', `/api/staff/orders/${p.code}`, {
        token: staff.token,
      });
      const mismatch = detail.json.audit.find((a) => a.action === 'payment.amount_mismatch');
      expect(mismatch, JSON.stringify(detail.json.audit)).toBeDefined();
      expect(mismatch!.before).toMatchObject({ amountCents: 17800, currency: 'EUR' });
      expect(mismatch!.after).toMatchObject({ amountCents: amount, currency });
      expect(detail.json.audit.map((a) => a.action)).toContain('refund.created');
    },
  );

  it('a later success of the right amount for the same payment still does not sell the seats twice', async () => {
    const p = await openPayment(1, 'A-2-1');
    expect((await sendSucceeded(p.ref, 1, 'XXX')).json.outcome).toBe('refunded_amount_mismatch');
    const again = await sendSucceeded(p.ref, 17800, 'EUR');
    expect(again.status).toBe(200);
    const order = await waitFor(
      () => prisma().order.findFirst({ where: { code: p.code }, include: { refunds: true } }),
      5_000,
      'order',
    );
    expect(order.status).toBe('PENDING');
    expect(order.refunds).toHaveLength(1);
  });

  it('the right money still pays the order', async () => {
    const p = await openPayment(2, 'A-2-2');
    expect((await sendSucceeded(p.ref, 17800, 'eur')).json.outcome).toBe('paid');
    expect((await prisma().order.findFirstOrThrow({ where: { code: p.code } })).status).toBe('PAID');
  });
});

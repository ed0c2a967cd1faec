import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutResponse, OrderDto } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { signWebhook } from '../src/payments/signature.ts';

let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({ worker: true, env: { HOLD_EXTENSION_SECONDS: '30' } });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 6, prices: { std: 4000 } });
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
let req = 0;

/** A hold with its PENDING order and an open payment; returns the provider reference of the payment. */
async function openPayment(buyer: number, seat: string) {
  const b = w.buyers[buyer]!;
  const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `q${req++}`, seats: [seat] });
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: b.email },
  });
  expect(co.status, co.text).toBe(201);
  const ref = co.json.paymentUrl.split('/').pop()!;
  return {
    h,
    code: co.json.orderCode,
    paymentId: co.json.paymentId,
    ref,
    email: b.email,
  };
}

function event(type: string, ref: string, extra: Record<string, unknown> = {}) {
  return {
    id: `evt_test_${randomBytes(8).toString('hex')}`,
    type,
    created: Math.floor(Date.now() / 1000),
    data: { providerRef: ref, amountCents: 4000, currency: 'EUR', ...extra },
  };
}

async function send(
  body: unknown,
  opts: { secret?: string; t?: number; header?: string | null; raw?: string } = {},
) {
  const raw = opts.raw ?? JSON.stringify(body);
  const t = opts.t ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (opts.header !== null)
    headers['seatrush-signature'] =
      opts.header ?? signWebhook(opts.secret ?? stack.config.paymentWebhookSecret, raw, t);
  const res = await fetch(`${stack.url}/api/payments/webhook`, { method: 'POST', headers, body: raw });
  return {
    status: res.status,
    json: (await res.json()) as {
      received?: boolean;
      duplicate?: boolean;
      outcome?: string;
      error?: { code: string };
    },
  };
}

const audits = (entityId: string, action: string) =>
  prisma().auditEntry.count({ where: { entityId, action } });

describe('payment webhooks', () => {
  it('refuses forged webhooks: wrong secret, no signature, a body changed after signing', async () => {
    const p = await openPayment(0, 'A-1-1');
    const ev = event('payment.succeeded', p.ref);
    expect((await send(ev, { secret: 'not-the-webhook-secret-at-all' })).json.error?.code).toBe(
      'webhook_invalid',
    );
    expect((await send(ev, { header: null })).status).toBe(400);
    const signed = signWebhook(
      stack.config.paymentWebhookSecret,
      JSON.stringify(ev),
      Math.floor(Date.now() / 1000),
    );
    const tampered = JSON.stringify({ ...ev, data: { ...ev.data, amountCents: 1 } });
    const r = await send(null, { raw: tampered, header: signed });
    expect(r.status).toBe(400);
    expect(r.json.error?.code).toBe('webhook_invalid');
    const o = await prisma().order.findUniqueOrThrow({
      where: { holdId: p.h.holdId },
      include: { payments: true },
    });
    expect(o.status).toBe('PENDING');
    expect(o.payments[0]!.status).toBe('created');
    expect(await seatState(w, 'A-1-1')).toBe(1);
  });

  it('refuses a replay outside the 5-minute window, and ignores a replay of a processed event', async () => {
    const p = await openPayment(1, 'A-1-2');
    const ev = event('payment.succeeded', p.ref);
    const stale = await send(ev, { t: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.json.error?.code).toBe('webhook_invalid');
    expect((await prisma().order.findUniqueOrThrow({ where: { holdId: p.h.holdId } })).status).toBe(
      'PENDING',
    );
    const first = await send(ev);
    expect(first.json).toMatchObject({ received: true, outcome: 'paid' });
    const replay = await send(ev);
    expect(replay.json).toMatchObject({ received: true, duplicate: true });
    const order = await prisma().order.findUniqueOrThrow({ where: { holdId: p.h.holdId } });
    expect(order.status).toBe('PAID');
    expect(await audits(order.id, 'order.paid')).toBe(1);
    expect(await audits(p.paymentId, 'payment.confirmed')).toBe(1);
  });

  it('processes a burst of duplicates of one event exactly once', async () => {
    const p = await openPayment(2, 'A-1-3');
    const ev = event('payment.succeeded', p.ref);
    const results = await Promise.all(Array.from({ length: 8 }, () => send(ev)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const order = await prisma().order.findUniqueOrThrow({
      where: { holdId: p.h.holdId },
      include: { payments: true },
    });
    expect(order.status).toBe('PAID');
    expect(order.payments.map((x) => x.status)).toEqual(['confirmed']);
    expect(await audits(order.id, 'order.paid')).toBe(1);
    expect(await audits(p.paymentId, 'payment.confirmed')).toBe(1);
    expect(await prisma().webhookEvent.count({ where: { id: ev.id } })).toBe(1);
    expect(await seatState(w, 'A-1-3')).toBe(2);
  });

  it('out of order: a failure or a pending that arrives after the success does not undo it', async () => {
    const p = await openPayment(3, 'A-1-4');
    expect((await send(event('payment.succeeded', p.ref))).json.outcome).toBe('paid');
    expect((await send(event('payment.failed', p.ref, { failureCode: 'card_declined' }))).json.outcome).toBe(
      'stale',
    );
    expect((await send(event('payment.pending', p.ref))).json.outcome).toBe('stale');
    const order = await prisma().order.findUniqueOrThrow({
      where: { holdId: p.h.holdId },
      include: { payments: true },
    });
    expect(order.status).toBe('PAID');
    expect(order.payments[0]).toMatchObject({ status: 'confirmed', failureCode: null });
  });

  it('out of order: a success after a failure still pays (the later, captured state wins)', async () => {
    const p = await openPayment(4, 'A-1-5');
    const pending = event('payment.pending', p.ref);
    const failed = event('payment.failed', p.ref, { failureCode: 'card_declined' });
    expect((await send(failed)).json.outcome).toBe('failed');
    expect((await send(pending)).json.outcome).toBe('stale');
    expect((await send(event('payment.succeeded', p.ref))).json.outcome).toBe('paid');
    const order = await prisma().order.findUniqueOrThrow({
      where: { holdId: p.h.holdId },
      include: { payments: true },
    });
    expect(order.status).toBe('PAID');
    expect(order.payments[0]!.status).toBe('confirmed');
  });

  it('a second successful payment of a paid order is refunded in full', async () => {
    const b = w.buyers[5]!;
    const p = await openPayment(5, 'A-2-1');
    // The first attempt is declined; the buyer starts a second one...
    const pay = (ref: string, card: string) => w.api('post', `/sandbox-pay/${ref}`, { body: { card } });
    await pay(p.ref, '4000000000000002');
    await waitFor(
      async () => (await prisma().payment.findUnique({ where: { id: p.paymentId } }))?.status === 'failed',
      10_000,
    );
    const co2 = await w.api<CheckoutResponse>('post', `/api/holds/${p.h.holdId}/checkout`, {
      body: { holdToken: p.h.holdToken, email: b.email },
    });
    const ref2 = co2.json.paymentUrl.split('/').pop()!;
    // ...and then pays on both pages.
    await pay(ref2, '4242424242424242');
    await pay(p.ref, '4242424242424242');
    const o = await waitFor(
      async () => {
        const r = await w.api<OrderDto>('get', `/api/orders/${p.code}?email=${encodeURIComponent(b.email)}`);
        return r.json.refunds?.[0]?.status === 'done' ? r.json : null;
      },
      // Two webhooks, a provider refund and its own webhook: on a loaded CI machine a retried delivery backs off.
      30_000,
      'duplicate refunded',
    );
    expect(o.status).toBe('PAID');
    expect(o.refunds).toMatchObject([{ reason: 'duplicate_payment', amountCents: 4000 }]);
    expect(o.payments.map((x) => x.status).sort()).toEqual(['confirmed', 'refunded']);
    expect(o.tickets).toHaveLength(1);
  });

  it('answers 200 for events about payments it does not know', async () => {
    const r = await send(event('payment.succeeded', 'sbx_000000000000000000000000'));
    expect(r.json).toMatchObject({ received: true, outcome: 'unknown_payment' });
  });
});

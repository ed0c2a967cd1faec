import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import type { CheckoutResponse } from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.ts';
import { waitFor } from './support/wait.ts';
import { createStripeProvider } from '../src/payments/stripe.ts';
import { pino } from 'pino';

/**
 * Issue 16: Stripe behind the provider port. The adapter's API calls go to a local server standing in for
 * api.stripe.com (it checks key, method, path, Idempotency-Key, amount and currency); webhooks are signed with the
 * library's own test-header helper.
 */

const SECRET_KEY = 'sk_test_seatrush123';
const PUBLISHABLE_KEY = 'pk_test_seatrush123';
const WEBHOOK_SECRET = 'whsec_seatrushtest123';
const signer = new Stripe('sk_test_signer_only');

let fake: FakeStripe;
let stack: TestStack;
let w: OrdersWorld;

beforeAll(async () => {
  fake = await startFakeStripe(SECRET_KEY);
  stack = await startTestStack({
    worker: true,
    env: {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fake.url,
    },
  });
  w = await ordersWorld(stack, {
    holdTtlSeconds: 600,
    buyers: 7,
    prices: { std: 17800 },
    sections: [{ key: 'A', rows: 4, seatsPerRow: 4, category: 'std' }],
  });
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

const prisma = () => stack.container.prisma;
let req = 0;

async function openPayment(buyer: number, seats: string[]) {
  const b = w.buyers[buyer]!;
  const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `st${req++}`, seats });
  const co = await w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: b.email },
  });
  expect(co.status, co.text).toBe(201);
  const payment = await prisma().payment.findUniqueOrThrow({ where: { id: co.json.paymentId } });
  return { code: co.json.orderCode, paymentId: payment.id, pi: payment.providerRef };
}

function stripeEvent(
  type: string,
  object: Record<string, unknown>,
  id = `evt_${randomBytes(8).toString('hex')}`,
) {
  return JSON.stringify({
    id,
    object: 'event',
    api_version: Stripe.API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  });
}

const intent = (pi: string, amount: number, extra: Record<string, unknown> = {}) => ({
  id: pi,
  object: 'payment_intent',
  amount,
  amount_received: amount,
  currency: 'eur',
  status: 'succeeded',
  ...extra,
});

async function post(payload: string, header: string) {
  const res = await fetch(`${stack.url}/api/payments/webhook/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header },
    body: payload,
  });
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown> & { error?: { code: string } },
  };
}

const send = (payload: string, secret = WEBHOOK_SECRET, timestamp?: number) =>
  post(
    payload,
    signer.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) }),
  );

describe('the Stripe adapter against a local Stripe API', () => {
  it('creates one PaymentIntent per checkout with the order amount, currency and an idempotency key', async () => {
    const before = fake.calls.length;
    const p = await openPayment(0, ['A-1-1']);
    const created = fake.calls.slice(before).filter((c) => c.path === '/v1/payment_intents');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      method: 'POST',
      authorization: `Bearer ${SECRET_KEY}`,
      idempotencyKey: `seatrush-payment-${p.paymentId}`,
      form: {
        amount: '17800',
        currency: 'eur',
        'automatic_payment_methods[enabled]': 'true',
        'metadata[seatrush_payment_id]': p.paymentId,
      },
    });
    expect(p.pi).toMatch(/^pi_/);
    const payment = await prisma().payment.findUniqueOrThrow({ where: { id: p.paymentId } });
    expect(payment).toMatchObject({
      provider: 'stripe',
      amountCents: 17800,
      currency: 'EUR',
      status: 'created',
    });
  });

  it('answers checkout with what Stripe’s Payment Element needs; a retry resumes the same PaymentIntent', async () => {
    const b = w.buyers[6]!;
    const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `st${req++}`, seats: ['A-4-1'] });
    const checkout = () =>
      w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
        body: { holdToken: h.holdToken, email: b.email },
      });
    const before = fake.calls.length;
    const first = await checkout();
    expect(first.status, first.text).toBe(201);
    const payment = await prisma().payment.findUniqueOrThrow({ where: { id: first.json.paymentId } });
    // The client secret is the PaymentIntent's own (the fake answers `<pi>_secret_x`), the key the configured one.
    expect(first.json.next).toEqual({
      kind: 'stripe_elements',
      clientSecret: `${payment.providerRef}_secret_x`,
      publishableKey: PUBLISHABLE_KEY,
    });
    // No hosted page: the secret is not stored, and clients that only redirect land on the order page.
    expect(payment.checkoutUrl).toBeNull();
    expect(first.json.paymentUrl).toBe(`/orders/${first.json.orderCode}`);

    // A double click, a reload: the same payment, the same PaymentIntent and client secret — Stripe is asked
    // again under the payment's idempotency key, never for a second PaymentIntent.
    const again = await checkout();
    expect(again.status, again.text).toBe(201);
    expect(again.json).toMatchObject({ paymentId: first.json.paymentId, next: first.json.next });
    const calls = fake.calls.slice(before).filter((c) => c.path === '/v1/payment_intents');
    expect(calls.map((c) => c.idempotencyKey)).toEqual([
      `seatrush-payment-${payment.id}`,
      `seatrush-payment-${payment.id}`,
    ]);
    expect(await prisma().payment.count({ where: { order: { code: first.json.orderCode } } })).toBe(1);

    // The page that pays may load Stripe.js and frame its Payment Element (with the sandbox, the CSP stays 'self').
    const csp = (await fetch(`${stack.url}/healthz`)).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' https:\/\/js\.stripe\.com/);
    expect(csp).toMatch(/frame-src https:\/\/js\.stripe\.com[^;]* https:\/\/hooks\.stripe\.com/);
    expect(csp).toMatch(/connect-src [^;]*https:\/\/api\.stripe\.com/);

    // After a decline the next checkout is a new attempt: a new PaymentIntent with its own secret.
    const failed = intent(payment.providerRef, 17800, {
      status: 'requires_payment_method',
      last_payment_error: { code: 'card_declined', decline_code: 'generic_decline' },
    });
    expect((await send(stripeEvent('payment_intent.payment_failed', failed))).json.outcome).toBe('failed');
    const retry = await checkout();
    expect(retry.status, retry.text).toBe(201);
    expect(retry.json.paymentId).not.toBe(first.json.paymentId);
    const second = await prisma().payment.findUniqueOrThrow({ where: { id: retry.json.paymentId } });
    expect(second.providerRef).not.toBe(payment.providerRef);
    expect(retry.json.next).toEqual({
      kind: 'stripe_elements',
      clientSecret: `${second.providerRef}_secret_x`,
      publishableKey: PUBLISHABLE_KEY,
    });
  });

  it('concurrent checkouts of one hold all answer the one recorded PaymentIntent; a PaymentIntent made for nothing is cancelled', async () => {
    const b = w.buyers[5]!;
    const h = await w.inv.hold(w.f.showtimeId, { buyerId: b.id, requestId: `st${req++}`, seats: ['A-4-2'] });
    const before = fake.calls.length;
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        w.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
          body: { holdToken: h.holdToken, email: b.email },
        }),
      ),
    );
    for (const a of answers) expect(a.status, a.text).toBe(201);
    const payments = await prisma().payment.findMany({ where: { order: { holdId: h.holdId } } });
    expect(payments).toHaveLength(1);
    const secret = `${payments[0]!.providerRef}_secret_x`;
    for (const a of answers)
      expect(a.json).toMatchObject({
        paymentId: payments[0]!.id,
        next: { kind: 'stripe_elements', clientSecret: secret },
      });
    // Every PaymentIntent created for this hold other than the recorded one was cancelled (under its own key).
    const calls = fake.calls.slice(before);
    const createdKeys = new Set(
      calls.filter((c) => c.path === '/v1/payment_intents').map((c) => c.idempotencyKey),
    );
    const cancelled = calls.filter((c) => c.path.endsWith('/cancel')).map((c) => c.path.split('/')[3]);
    expect(cancelled).not.toContain(payments[0]!.providerRef);
    expect(cancelled.length).toBe(createdKeys.size - 1);
  });

  it('refunds in full or in part with one idempotency key per refund, and maps Stripe’s refusals', async () => {
    const provider = createStripeProvider({
      secretKey: SECRET_KEY,
      publishableKey: PUBLISHABLE_KEY,
      webhookSecret: WEBHOOK_SECRET,
      apiBase: fake.url,
      logger: pino({ level: 'silent' }),
      maxNetworkRetries: 0,
    });
    const { providerRef, next } = await provider.createPayment({
      paymentId: 'p_direct',
      amountCents: 5000,
      currency: 'EUR',
      description: 'x',
      expiresAt: new Date(),
      returnUrl: '/orders/X',
    });
    expect(next).toEqual({
      kind: 'stripe_elements',
      clientSecret: `${providerRef}_secret_x`,
      publishableKey: PUBLISHABLE_KEY,
    });
    const before = fake.calls.length;
    const part = await provider.refund({
      providerRef,
      amountCents: 1200,
      currency: 'EUR',
      idempotencyKey: 'r1',
    });
    const again = await provider.refund({
      providerRef,
      amountCents: 1200,
      currency: 'EUR',
      idempotencyKey: 'r1',
    });
    const rest = await provider.refund({
      providerRef,
      amountCents: 3800,
      currency: 'EUR',
      idempotencyKey: 'r2',
    });
    expect(part.status).toBe('succeeded');
    expect(part.refundRef).toMatch(/^re_/);
    expect(again.refundRef).toBe(part.refundRef); // Stripe answers a repeated key with the first refund
    expect(rest.refundRef).not.toBe(part.refundRef);
    expect(
      fake.calls.slice(before).map((c) => [c.path, c.idempotencyKey, c.form.amount, c.form.payment_intent]),
    ).toEqual([
      ['/v1/refunds', 'seatrush-refund-r1', '1200', providerRef],
      ['/v1/refunds', 'seatrush-refund-r1', '1200', providerRef],
      ['/v1/refunds', 'seatrush-refund-r2', '3800', providerRef],
    ]);
    fake.refundAnswer = 'pending';
    expect(
      (await provider.refund({ providerRef, amountCents: 1, currency: 'EUR', idempotencyKey: 'r3' })).status,
    ).toBe('pending');
    fake.refundAnswer = 'error:charge_already_refunded';
    expect(
      await provider.refund({ providerRef, amountCents: 1, currency: 'EUR', idempotencyKey: 'r4' }),
    ).toEqual({
      refundRef: '',
      status: 'failed',
      failureCode: 'charge_already_refunded',
    });
    fake.refundAnswer = 'succeeded';
    // Cancelling a PaymentIntent that was paid meanwhile is refused by Stripe: best effort, no throw.
    fake.succeed(providerRef);
    await expect(provider.cancel(providerRef)).resolves.toBeUndefined();
    expect(fake.calls.at(-1)).toMatchObject({
      path: `/v1/payment_intents/${providerRef}/cancel`,
      idempotencyKey: `seatrush-cancel-${providerRef}`,
    });
  });
});

describe('Stripe webhooks', () => {
  it('a valid payment_intent.succeeded pays the order; the same event again is processed once', async () => {
    const p = await openPayment(1, ['A-2-1']);
    const payload = stripeEvent('payment_intent.succeeded', intent(p.pi, 17800));
    const header = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const first = await post(payload, header);
    expect(first).toMatchObject({ status: 200, json: { received: true, outcome: 'paid' } });
    const replay = await post(payload, header);
    expect(replay).toMatchObject({ status: 200, json: { received: true, duplicate: true } });
    const order = await prisma().order.findFirstOrThrow({
      where: { code: p.code },
      include: { payments: true },
    });
    expect(order.status).toBe('PAID');
    expect(order.payments[0]!.status).toBe('confirmed');
    expect(await seatState(w, 'A-2-1')).toBe(2);
    const paidAudits = await prisma().auditEntry.count({
      where: { action: 'order.paid', entityId: order.id },
    });
    expect(paidAudits).toBe(1);
  });

  it('a wrong signature, a stale timestamp or no signature answers 400 webhook_invalid and changes nothing', async () => {
    const p = await openPayment(2, ['A-2-2']);
    const payload = stripeEvent('payment_intent.succeeded', intent(p.pi, 17800));
    const wrong = await send(payload, 'whsec_someoneelse');
    expect(wrong.status).toBe(400);
    expect(wrong.json.error?.code).toBe('webhook_invalid');
    const stale = await send(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000) - 3600);
    expect(stale.status).toBe(400);
    const unsigned = await post(payload, '');
    expect(unsigned.status).toBe(400);
    const tampered = await post(
      payload.replace('17800', '1'),
      signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    );
    expect(tampered.status).toBe(400);
    expect((await prisma().order.findFirstOrThrow({ where: { code: p.code } })).status).toBe('PENDING');
  });

  it('a success of another amount never pays: the captured money is refunded through Stripe', async () => {
    const p = await openPayment(3, ['A-3-1']);
    const before = fake.calls.length;
    const r = await send(stripeEvent('payment_intent.succeeded', intent(p.pi, 100)));
    expect(r).toMatchObject({ status: 200, json: { outcome: 'refunded_amount_mismatch' } });
    const order = await prisma().order.findFirstOrThrow({
      where: { code: p.code },
      include: { refunds: true },
    });
    expect(order.status).toBe('PENDING');
    expect(order.refunds).toMatchObject([{ reason: 'amount_mismatch', amountCents: 100 }]);
    const refundCall = await waitFor(
      () => fake.calls.slice(before).find((c) => c.path === '/v1/refunds') ?? null,
      5_000,
      'refund call',
    );
    expect(refundCall).toMatchObject({
      idempotencyKey: `seatrush-refund-${order.refunds[0]!.id}`,
      form: { payment_intent: p.pi, amount: '100' },
    });
  });

  it('maps requires_action, payment_failed, disputes and refund updates onto the state machines', async () => {
    const p = await openPayment(4, ['A-3-2', 'A-3-3']);
    const status = async () =>
      (await prisma().payment.findUniqueOrThrow({ where: { id: p.paymentId } })).status;
    expect(
      (await send(stripeEvent('payment_intent.requires_action', intent(p.pi, 35600)))).json.outcome,
    ).toBe('pending');
    const failed = intent(p.pi, 35600, {
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' },
    });
    expect((await send(stripeEvent('payment_intent.payment_failed', failed))).json.outcome).toBe('failed');
    expect((await prisma().payment.findUniqueOrThrow({ where: { id: p.paymentId } })).failureCode).toBe(
      'insufficient_funds',
    );
    expect((await send(stripeEvent('payment_intent.succeeded', intent(p.pi, 35600)))).json.outcome).toBe(
      'paid',
    );

    // A partial refund that Stripe answers `pending`; its refund.updated webhook completes it.
    const staff = await staffWithToken(stack.container, 'box_office');
    const items = await prisma().orderItem.findMany({
      where: { order: { code: p.code } },
      orderBy: { id: 'asc' },
    });
    fake.refundAnswer = 'pending';
    const refunded = await w.api<{ refund: { id: string; status: string; amountCents: number } }>(
      'post',
      `/api/staff/orders/${p.code}/refund`,
      { token: staff.token, body: { itemIds: [items[0]!.id] } },
    );
    fake.refundAnswer = 'succeeded';
    expect(refunded.status, refunded.text).toBe(200);
    // The route sends the refund before it answers.
    const refund = await prisma().refund.findUniqueOrThrow({ where: { id: refunded.json.refund.id } });
    expect(refund.amountCents).toBe(17800);
    expect(refund.status).toBe('transit');
    const call = fake.calls.find((c) => c.idempotencyKey === `seatrush-refund-${refund.id}`);
    expect(call?.form).toMatchObject({ payment_intent: p.pi, amount: '17800' });
    expect(refund.providerRef).toBeTruthy();
    const done = await send(
      stripeEvent('refund.updated', {
        id: refund.providerRef,
        object: 'refund',
        amount: 17800,
        currency: 'eur',
        payment_intent: p.pi,
        status: 'succeeded',
      }),
    );
    expect(done.status).toBe(200);
    expect((await prisma().refund.findUniqueOrThrow({ where: { id: refund.id } })).status).toBe('done');

    const dispute = (s: string) => ({
      id: 'dp_1',
      object: 'dispute',
      amount: 35600,
      currency: 'eur',
      payment_intent: p.pi,
      status: s,
    });
    expect((await send(stripeEvent('charge.dispute.created', dispute('needs_response')))).json.outcome).toBe(
      'disputed',
    );
    expect(await status()).toBe('disputed');
    expect((await send(stripeEvent('charge.dispute.closed', dispute('won')))).json.outcome).toBe('confirmed');
    expect(await status()).toBe('confirmed');
    expect(
      (await send(stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }))).json,
    ).toMatchObject({
      received: true,
      outcome: 'ignored',
    });
    const audit = await prisma().auditEntry.findMany({
      where: { entityId: p.paymentId },
      orderBy: { id: 'asc' },
      select: { action: true },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        'payment.pending',
        'payment.failed',
        'payment.confirmed',
        'payment.disputed',
        'payment.dispute_won',
      ]),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { CheckoutResponse } from '@seatrush/shared';
import { stackInventory, startTestStack, type TestStack } from './support/env.ts';
import { ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { startFakeStripe } from './support/fake-stripe.ts';
import { waitFor } from './support/wait.ts';
import { createOrdersModule, type OrdersModule } from '../src/orders-module.ts';
import { closePaymentWindowsAskingProvider } from '../src/application/payments/payment-window.ts';
import { createStripeProvider } from '../src/payments/stripe.ts';

/**
 * Issue 14 #5: a hold whose payment is in flight is not let go before the provider has answered. The expiry asks
 * the provider first: a capture made before the deadline keeps the seats although its webhook is late; a payment
 * still processing extends the hold (bounded, recorded in `expiresAt` and on the order row); a payment declined
 * or never made lets the hold expire.
 */

const STEP_S = 60;
const MAX_S = 120;

let stack: TestStack;
/** Holds that last 10 minutes: the tests move an injected clock to their deadline. */
let w: OrdersWorld;
/** Holds that last 3 seconds: the running worker's own expiry job decides. */
let short: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({
    worker: true,
    env: {
      HOLD_EXTENSION_SECONDS: '0',
      PAYMENT_PENDING_EXTENSION_SECONDS: String(STEP_S),
      PAYMENT_PENDING_MAX_SECONDS: String(MAX_S),
      // The success webhook of the slow card comes ten minutes after its capture: "the worker that sends them
      // was down".
      SANDBOX_SLOW_CONFIRM_MS: '600000',
    },
  });
  w = await ordersWorld(stack, { holdTtlSeconds: 600, buyers: 6, prices: { std: 2200 } });
  short = await ordersWorld(stack, { holdTtlSeconds: 3, buyers: 2, prices: { std: 2200 } });
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
const orderOf = (holdId: string) =>
  prisma().order.findUniqueOrThrow({ where: { holdId }, include: { payments: true } });

let req = 0;
/** A hold on one seat, its checkout (a payment at the sandbox) and, when a card is given, the buyer paying. */
async function paying(world: OrdersWorld, buyer: number, seat: string, card: string | null) {
  const b = world.buyers[buyer]!;
  const h = await world.inv.hold(world.f.showtimeId, {
    buyerId: b.id,
    requestId: `pw${req++}`,
    seats: [seat],
  });
  const co = await world.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: b.email },
  });
  expect(co.status, co.text).toBe(201);
  if (card) {
    const paid = await world.api('post', `/sandbox-pay/${co.json.paymentUrl.split('/').pop()}`, {
      body: { card },
    });
    expect(paid.status, paid.text).toBe(200);
  }
  return { holdId: h.holdId, deadline: Date.parse(h.expiresAt) };
}

/** The orders module on the stack's database and Redis, on a clock the test sets. */
function atClock(): { mod: OrdersModule; set(ms: number): void } {
  let t = Date.now();
  const now = () => t;
  const mod = createOrdersModule(stack.container, { inventory: stackInventory(stack, now), now });
  return {
    mod,
    set(ms) {
      t = ms;
    },
  };
}

describe('expiry asks the provider before it lets a paying hold go', () => {
  it('a capture before the deadline whose webhook is late keeps the seats: the worker makes the order PAID', async () => {
    const { holdId, deadline } = await paying(short, 0, 'A-1-1', '4000000000003220');
    const o = await waitFor(
      async () => {
        const row = await orderOf(holdId);
        return row.status === 'PENDING' ? null : row;
      },
      30_000,
      'the payment window to close',
    );
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(o.status).toBe('PAID');
    expect(o.payments.map((p) => p.status)).toEqual(['confirmed']);
    expect(await seatState(short, 'A-1-1')).toBe(2);
    // The seat is not for sale to anyone else.
    await expect(
      short.inv.hold(short.f.showtimeId, {
        buyerId: short.buyers[1]!.id,
        requestId: 'rival',
        seats: ['A-1-1'],
      }),
    ).rejects.toMatchObject({ code: 'seat_unavailable' });
  });

  it('just ahead of the deadline a captured payment is applied while the hold is live', async () => {
    const { holdId, deadline } = await paying(w, 0, 'A-1-1', '4242424242424242');
    const clock = atClock();
    try {
      clock.set(deadline - 1000);
      const out = await closePaymentWindowsAskingProvider(clock.mod.core, [holdId]);
      expect(out.get(holdId)).toBe('paid');
      expect((await orderOf(holdId)).status).toBe('PAID');
      expect(await seatState(w, 'A-1-1')).toBe(2);
    } finally {
      await clock.mod.close();
    }
  });

  it('a payment still processing extends the hold step by step, within the bound, then lets it expire', async () => {
    const { holdId, deadline } = await paying(w, 1, 'A-1-2', '4000000000000259');
    const clock = atClock();
    const expiresAt = async () => ({
      hold: (await clock.mod.core.inventory.getHold(holdId))?.expiresAt,
      order: (await orderOf(holdId)).expiresAt.getTime(),
    });
    try {
      clock.set(deadline - 1000);
      expect((await closePaymentWindowsAskingProvider(clock.mod.core, [holdId])).get(holdId)).toBe('not_due');
      expect(await expiresAt()).toEqual({ hold: deadline + STEP_S * 1000, order: deadline + STEP_S * 1000 });

      clock.set(deadline + STEP_S * 1000 - 1000);
      expect((await closePaymentWindowsAskingProvider(clock.mod.core, [holdId])).get(holdId)).toBe('not_due');
      expect(await expiresAt()).toEqual({ hold: deadline + MAX_S * 1000, order: deadline + MAX_S * 1000 });

      // The bound is used up: no further extension, and at the (last) deadline the hold expires.
      clock.set(deadline + MAX_S * 1000 - 1000);
      expect((await closePaymentWindowsAskingProvider(clock.mod.core, [holdId])).get(holdId)).toBe('not_due');
      expect((await expiresAt()).hold).toBe(deadline + MAX_S * 1000);
      clock.set(deadline + MAX_S * 1000);
      expect((await closePaymentWindowsAskingProvider(clock.mod.core, [holdId])).get(holdId)).toBe('expired');
      expect((await orderOf(holdId)).status).toBe('EXPIRED');
      expect(await seatState(w, 'A-1-2')).toBe(0);
    } finally {
      await clock.mod.close();
    }
  });

  it('a declined payment, or none made, lets the hold expire at its deadline without extension', async () => {
    const declined = await paying(w, 2, 'A-1-3', '4000000000000002');
    const unpaid = await paying(w, 3, 'A-1-4', null);
    const ids = [declined.holdId, unpaid.holdId];
    const clock = atClock();
    try {
      clock.set(declined.deadline - 1000);
      const early = await closePaymentWindowsAskingProvider(clock.mod.core, ids);
      expect([...early.values()]).toEqual(['not_due', 'not_due']);
      expect((await clock.mod.core.inventory.getHold(declined.holdId))?.expiresAt).toBe(declined.deadline);
      clock.set(Math.max(declined.deadline, unpaid.deadline));
      const out = await closePaymentWindowsAskingProvider(clock.mod.core, ids);
      expect(ids.map((id) => out.get(id))).toEqual(['expired', 'expired']);
      for (const id of ids) expect((await orderOf(id)).status).toBe('EXPIRED');
      expect(await seatState(w, 'A-1-3')).toBe(0);
      expect(await seatState(w, 'A-1-4')).toBe(0);
    } finally {
      await clock.mod.close();
    }
  });
});

describe('the sandbox refunds once per idempotency key', () => {
  // The expiry and a late webhook may apply one capture at the same moment, and both drive its refund on.
  it('the same refund asked for five times at once refunds once, and every answer is that refund', async () => {
    const { holdId } = await paying(w, 4, 'A-2-1', '4242424242424242');
    const providerRef = (await orderOf(holdId)).payments[0]!.providerRef;
    const mod = createOrdersModule(stack.container, { inventory: w.inv });
    try {
      const ask = () =>
        mod.core.provider.refund({
          providerRef,
          amountCents: 2200,
          currency: 'EUR',
          idempotencyKey: 'r_once',
        });
      const answers = await Promise.all([ask(), ask(), ask(), ask(), ask()]);
      expect(answers.map((a) => a.status)).toEqual(Array(5).fill('succeeded'));
      expect(new Set(answers.map((a) => a.refundRef)).size).toBe(1);
      const row = await prisma().sandboxLedgerPayment.findUniqueOrThrow({ where: { ref: providerRef } });
      expect(row.refundedCents).toBe(2200);
    } finally {
      await mod.close();
    }
  });
});

describe("the Stripe adapter's payment status (retrieve PaymentIntent)", () => {
  it('maps what Stripe reports onto the port', async () => {
    const fake = await startFakeStripe('sk_test_window');
    try {
      const stripe = createStripeProvider({
        secretKey: 'sk_test_window',
        publishableKey: 'pk_test_window',
        webhookSecret: 'whsec_window',
        apiBase: fake.url,
        logger: pino({ level: 'silent' }),
        maxNetworkRetries: 0,
      });
      const { providerRef } = await stripe.createPayment({
        paymentId: 'p_window',
        amountCents: 4200,
        currency: 'EUR',
        description: 'window',
        expiresAt: new Date(Date.now() + 60_000),
        returnUrl: 'http://127.0.0.1/orders/x',
      });
      expect(await stripe.paymentStatus(providerRef)).toEqual({ status: 'open' });
      fake.setStatus(providerRef, 'processing');
      expect(await stripe.paymentStatus(providerRef)).toEqual({ status: 'processing' });
      fake.setStatus(providerRef, 'requires_action');
      expect(await stripe.paymentStatus(providerRef)).toEqual({ status: 'processing' });
      fake.succeed(providerRef);
      expect(await stripe.paymentStatus(providerRef)).toEqual({
        status: 'succeeded',
        amountCents: 4200,
        currency: 'EUR',
      });
      fake.setStatus(providerRef, 'canceled');
      expect(await stripe.paymentStatus(providerRef)).toEqual({ status: 'canceled' });
      expect(await stripe.paymentStatus('pi_unknown0')).toEqual({ status: 'unknown' });
      expect(fake.calls.filter((c) => c.method === 'GET').map((c) => c.path)).toContain(
        `/v1/payment_intents/${providerRef}`,
      );
    } finally {
      await fake.close();
    }
  });
});

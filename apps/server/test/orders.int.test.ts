import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CheckoutResponse,
  ErrorBody,
  OrderDto,
  RefundDto,
  StaffOrderDetailDto,
  StaffOrderSummaryDto,
} from '@seatrush/shared';
import { startTestStack, type TestStack } from './support/env.ts';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { ordersSettled, ordersWorld, seatState, type OrdersWorld } from './support/orders-fixtures.ts';
import { waitFor } from './support/wait.ts';
import { verifyTicketQrPayload } from '../src/orders/codes.ts';
import { persistHolds } from '../src/orders/persist.ts';

let stack: TestStack;
/** A showtime with a long payment window. */
let w: OrdersWorld;
/** A showtime whose holds expire after 2 s. */
let short: OrdersWorld;

beforeAll(async () => {
  stack = await startTestStack({
    worker: true,
    env: {
      HOLD_EXTENSION_SECONDS: '1',
      SANDBOX_SLOW_CONFIRM_MS: '300',
      SANDBOX_LATE_PAYMENT_MS: '200',
      // The late-payment cases below need a hold that is not extended while its payment processes
      // (test/payment-window.int.test.ts covers that).
      PAYMENT_PENDING_MAX_SECONDS: '0',
    },
  });
  w = await ordersWorld(stack, {
    holdTtlSeconds: 600,
    sections: [{ key: 'A', rows: 4, seatsPerRow: 10, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 10, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
    buyers: 8,
  });
  short = await ordersWorld(stack, { holdTtlSeconds: 5, buyers: 4, prices: { std: 3000 } });
});
afterAll(async () => {
  await stack?.close();
});

const prisma = () => stack.container.prisma;
const orderOf = (holdId: string) =>
  prisma().order.findUnique({ where: { holdId }, include: { items: true, payments: true, refunds: true } });
const claimsOf = (itemIds: string[]) => prisma().seatClaim.count({ where: { orderItemId: { in: itemIds } } });
const zoneClaimed = async (world: OrdersWorld, zone: string) =>
  (
    await prisma().zoneInventory.findUniqueOrThrow({
      where: { showtimeId_zoneKey: { showtimeId: world.f.showtimeId, zoneKey: zone } },
    })
  ).claimed;
const actions = async (entityId: string) =>
  (await prisma().auditEntry.findMany({ where: { entityId }, orderBy: { id: 'asc' } })).map((a) => a.action);

type Err = { error: ErrorBody };
type RefundAnswer = { order: OrderDto; refund: RefundDto };

let req = 0;
async function hold(
  world: OrdersWorld,
  buyer: number,
  ask: { seats: string[] } | { zone: string; quantity: number },
) {
  return world.inv.hold(world.f.showtimeId, {
    buyerId: world.buyers[buyer]!.id,
    requestId: `r${req++}`,
    ...ask,
  });
}

async function checkout(world: OrdersWorld, h: { holdId: string; holdToken: string }, buyer: number) {
  const r = await world.api<CheckoutResponse>('post', `/api/holds/${h.holdId}/checkout`, {
    body: { holdToken: h.holdToken, email: world.buyers[buyer]!.email },
  });
  expect(r.status, r.text).toBe(201);
  return r.json;
}

async function payWith(world: OrdersWorld, paymentUrl: string, card: string) {
  const r = await world.api<{ outcome: string; status: string }>(
    'post',
    `/sandbox-pay/${paymentUrl.split('/').pop()}`,
    {
      body: { card },
    },
  );
  expect(r.status, r.text).toBe(200);
  return r.json;
}

async function viewOrder(world: OrdersWorld, code: string, buyer: number): Promise<OrderDto> {
  const r = await world.api<OrderDto>(
    'get',
    `/api/orders/${code}?email=${encodeURIComponent(world.buyers[buyer]!.email)}`,
  );
  expect(r.status, r.text).toBe(200);
  return r.json;
}

const untilStatus = (world: OrdersWorld, code: string, buyer: number, status: string, ms = 30_000) =>
  waitFor(
    async () => {
      const o = await viewOrder(world, code, buyer);
      return o.status === status ? o : null;
    },
    ms,
    `order ${code} ${status}`,
  );

describe('orders through the queue', () => {
  it('a seat hold becomes a PENDING order row with its items, prices and seat claims', async () => {
    const h = await hold(w, 0, { seats: ['A-1-1', 'A-1-2'] });
    const o = await waitFor(() => orderOf(h.holdId), 30_000, 'order row');
    expect(o.status).toBe('PENDING');
    expect(o.buyerId).toBe(w.buyers[0]!.id);
    expect(o.items.map((i) => [i.seatLabel, i.priceCents, i.status]).sort()).toEqual([
      ['A-1-1', 2500, 'active'],
      ['A-1-2', 2500, 'active'],
    ]);
    expect(o.totalCents).toBe(5000);
    expect(o.expiresAt.getTime()).toBe(Date.parse(h.expiresAt));
    expect(await claimsOf(o.items.map((i) => i.id))).toBe(2);
    expect(o.code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  });

  it('a GA hold becomes one item per unit and counts into ZoneInventory', async () => {
    const before = await zoneClaimed(w, 'ga');
    const h = await hold(w, 1, { zone: 'ga', quantity: 3 });
    const o = await waitFor(() => orderOf(h.holdId), 30_000, 'order row');
    expect(o.items).toHaveLength(3);
    expect(o.items.every((i) => i.zoneKey === 'ga' && i.priceCents === 1500)).toBe(true);
    expect(new Set(o.items.map((i) => i.ticketCode)).size).toBe(3);
    expect(await zoneClaimed(w, 'ga')).toBe(before + 3);
  });

  it('persisting the same holds again and again, concurrently and with the worker, makes one order each', async () => {
    const holds = await Promise.all(
      ['A-1-5', 'A-1-6', 'A-1-7', 'A-1-8'].map((seat, i) =>
        w.inv.hold(w.f.showtimeId, { buyerId: w.buyers[0]!.id, requestId: `dup${i}`, seats: [seat] }),
      ),
    );
    const records = await Promise.all(holds.map((h) => w.inv.getHold(h.holdId)));
    const batch = records.map((r) => r!);
    const zoneBefore = await zoneClaimed(w, 'ga');
    const ga = await hold(w, 0, { zone: 'ga', quantity: 2 });
    batch.push((await w.inv.getHold(ga.holdId))!);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => persistHolds(prisma(), [...batch, batch[0]!], { now: Date.now() })),
    );
    // A concurrent batch may lose a claim race to another (the job is then retried); none may double anything.
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    const rows = await prisma().order.findMany({
      where: { holdId: { in: batch.map((b) => b.id) } },
      include: { items: true },
    });
    expect(rows).toHaveLength(5);
    expect(rows.reduce((n, o) => n + o.items.length, 0)).toBe(6);
    expect(await claimsOf(rows.flatMap((o) => o.items.map((i) => i.id)))).toBe(4);
    // The worker persists the same holds from the outbox too: once it is done with them, nothing was counted twice.
    await ordersSettled(
      w,
      batch.map((b) => b.id),
    );
    expect(await zoneClaimed(w, 'ga')).toBe(zoneBefore + 2);
  });
});

describe('checkout and payment', () => {
  it('the success card: order PAID, seats sold, signed tickets, audit trail', async () => {
    const h = await hold(w, 2, { seats: ['A-2-1', 'A-2-2'] });
    const co = await checkout(w, h, 2);
    expect(co.amountCents).toBe(5000);
    // Extended once, by the configured second.
    expect(Date.parse(co.expiresAt)).toBe(Date.parse(h.expiresAt) + 1000);
    expect((await payWith(w, co.paymentUrl, '4242 4242 4242 4242')).outcome).toBe('success');
    const o = await untilStatus(w, co.orderCode, 2, 'PAID');
    expect(o.tickets).toHaveLength(2);
    for (const t of o.tickets) {
      expect(verifyTicketQrPayload(stack.config.ticketSigningSecret, t.qrPayload)).toEqual({
        ticketCode: t.ticketCode,
        showtimeId: w.f.showtimeId,
      });
      expect(t.qrImage).toMatch(/^data:image\/svg\+xml;base64,/);
    }
    expect(o.payments).toMatchObject([{ status: 'confirmed', amountCents: 5000 }]);
    expect(await seatState(w, 'A-2-1')).toBe(2);
    expect(await seatState(w, 'A-2-2')).toBe(2);
    const row = (await orderOf(h.holdId))!;
    expect(row.paidAt).not.toBeNull();
    expect(await actions(row.id)).toContain('order.paid');
    expect(await actions(row.payments[0]!.id)).toEqual(['payment.created', 'payment.confirmed']);
    // The order is only for its buyer.
    expect((await w.api('get', `/api/orders/${co.orderCode}?email=someone@else.test`)).status).toBe(404);
    expect((await w.api('get', `/api/orders/${co.orderCode}`)).status).toBe(404);
    // A second checkout of a paid hold is refused.
    const again = await w.api('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: h.holdToken, email: w.buyers[2]!.email },
    });
    expect(again.status).toBe(409);
  });

  it('a decline keeps the seats held; the buyer retries and pays', async () => {
    const h = await hold(w, 3, { seats: ['A-3-1'] });
    const co = await checkout(w, h, 3);
    expect((await payWith(w, co.paymentUrl, '4000000000000002')).status).toBe('failed');
    const failed = await waitFor(
      async () => {
        const o = await viewOrder(w, co.orderCode, 3);
        return o.payments[0]?.status === 'failed' ? o : null;
      },
      10_000,
      'payment failed',
    );
    expect(failed.status).toBe('PENDING');
    expect(failed.payments[0]!.failureCode).toBe('card_declined');
    expect(await seatState(w, 'A-3-1')).toBe(1);
    // Insufficient funds on a new attempt (a second checkout starts a new payment after a failure).
    const co2 = await checkout(w, h, 3);
    expect(co2.paymentId).not.toBe(co.paymentId);
    expect(co2.expiresAt).toBe(co.expiresAt); // extended once only
    expect((await payWith(w, co2.paymentUrl, '4000000000009995')).status).toBe('failed');
    await waitFor(
      async () => (await viewOrder(w, co.orderCode, 3)).payments[1]?.failureCode === 'insufficient_funds',
      10_000,
    );
    // Then the success card on the first payment page.
    expect((await payWith(w, co.paymentUrl, '4242424242424242')).outcome).toBe('success');
    const paid = await untilStatus(w, co.orderCode, 3, 'PAID');
    expect(paid.payments.map((p: { status: string }) => p.status)).toEqual(['confirmed', 'failed']);
    expect(await seatState(w, 'A-3-1')).toBe(2);
  });

  it('the slow 3-D Secure card: pending first, PAID a little later', async () => {
    const h = await hold(w, 4, { zone: 'ga', quantity: 2 });
    const co = await checkout(w, h, 4);
    expect((await payWith(w, co.paymentUrl, '4000000000003220')).status).toBe('processing');
    await waitFor(
      async () => (await viewOrder(w, co.orderCode, 4)).payments[0]?.status === 'pending',
      10_000,
      'pending',
    );
    const o = await untilStatus(w, co.orderCode, 4, 'PAID');
    expect(o.tickets).toHaveLength(2);
    // While a payment is under way a second checkout returns it instead of charging twice.
  });

  it('checkout refuses a wrong token, a wrong email and an unknown hold', async () => {
    const h = await hold(w, 5, { seats: ['A-4-1'] });
    const bad = await w.api<Err>('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: 'nope', email: w.buyers[5]!.email },
    });
    expect(bad.json.error.code).toBe('hold_token_invalid');
    const mail = await w.api<Err>('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: h.holdToken, email: 'x@y.test' },
    });
    expect(mail.json.error.code).toBe('validation_failed');
    const unknown = await w.api<Err>('post', `/api/holds/${w.f.showtimeId}.doesnotexist123/checkout`, {
      body: { holdToken: h.holdToken, email: w.buyers[5]!.email },
    });
    expect(unknown.json.error.code).toBe('hold_not_found');
  });
});

describe('the payment window', () => {
  it('expiry: order EXPIRED, seats free, claims gone', async () => {
    const h = await hold(short, 0, { seats: ['A-1-1'] });
    const o = await waitFor(() => orderOf(h.holdId), 30_000);
    expect(await seatState(short, 'A-1-1')).toBe(1);
    const expired = await waitFor(
      async () => {
        const x = await orderOf(h.holdId);
        return x?.status === 'EXPIRED' ? x : null;
      },
      10_000,
      'EXPIRED',
    );
    expect(await seatState(short, 'A-1-1')).toBe(0);
    expect(expired.items[0]!.status).toBe('released');
    expect(await claimsOf(o.items.map((i) => i.id))).toBe(0);
    expect(await actions(o.id)).toEqual(['order.expired']);
    // Checkout after expiry is refused.
    const late = await short.api<Err>('post', `/api/holds/${h.holdId}/checkout`, {
      body: { holdToken: h.holdToken, email: short.buyers[0]!.email },
    });
    expect(late.json.error.code).toBe('hold_expired');
  });

  it('a payment after expiry re-claims the same seats when they are still free', async () => {
    const h = await hold(short, 1, { seats: ['A-1-2'] });
    const co = await checkout(short, h, 1);
    expect((await payWith(short, co.paymentUrl, '4000000000000259')).status).toBe('processing');
    const o = await untilStatus(short, co.orderCode, 1, 'PAID', 60_000);
    const row = (await orderOf(h.holdId))!;
    expect(await actions(row.id)).toEqual(['order.expired', 'order.reclaimed']);
    expect(o.notice).toBeNull();
    expect(o.tickets).toHaveLength(1);
    expect(await seatState(short, 'A-1-2')).toBe(2);
    expect(await claimsOf(row.items.map((i) => i.id))).toBe(1);
  });

  it('a payment after expiry is refunded when the seats were taken meanwhile, and the buyer is told', async () => {
    const h = await hold(short, 2, { seats: ['A-1-3'] });
    const co = await checkout(short, h, 2);
    await payWith(short, co.paymentUrl, '4000000000000259');
    // Someone else takes the seat the moment it is free again.
    const rival = await waitFor(
      () => hold(short, 3, { seats: ['A-1-3'] }).catch(() => null),
      60_000,
      'the seat back on sale',
    );
    const o = await waitFor(
      async () => {
        const v = await viewOrder(short, co.orderCode, 2);
        return v.refunds[0]?.status === 'done' ? v : null;
      },
      60_000,
      'refund done',
    );
    expect(o.status).toBe('EXPIRED');
    expect(o.notice).toBe('paid_after_expiry_refunded');
    expect(o.tickets).toEqual([]);
    expect(o.refunds).toMatchObject([{ amountCents: 3000, reason: 'paid_after_expiry', itemIds: [] }]);
    expect(o.payments[0]!.status).toBe('refunded');
    expect(await seatState(short, 'A-1-3')).toBe(1);
    expect((await short.inv.getHold(rival.holdId))?.status).toBe('held');
  });

  it('cancel: releasing the hold makes the order CANCELLED and frees the seats', async () => {
    const h = await hold(w, 5, { seats: ['A-4-5', 'A-4-6'] });
    const o = await waitFor(() => orderOf(h.holdId), 30_000);
    const del = await w.api('delete', `/api/holds/${h.holdId}`, {
      headers: { authorization: `Bearer ${h.holdToken}` },
    });
    if (del.status === 404) await w.inv.release(h.holdId, h.holdToken); // hold routes not mounted on this build
    const c = await waitFor(
      async () => {
        const x = await orderOf(h.holdId);
        return x?.status === 'CANCELLED' ? x : null;
      },
      10_000,
      'CANCELLED',
    );
    expect(c.items.every((i) => i.status === 'released')).toBe(true);
    expect(await claimsOf(o.items.map((i) => i.id))).toBe(0);
    expect(await seatState(w, 'A-4-5')).toBe(0);
    expect(await actions(o.id)).toEqual(['order.cancelled']);
  });
});

describe('refunds', () => {
  async function paidOrder(buyer: number, ask: { seats: string[] } | { zone: string; quantity: number }) {
    const h = await hold(w, buyer, ask);
    const co = await checkout(w, h, buyer);
    await payWith(w, co.paymentUrl, '4242424242424242');
    const o = await untilStatus(w, co.orderCode, buyer, 'PAID');
    return { h, co, o };
  }

  it('a buyer refunds one seat, then the rest: PARTIALLY_REFUNDED, then REFUNDED; seats back on sale once', async () => {
    const { co, o, h } = await paidOrder(6, { seats: ['A-3-5', 'A-3-6', 'A-3-7'] });
    const first = o.items.find((i) => i.seatLabel === 'A-3-5')!;
    const r1 = await w.api<RefundAnswer>('post', `/api/orders/${co.orderCode}/refund`, {
      body: { email: w.buyers[6]!.email, itemIds: [first.id] },
    });
    expect(r1.status, r1.text).toBe(200);
    expect(r1.json.order.status).toBe('PARTIALLY_REFUNDED');
    expect(r1.json.refund).toMatchObject({ amountCents: 2500, status: 'done', itemIds: [first.id] });
    expect(r1.json.order.tickets).toHaveLength(2);
    expect(await seatState(w, 'A-3-5')).toBe(0);
    expect(await seatState(w, 'A-3-6')).toBe(2);
    // The same item again: refused, and nothing moves twice.
    const again = await w.api<Err>('post', `/api/orders/${co.orderCode}/refund`, {
      body: { email: w.buyers[6]!.email, itemIds: [first.id] },
    });
    expect(again.json.error.code).toBe('refund_not_allowed');
    // The rest.
    const r2 = await w.api<RefundAnswer>('post', `/api/orders/${co.orderCode}/refund`, {
      body: { email: w.buyers[6]!.email },
    });
    expect(r2.json.order.status).toBe('REFUNDED');
    expect(r2.json.order.refundedCents).toBe(7500);
    expect(r2.json.order.payments[0]!.status).toBe('refunded');
    expect(await seatState(w, 'A-3-6')).toBe(0);
    const row = (await orderOf(h.holdId))!;
    expect(await claimsOf(row.items.map((i) => i.id))).toBe(0);
    expect(await actions(row.id)).toEqual(['order.paid', 'order.partially_refunded', 'order.refunded']);
    expect((await w.inv.recount(w.f.showtimeId)).ok).toBe(true);
  });

  it('staff refund GA units at any time, even when buyer refunds are off', async () => {
    const { co, o } = await paidOrder(7, { zone: 'ga', quantity: 2 });
    await prisma().showtime.update({ where: { id: w.f.showtimeId }, data: { buyerRefunds: false } });
    try {
      const view = await viewOrder(w, co.orderCode, 7);
      expect(view.buyerRefundable).toBe(false);
      const buyerTry = await w.api<Err>('post', `/api/orders/${co.orderCode}/refund`, {
        body: { email: w.buyers[7]!.email },
      });
      expect(buyerTry.json.error.code).toBe('refund_not_allowed');
      const staff = await staffWithToken(stack.container, 'box_office');
      const zoneBefore = await zoneClaimed(w, 'ga');
      const snapBefore = (await w.inv.snapshot(w.f.showtimeId)).zones.ga!;
      const r = await w.api<RefundAnswer>('post', `/api/staff/orders/${co.orderCode}/refund`, {
        token: staff.token,
        body: { itemIds: [o.items[0]!.id], reason: 'customer called' },
      });
      expect(r.status, r.text).toBe(200);
      expect(r.json.order.status).toBe('PARTIALLY_REFUNDED');
      expect(r.json.refund.requestedBy).toBe(`token:${staff.tokenId}`);
      expect(await zoneClaimed(w, 'ga')).toBe(zoneBefore - 1);
      expect((await w.inv.snapshot(w.f.showtimeId)).zones.ga!.available).toBe(snapBefore.available + 1);
      // Staff search and detail.
      const found = await w.api<{ orders: StaffOrderSummaryDto[] }>(
        'get',
        `/api/staff/orders?q=${encodeURIComponent(w.buyers[7]!.email)}`,
        {
          token: staff.token,
        },
      );
      expect(found.json.orders.map((x) => x.code)).toContain(co.orderCode);
      const byCode = await w.api<{ orders: StaffOrderSummaryDto[] }>(
        'get',
        `/api/staff/orders?q=${co.orderCode.replace('-', '').toLowerCase()}`,
        { token: staff.token },
      );
      expect(byCode.json.orders[0]!.code).toBe(co.orderCode);
      const detail = await w.api<StaffOrderDetailDto>('get', `/api/staff/orders/${co.orderCode}`, {
        token: staff.token,
      });
      expect(detail.json.audit.map((a) => a.action)).toEqual(
        expect.arrayContaining([
          'order.paid',
          'payment.confirmed',
          'order.partially_refunded',
          'refund.created',
          'refund.done',
        ]),
      );
      expect((await w.api('get', '/api/staff/orders?q=x')).status).toBe(401);
    } finally {
      await prisma().showtime.update({ where: { id: w.f.showtimeId }, data: { buyerRefunds: true } });
    }
  });

  it('staff find an order by seat label', async () => {
    const { co } = await paidOrder(0, { seats: ['A-4-9'] });
    const staff = await staffWithToken(stack.container, 'box_office');
    const r = await w.api<{ orders: StaffOrderSummaryDto[] }>('get', '/api/staff/orders?q=A-4-9', {
      token: staff.token,
    });
    expect(r.json.orders.map((x) => x.code)).toEqual([co.orderCode]);
  });
});

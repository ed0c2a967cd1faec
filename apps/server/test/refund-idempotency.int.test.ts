import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@seatrush/shared';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { paidOrder, refundsWorld, type OrdersWorld, type RefundAnswer } from './support/orders-fixtures.ts';
import { refundOrder } from '../src/application/refunds/refund-order.ts';
import { createOrdersModule } from '../src/orders-module.ts';
import type { PaymentProvider } from '../src/payments/provider.ts';

/** Issue 14 #2: a refund whose answer was lost is answered again, not refused, when the client retries it. */

let w: OrdersWorld;

beforeAll(async () => {
  w = await refundsWorld({ rows: 2, buyers: 6 });
});
afterAll(async () => {
  await w?.stack.close();
});

type Err = { error: ErrorBody };

const refundsOf = (code: string) =>
  w.stack.container.prisma.refund.findMany({ where: { order: { code } }, orderBy: { createdAt: 'asc' } });

describe('refunds with an Idempotency-Key', () => {
  it('a buyer retrying a refund with the same key gets the first answer, and nothing is refunded twice', async () => {
    const o = await paidOrder(w, 0, ['A-1-1', 'A-1-2']);
    const first = o.items.find((i) => i.seatLabel === 'A-1-1')!;
    const ask = () =>
      w.api<RefundAnswer>('post', `/api/orders/${o.code}/refund`, {
        headers: { 'idempotency-key': 'buyer-refund-1' },
        body: { email: w.buyers[0]!.email, itemIds: [first.id] },
      });
    const r1 = await ask();
    expect(r1.status, r1.text).toBe(200);
    expect(r1.headers.get('idempotent-replayed')).toBeNull();
    const r2 = await ask();
    expect(r2.status, r2.text).toBe(200);
    expect(r2.headers.get('idempotent-replayed')).toBe('true');
    expect(r2.json.refund.id).toBe(r1.json.refund.id);
    expect(r2.json.order.status).toBe('PARTIALLY_REFUNDED');
    expect(await refundsOf(o.code)).toHaveLength(1);
    // The same key with other items is another request: refused, nothing moves.
    const other = o.items.find((i) => i.seatLabel === 'A-1-2')!;
    const clash = await w.api<Err>('post', `/api/orders/${o.code}/refund`, {
      headers: { 'idempotency-key': 'buyer-refund-1' },
      body: { email: w.buyers[0]!.email, itemIds: [other.id] },
    });
    expect(clash.status, clash.text).toBe(409);
    expect(clash.json.error.code).toBe('idempotency_conflict');
    expect(await refundsOf(o.code)).toHaveLength(1);
  });

  it('concurrent retries with one key make one refund and all get its answer', async () => {
    const o = await paidOrder(w, 1, ['A-1-4', 'A-1-5']);
    const staff = await staffWithToken(w.stack.container, 'box_office');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        w.api<RefundAnswer>('post', `/api/staff/orders/${o.code}/refund`, {
          token: staff.token,
          headers: { 'idempotency-key': 'staff-refund-race' },
          body: {},
        }),
      ),
    );
    for (const a of answers) expect(a.status, a.text).toBe(200);
    expect(new Set(answers.map((a) => a.json.refund.id)).size).toBe(1);
    const rows = await refundsOf(o.code);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.amountCents).toBe(5000);
  });

  it('when the first answer is lost after the refund was recorded, the retry finishes it and answers with it', async () => {
    const o = await paidOrder(w, 2, ['A-2-1']);
    const staff = await staffWithToken(w.stack.container, 'box_office');
    // The first attempt dies between its commit and the provider's answer (a node killed, PostgreSQL gone).
    const broken: PaymentProvider = {
      name: 'sandbox',
      createPayment: () => Promise.reject(new Error('unused')),
      cancel: () => Promise.resolve(),
      refund: () => Promise.reject(new Error('connection reset')),
      paymentStatus: () => Promise.resolve({ status: 'unknown' }),
    };
    const dying = createOrdersModule(w.stack.container, { inventory: w.inv, provider: broken });
    try {
      await expect(
        refundOrder(dying.core, {
          code: o.code,
          actor: `token:${staff.tokenId}`,
          reason: 'staff_request',
          by: 'staff',
          idempotencyKey: 'lost-answer',
        }),
      ).rejects.toThrow('connection reset');
    } finally {
      await dying.close();
    }
    const retry = await w.api<RefundAnswer>('post', `/api/staff/orders/${o.code}/refund`, {
      token: staff.token,
      headers: { 'idempotency-key': 'lost-answer' },
      body: {},
    });
    expect(retry.status, retry.text).toBe(200);
    expect(retry.json.refund.status).toBe('done');
    expect(retry.json.order.status).toBe('REFUNDED');
    expect(await refundsOf(o.code)).toHaveLength(1);
  });

  it('a malformed key is refused before anything happens', async () => {
    const o = await paidOrder(w, 3, ['A-2-5']);
    const r = await w.api<Err>('post', `/api/orders/${o.code}/refund`, {
      headers: { 'idempotency-key': 'not a key!' },
      body: { email: w.buyers[3]!.email },
    });
    expect(r.status, r.text).toBe(400);
    expect(await refundsOf(o.code)).toHaveLength(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody, StaffOrderDetailDto } from '@seatrush/shared';
import { staffWithToken } from './support/catalog-fixtures.ts';
import { paidOrder, refundsWorld, type OrdersWorld, type RefundAnswer } from './support/orders-fixtures.ts';

/**
 * Issue 14 #14: a refund the provider refuses leaves the order paid, its tickets valid and its seats sold, with
 * the refusal on the staff order view; a staff retry after the provider recovers refunds it, and only then do the
 * seats go back on sale. The provider is the real sandbox with its PostgreSQL ledger: it refuses (`not_captured`)
 * while its record of the payment says it was not captured.
 */

let w: OrdersWorld;

beforeAll(async () => {
  w = await refundsWorld({ rows: 1, buyers: 3 });
});
afterAll(async () => {
  await w?.stack.close();
});

type Err = { error: ErrorBody };
const prisma = () => w.stack.container.prisma;

let req = 0;
/** Whether another buyer can hold the seat now (it is on sale). */
const holdable = (seat: string) =>
  w.inv.hold(w.f.showtimeId, { buyerId: w.buyers[2]!.id, requestId: `probe${req++}`, seats: [seat] }).then(
    async (h) => {
      await w.inv.release(h.holdId, h.holdToken);
      return 'free';
    },
    (e: { code?: string }) => e.code,
  );

describe('a refund the provider refuses', () => {
  it('leaves the order paid and its seats sold, shows the failure to staff, and a retry refunds it', async () => {
    const o = await paidOrder(w, 0, ['A-1-1', 'A-1-2']);
    const staff = await staffWithToken(w.stack.container, 'box_office');
    const payment = await prisma().payment.findFirstOrThrow({ where: { order: { code: o.code } } });
    // The provider's records lose the capture (as the Redis-kept ledger did after a wipe): it refuses refunds.
    await prisma().sandboxLedgerPayment.update({
      where: { ref: payment.providerRef },
      data: { status: 'processing' },
    });

    const refused = await w.api<RefundAnswer>('post', `/api/staff/orders/${o.code}/refund`, {
      token: staff.token,
      body: { reason: 'customer asked' },
    });
    expect(refused.status, refused.text).toBe(200);
    expect(refused.json.refund).toMatchObject({ status: 'failed', failureCode: 'not_captured' });
    expect(refused.json.order.status).toBe('PAID');
    expect(refused.json.order.refundedCents).toBe(0);
    expect(refused.json.order.tickets).toHaveLength(2);

    // PostgreSQL: items active, their seats claimed; Redis: nobody else can hold them.
    const items = await prisma().orderItem.findMany({ where: { order: { code: o.code } } });
    expect(items.map((i) => i.status)).toEqual(['active', 'active']);
    expect(await prisma().seatClaim.count({ where: { orderItemId: { in: items.map((i) => i.id) } } })).toBe(
      2,
    );
    expect(await holdable('A-1-1')).toBe('seat_unavailable');
    expect(await holdable('A-1-2')).toBe('seat_unavailable');

    // Staff see it, with the provider's reason, in the order's view and its audit trail.
    const detail = await w.api<StaffOrderDetailDto>('get', `/api/staff/orders/${o.code}`, {
      token: staff.token,
    });
    expect(detail.status, detail.text).toBe(200);
    expect(detail.json.status).toBe('PAID');
    expect(detail.json.refunds).toEqual([
      expect.objectContaining({ id: refused.json.refund.id, status: 'failed', failureCode: 'not_captured' }),
    ]);
    expect(detail.json.audit.map((a) => a.action)).toContain('refund.failed');
    expect(detail.json.audit.map((a) => a.action)).not.toContain('order.refunded');

    // The tickets of a refused refund cannot be refunded a second time alongside it: staff retry it instead.
    const again = await w.api<Err>('post', `/api/staff/orders/${o.code}/refund`, {
      token: staff.token,
      body: {},
    });
    expect(again.status, again.text).toBe(409);
    expect(again.json.error.code).toBe('refund_not_allowed');

    // A retry while the provider still refuses: still failed, still paid.
    const retryPath = `/api/staff/orders/${o.code}/refunds/${refused.json.refund.id}/retry`;
    const stillRefused = await w.api<RefundAnswer>('post', retryPath, { token: staff.token });
    expect(stillRefused.status, stillRefused.text).toBe(200);
    expect(stillRefused.json.refund).toMatchObject({ status: 'failed', failureCode: 'not_captured' });
    expect(stillRefused.json.order.status).toBe('PAID');

    // The provider recovers; the retry refunds, and only now do the seats go back on sale.
    await prisma().sandboxLedgerPayment.update({
      where: { ref: payment.providerRef },
      data: { status: 'succeeded' },
    });
    const retried = await w.api<RefundAnswer>('post', retryPath, { token: staff.token });
    expect(retried.status, retried.text).toBe(200);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.json.refund).toMatchObject({ status: 'done', failureCode: null });
    expect(retried.json.order.status).toBe('REFUNDED');
    expect(retried.json.order.refundedCents).toBe(5000);
    expect(await holdable('A-1-1')).toBe('free');
    expect(await holdable('A-1-2')).toBe('free');

    // Retrying a done refund answers it again and pays nothing twice.
    const replay = await w.api<RefundAnswer>('post', retryPath, { token: staff.token });
    expect(replay.status, replay.text).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.refund.status).toBe('done');
    const ledger = await prisma().sandboxLedgerPayment.findUniqueOrThrow({
      where: { ref: payment.providerRef },
    });
    expect(ledger.refundedCents).toBe(5000);
    const refunds = await prisma().refund.findMany({ where: { order: { code: o.code } } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.attempts).toBe(2);

    const audit = await prisma().auditEntry.findMany({
      where: { entityId: refused.json.refund.id, action: 'refund.retried' },
    });
    expect(audit.map((a) => a.actor)).toEqual([`token:${staff.tokenId}`, `token:${staff.tokenId}`]);
  });

  it('a retry of a refund of another order, or of none, is not found', async () => {
    const o = await paidOrder(w, 1, ['A-1-5']);
    const staff = await staffWithToken(w.stack.container, 'box_office');
    const r = await w.api<Err>('post', `/api/staff/orders/${o.code}/refunds/rnothere/retry`, {
      token: staff.token,
    });
    expect(r.status, r.text).toBe(404);
    expect(r.json.error.code).toBe('not_found');
  });
});

import {
  buyerOrderListSchema,
  buyerOrdersQuerySchema,
  buyerRefundBodySchema,
  checkoutBodySchema,
  checkoutResponseSchema,
  holdIdParamsSchema,
  idempotencyKeySchema,
  orderCodeParamsSchema,
  orderLookupQuerySchema,
  orderSchema,
  refundResponseSchema,
  refundRetryParamsSchema,
  staffOrderDetailSchema,
  staffOrderListSchema,
  staffOrderSearchQuerySchema,
  staffRefundBodySchema,
} from '@seatrush/shared';
import { DomainError } from '../domain/errors.ts';
import type { OrdersCore } from '../orders/core.ts';
import { checkout } from '../application/checkout/checkout.ts';
import { refundOrder, retryRefund, type RefundOutcome } from '../application/refunds/refund-order.ts';
import {
  findOrder,
  listBuyerOrders,
  orderDto,
  REFUND_REASON,
  searchOrders,
  staffOrderDetail,
  type FullOrder,
} from '../orders/views.ts';
import { route, type RouteDef } from './route.ts';
import type { SessionHolds } from '../auth/session-holds.ts';
import { actorOf, type Principal } from '../auth/principal.ts';

/** The caller may see the order: its buyer's session, or the buyer's email given with the code. */
function mayAccess(o: FullOrder, principal: Principal | null, email: string | undefined): boolean {
  if (principal?.kind === 'buyer' && principal.buyerId === o.buyerId) return true;
  return email !== undefined && email === o.buyer.email.toLowerCase();
}

async function orderFor(
  core: OrdersCore,
  code: string,
  principal: Principal | null,
  email: string | undefined,
) {
  const o = await findOrder(core.prisma, { code });
  // Unknown code and wrong email answer alike, so codes cannot be probed.
  if (!o || !mayAccess(o, principal, email))
    throw new DomainError('not_found', 'No order with that code and email.');
  return o;
}

/** The optional `Idempotency-Key` of a refund request (400 when malformed). */
function refundKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  const raw = headers['idempotency-key'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (v === undefined) return undefined;
  const r = idempotencyKeySchema.safeParse(v);
  if (r.success) return r.data;
  const message = r.error.issues[0]?.message ?? 'Invalid';
  throw new DomainError('validation_failed', `Invalid Idempotency-Key header: ${message}`, undefined, [
    { path: 'headers.idempotency-key', message },
  ]);
}

/**
 * Checkout, the buyer's order page, their order list and refunds; the box office's order search, detail and
 * refunds.
 */
export function orderRoutes(core: OrdersCore, sessionHolds: SessionHolds): RouteDef[] {
  const tags = ['orders'];
  const staffTags = ['staff orders'];
  return [
    route({
      method: 'post',
      path: '/api/holds/:holdId/checkout',
      access: 'public',
      summary:
        'Start paying for a hold: creates the order and a payment, extends the hold once, returns the payment page',
      tags,
      params: holdIdParamsSchema,
      body: checkoutBodySchema,
      response: checkoutResponseSchema,
      handler: async ({ params, body }) => ({ status: 201, body: await checkout(core, params.holdId, body) }),
    }),
    route({
      method: 'get',
      path: '/api/orders/:code',
      access: 'public',
      summary:
        "An order with its items, tickets (signed QR codes), payments and refunds (the buyer's email or session)",
      tags,
      params: orderCodeParamsSchema,
      query: orderLookupQuerySchema,
      response: orderSchema,
      handler: async ({ params, query, principal }) => {
        const o = await orderFor(core, params.code, principal, query.email);
        return {
          body: await orderDto(o, core.config.ticketSigningSecret, core.now()),
          headers: { 'cache-control': 'no-store' },
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/buyer/orders',
      access: 'buyer',
      summary:
        'The orders made in this buyer session (every order of the e-mail once the session is verified), newest first, a page at a time; PENDING ones with their deadline',
      tags,
      query: buyerOrdersQuerySchema,
      response: buyerOrderListSchema,
      handler: async ({ query, principal }) => {
        if (principal?.kind !== 'buyer') throw new DomainError('unauthenticated');
        // A verified session proved the e-mail: all its orders. An unverified one is a claim: its own (docs/buyers.md).
        const holdIds = principal.verified
          ? null
          : principal.sessionId
            ? await sessionHolds.holdIds(principal.sessionId)
            : [];
        return {
          body: await listBuyerOrders(core.prisma, principal.buyerId, holdIds, query),
          headers: { 'cache-control': 'no-store' },
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/orders/:code/refund',
      access: 'public',
      summary:
        'The buyer refunds a paid order, in full or some items, while the showtime allows buyer refunds; a retry with the same Idempotency-Key header gets the first answer',
      tags,
      params: orderCodeParamsSchema,
      body: buyerRefundBodySchema,
      response: refundResponseSchema,
      handler: async ({ params, body, principal, req }) => {
        const idempotencyKey = refundKeyOf(req.headers);
        const o = await orderFor(core, params.code, principal, body.email);
        const r = await refundOrder(core, {
          code: params.code,
          itemIds: body.itemIds,
          actor: `buyer:${o.buyerId}`,
          reason: REFUND_REASON.buyer,
          by: 'buyer',
          idempotencyKey,
        });
        return refundAnswer(core, params.code, r);
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/orders',
      access: 'box_office',
      summary: 'Find orders by order code, buyer email (or part of it) or seat label',
      tags: staffTags,
      query: staffOrderSearchQuerySchema,
      response: staffOrderListSchema,
      handler: async ({ query }) => ({
        body: {
          orders: await searchOrders(core.prisma, query.q, {
            showtimeId: query.showtimeId,
            limit: query.limit,
          }),
        },
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/orders/:code',
      access: 'box_office',
      summary: 'An order with items, tickets, payments, refunds and its audit trail',
      tags: staffTags,
      params: orderCodeParamsSchema,
      response: staffOrderDetailSchema,
      handler: async ({ params }) => {
        const o = await findOrder(core.prisma, { code: params.code });
        if (!o) throw new DomainError('not_found', 'No such order.');
        return { body: await staffOrderDetail(core.prisma, o, core.config.ticketSigningSecret, core.now()) };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/orders/:code/refund',
      access: 'box_office',
      summary:
        'Refund a paid order in full or some items, at any time (box office); a retry with the same Idempotency-Key header gets the first answer',
      tags: staffTags,
      params: orderCodeParamsSchema,
      body: staffRefundBodySchema,
      response: refundResponseSchema,
      handler: async ({ params, body, principal, req }) => {
        const r = await refundOrder(core, {
          code: params.code,
          itemIds: body.itemIds,
          actor: actorOf(principal),
          reason: body.reason ? `${REFUND_REASON.staff}: ${body.reason}` : REFUND_REASON.staff,
          by: 'staff',
          idempotencyKey: refundKeyOf(req.headers),
        });
        return refundAnswer(core, params.code, r);
      },
    }),
    retryRefundRoute(core, staffTags),
  ];
}

/** Staff retry a refund the provider refused. */
function retryRefundRoute(core: OrdersCore, tags: string[]): RouteDef {
  return route({
    method: 'post',
    path: '/api/staff/orders/:code/refunds/:refundId/retry',
    access: 'box_office',
    summary:
      'Ask the provider again for a refund it refused (failed); idempotent: a refund already retried, under way or done is answered as it is',
    tags,
    params: refundRetryParamsSchema,
    response: refundResponseSchema,
    handler: async ({ params, principal }) => {
      const r = await retryRefund(core, {
        code: params.code,
        refundId: params.refundId,
        actor: actorOf(principal),
      });
      return refundAnswer(core, params.code, r);
    },
  });
}

/** The order as it is now and the refund; a replayed Idempotency-Key says so in `Idempotent-Replayed: true`. */
async function refundAnswer(core: OrdersCore, code: string, r: RefundOutcome) {
  const o = await findOrder(core.prisma, { code });
  if (!o) throw new DomainError('not_found');
  const order = await orderDto(o, core.config.ticketSigningSecret, core.now());
  const refund = order.refunds.find((x) => x.id === r.refundId);
  if (!refund) throw new Error(`refund ${r.refundId} not found after creating it`);
  return {
    body: { order, refund },
    ...(r.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
}

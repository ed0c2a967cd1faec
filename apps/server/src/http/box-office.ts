import { createHash, randomUUID } from 'node:crypto';
import type { Express, Request } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import {
  counterSaleBodySchema,
  counterSaleResultSchema,
  idParamsSchema,
  orderCodeParamsSchema,
  seatBlockBodySchema,
  seatBlockListSchema,
  seatBlockResultSchema,
  seatOwnerListSchema,
  seatOwnerQuerySchema,
  seatUnblockBodySchema,
  showtimeSalesSchema,
  staffOrderDetailSchema,
  type CounterSaleBody,
  type SeatBlockResult,
  type SeatOwnerDto,
  type SeatOwnerQuery,
  type ShowtimeSalesDto,
  type StaffOrderDetailDto,
} from '@seatrush/shared';
import type { Db, PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import { actorOf, writeAudit, type Actor } from '../audit/audit.ts';
import type { Inventory } from '../inventory/inventory.ts';
import type { OrdersCore } from '../orders/core.ts';
import type { Queues } from '../queue/queues.ts';
import { cancelOrder, recordPaid } from '../orders/lifecycle.ts';
import { isRetryableConflict, newId, persistHolds } from '../orders/persist.ts';
import { unscheduleExpiry } from '../orders/expiry.ts';
import { findOrder, staffOrderDetail } from '../orders/views.ts';
import type { Logger } from '../observability/logger.ts';
import { route, type Principal, type RouteDef } from './route.ts';
import { sendError } from './errors.ts';

/**
 * Routes the box-office dashboard needs that no other module provides: staff seat blocks, counter sales, who
 * holds which seat, the database's sales figures for a showtime, and cancelling a pending order. They are thin:
 * seats go through the inventory's block / hold / confirm scripts, orders through the orders module's use cases.
 */
export interface BoxOfficeDeps {
  prisma: PrismaClient;
  redis: Redis;
  inventory: Inventory;
  orders: OrdersCore;
  logger: Logger;
}

/** Provider name of payments taken at the counter (cash or card terminal): no online provider is involved. */
export const COUNTER_PROVIDER = 'counter';

/** Walk-in buyers without an email get a buyer record of their own under this (unroutable) domain. */
const WALK_IN_DOMAIN = 'walk-in.box-office.invalid';

const tags = ['box office'];

async function showtimeOrThrow(prisma: PrismaClient, id: string) {
  const st = await prisma.showtime.findUnique({
    where: { id },
    select: { id: true, venueId: true, saleState: true },
  });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  return st;
}

/** True when the inventory refused because the showtime has no live inventory (scheduled or closed). */
const notLive = (e: unknown) => e instanceof DomainError && e.code === 'sale_not_open';

/** One audit row per seat, so "who blocked this seat" is one query; written in a single statement. */
async function auditSeats(
  prisma: PrismaClient,
  actor: Actor,
  action: 'seat.blocked' | 'seat.unblocked',
  showtimeId: string,
  rows: Array<{ seat: string; before?: Record<string, unknown>; after?: Record<string, unknown> }>,
): Promise<void> {
  if (rows.length === 0) return;
  await prisma.auditEntry.createMany({
    data: rows.map((r) => ({
      actor,
      action,
      entityType: 'seat',
      entityId: r.seat,
      showtimeId,
      ...(r.before ? { before: r.before as Db.Prisma.InputJsonObject } : {}),
      ...(r.after ? { after: r.after as Db.Prisma.InputJsonObject } : {}),
    })),
  });
}

/**
 * Blocks seats. With live inventory the block script takes them off sale at once (buyers' maps change through the
 * real-time layer) and the inventory records SeatBlock rows; before the sale opens (or after it closed) only the
 * SeatBlock rows are written, and the inventory applies them when it loads. Seats that are unknown, already taken
 * or already blocked are reported in `skipped`.
 */
export async function blockSeats(
  deps: Pick<BoxOfficeDeps, 'prisma' | 'inventory'>,
  showtimeId: string,
  seats: string[],
  reason: string,
  actor: Actor,
): Promise<SeatBlockResult> {
  const st = await showtimeOrThrow(deps.prisma, showtimeId);
  let r: { changed: string[]; skipped: string[] };
  try {
    r = await deps.inventory.block(showtimeId, seats, reason, actor);
  } catch (e) {
    if (!notLive(e)) throw e;
    const [known, claimed, blocked] = await Promise.all([
      deps.prisma.seat.findMany({
        where: { venueId: st.venueId, label: { in: seats } },
        select: { label: true },
      }),
      deps.prisma.seatClaim.findMany({
        where: { showtimeId, seatLabel: { in: seats } },
        select: { seatLabel: true },
      }),
      deps.prisma.seatBlock.findMany({
        where: { showtimeId, seatLabel: { in: seats } },
        select: { seatLabel: true },
      }),
    ]);
    const taken = new Set([...claimed, ...blocked].map((x) => x.seatLabel));
    const free = new Set(known.map((x) => x.label).filter((l) => !taken.has(l)));
    r = { changed: seats.filter((s) => free.has(s)), skipped: seats.filter((s) => !free.has(s)) };
    if (r.changed.length)
      await deps.prisma.seatBlock.createMany({
        data: r.changed.map((seatLabel) => ({ showtimeId, seatLabel, reason, blockedBy: actor })),
        skipDuplicates: true,
      });
  }
  await auditSeats(
    deps.prisma,
    actor,
    'seat.blocked',
    showtimeId,
    r.changed.map((seat) => ({ seat, after: { state: 'blocked', reason } })),
  );
  return { showtimeId, changed: r.changed, skipped: r.skipped };
}

/** Puts blocked seats back on sale (live at once when the sale has inventory). Not-blocked seats are skipped. */
export async function unblockSeats(
  deps: Pick<BoxOfficeDeps, 'prisma' | 'inventory'>,
  showtimeId: string,
  seats: string[],
  note: string | undefined,
  actor: Actor,
): Promise<SeatBlockResult> {
  await showtimeOrThrow(deps.prisma, showtimeId);
  const before = await deps.prisma.seatBlock.findMany({ where: { showtimeId, seatLabel: { in: seats } } });
  const reasons = new Map(before.map((b) => [b.seatLabel, b.reason]));
  let r: { changed: string[]; skipped: string[] };
  try {
    r = await deps.inventory.unblock(showtimeId, seats);
  } catch (e) {
    if (!notLive(e)) throw e;
    await deps.prisma.seatBlock.deleteMany({ where: { showtimeId, seatLabel: { in: [...reasons.keys()] } } });
    r = { changed: seats.filter((s) => reasons.has(s)), skipped: seats.filter((s) => !reasons.has(s)) };
  }
  await auditSeats(
    deps.prisma,
    actor,
    'seat.unblocked',
    showtimeId,
    r.changed.map((seat) => ({
      seat,
      before: { state: 'blocked', reason: reasons.get(seat) ?? null },
      after: { state: 'free', ...(note ? { note } : {}) },
    })),
  );
  return { showtimeId, changed: r.changed, skipped: r.skipped };
}

/**
 * Sells at the counter through the same path as an online sale: the inventory's hold script (all or nothing,
 * same availability and per-buyer rules), the orders module's persistence (PENDING order with the prices of the
 * hold), the confirm script (held → sold), then one transaction records a confirmed `counter` payment and marks
 * the order PAID (`recordPaid`), with channel `counter` and an `order.counter_sold` audit entry.
 *
 * Idempotent on `requestId`: a retry answers with the same order (`replayed`), and finishes a sale that was
 * interrupted between its steps. Without an email the buyer is a walk-in whose record is derived from the
 * request id (so a retry finds the same buyer and therefore the same hold).
 *
 * Errors: those of a hold (`sale_not_open`, `seat_unavailable`, `seat_unknown`, `zone_unknown`, `sold_out`,
 * `limit_exceeded`, `idempotency_conflict`), `not_found` (showtime), `conflict` (the order could not be recorded
 * yet; retry).
 */
export async function counterSale(
  deps: Pick<BoxOfficeDeps, 'prisma' | 'inventory' | 'orders' | 'logger'>,
  showtimeId: string,
  body: CounterSaleBody,
  actor: Actor,
): Promise<{ order: StaffOrderDetailDto; replayed: boolean }> {
  const { prisma, inventory, orders } = deps;
  await showtimeOrThrow(prisma, showtimeId);
  const requestId = body.requestId ?? randomUUID();
  const email =
    body.buyerEmail ??
    `${createHash('sha256').update(`${showtimeId}\n${requestId}`).digest('hex').slice(0, 16)}@${WALK_IN_DOMAIN}`;
  const buyer = await prisma.buyer.upsert({
    where: { email },
    create: { email },
    update: {},
    select: { id: true },
  });

  const held = await inventory.hold(showtimeId, {
    buyerId: buyer.id,
    requestId: `counter:${requestId}`,
    ...(body.seats ? { seats: body.seats } : { zone: body.zone!, quantity: body.quantity! }),
  });
  const release = async (why: unknown) => {
    deps.logger.warn({ err: why, holdId: held.holdId }, 'counter sale failed after the hold; releasing it');
    await inventory.release(held.holdId, held.holdToken).catch(() => undefined);
    await cancelOrder(prisma, held.holdId, actor).catch(() => undefined);
  };

  const hold = await inventory.getHold(held.holdId);
  if (!hold) throw new DomainError('hold_not_found');
  let orderId: string;
  try {
    const [persisted] = await persistHolds(prisma, [hold], { now: orders.now() });
    orderId = persisted!.orderId;
  } catch (err) {
    if (hold.status === 'held') await release(err);
    if (isRetryableConflict(err))
      throw new DomainError('conflict', 'The sale could not be recorded yet. Try again.');
    throw err;
  }

  const order = await prisma.order.findUniqueOrThrow({
    where: { id: orderId },
    include: { payments: { where: { provider: COUNTER_PROVIDER } } },
  });
  if (order.status === 'PENDING') {
    try {
      await inventory.confirm(held.holdId, orderId);
    } catch (err) {
      await release(err);
      throw err;
    }
    const payment =
      order.payments[0] ??
      (await prisma.payment.create({
        data: {
          id: newId('p'),
          orderId,
          provider: COUNTER_PROVIDER,
          providerRef: `counter_${orderId}`,
          status: 'created',
          amountCents: order.totalCents,
          currency: order.currency,
        },
      }));
    const now = new Date(orders.now());
    await prisma.order.update({ where: { id: orderId }, data: { channel: 'counter' } });
    const paid = await recordPaid(prisma, { orderId, paymentId: payment.id, eventId: null, now, actor });
    if (paid.kind === 'paid') {
      await writeAudit(prisma, {
        actor,
        action: 'order.counter_sold',
        entityType: 'order',
        entityId: orderId,
        showtimeId,
        after: {
          method: body.method,
          paymentId: payment.id,
          amountCents: order.totalCents,
          seats: body.seats ?? null,
          zone: body.zone ?? null,
          quantity: body.quantity ?? null,
          walkIn: body.buyerEmail === undefined,
        },
      });
      orders.metrics.sales.inc(paid.tickets);
    }
    await unscheduleExpiry(orders, held.holdId);
  }
  const full = await findOrder(prisma, { id: orderId });
  if (!full) throw new DomainError('not_found');
  return {
    order: await staffOrderDetail(prisma, full, orders.config.ticketSigningSecret, orders.now()),
    replayed: held.replayed,
  };
}

/**
 * Who has each non-free seat: read from the inventory's live seat states (Redis), joined with the holds (buyer,
 * deadline) and PostgreSQL (order code, buyer email). Without live inventory: sold seats from SeatClaims and
 * blocks from SeatBlock rows.
 */
export async function seatOwners(
  deps: Pick<BoxOfficeDeps, 'prisma' | 'redis' | 'inventory'>,
  showtimeId: string,
  q: SeatOwnerQuery,
): Promise<{ showtimeId: string; version: number; seats: SeatOwnerDto[] }> {
  const { prisma, redis, inventory } = deps;
  await showtimeOrThrow(prisma, showtimeId);
  const k = inventory.keys(showtimeId);
  const [version, raw] = await Promise.all([
    redis.hget(k.meta, 'version'),
    q.seats
      ? redis.hmget(k.seats, ...q.seats).then((vals) => q.seats!.map((s, i) => [s, vals[i] ?? null] as const))
      : redis.hgetall(k.seats).then((all) => Object.entries(all)),
  ]);

  type Entry = { seat: string; state: SeatOwnerDto['state']; ref: string };
  const entries: Entry[] = [];
  if (version !== null) {
    for (const [seat, v] of raw) {
      if (!v) continue;
      const state = v[0] === '1' ? 'held' : v[0] === '2' ? 'sold' : v[0] === '3' ? 'blocked' : null;
      if (!state || (q.state && q.state !== state)) continue;
      entries.push({ seat, state, ref: v.slice(2) });
    }
  } else {
    const where = { showtimeId, ...(q.seats ? { seatLabel: { in: q.seats } } : {}) };
    if (!q.state || q.state === 'sold') {
      const claims = await prisma.seatClaim.findMany({
        where,
        include: { orderItem: { select: { orderId: true } } },
      });
      for (const c of claims) entries.push({ seat: c.seatLabel, state: 'sold', ref: c.orderItem.orderId });
    }
    if (!q.state || q.state === 'blocked') {
      const blocks = await prisma.seatBlock.findMany({ where });
      for (const b of blocks) entries.push({ seat: b.seatLabel, state: 'blocked', ref: b.reason });
    }
  }
  entries.sort((a, b) => a.seat.localeCompare(b.seat));
  const page = entries.slice(0, q.limit);

  const holdIds = [...new Set(page.filter((e) => e.state === 'held').map((e) => e.ref))];
  const orderIds = [...new Set(page.filter((e) => e.state === 'sold').map((e) => e.ref))];
  const holdJson = holdIds.length ? await redis.hmget(k.holds, ...holdIds) : [];
  const holds = new Map<string, { buyerId: string; expiresAt: number }>();
  holdIds.forEach((id, i) => {
    const j = holdJson[i];
    if (j) {
      const h = JSON.parse(j) as { buyerId: string; expiresAt: number };
      holds.set(id, { buyerId: h.buyerId, expiresAt: h.expiresAt });
    }
  });
  const orderRows = await prisma.order.findMany({
    where: { OR: [{ id: { in: orderIds } }, { holdId: { in: holdIds } }] },
    select: { id: true, code: true, holdId: true, buyer: { select: { email: true } } },
  });
  const byId = new Map(orderRows.map((o) => [o.id, o]));
  const byHold = new Map(orderRows.map((o) => [o.holdId, o]));
  const missingBuyers = [...holds.values()].map((h) => h.buyerId).filter((b) => b);
  const buyers = new Map(
    (
      await prisma.buyer.findMany({ where: { id: { in: missingBuyers } }, select: { id: true, email: true } })
    ).map((b) => [b.id, b.email]),
  );

  const seats = page.map((e): SeatOwnerDto => {
    if (e.state === 'blocked')
      return {
        seat: e.seat,
        state: e.state,
        holdId: null,
        orderCode: null,
        email: null,
        reason: e.ref,
        expiresAt: null,
      };
    if (e.state === 'sold') {
      const o = byId.get(e.ref);
      return {
        seat: e.seat,
        state: e.state,
        holdId: o?.holdId ?? null,
        orderCode: o?.code ?? null,
        email: o?.buyer.email ?? null,
        reason: null,
        expiresAt: null,
      };
    }
    const h = holds.get(e.ref);
    const o = byHold.get(e.ref);
    return {
      seat: e.seat,
      state: e.state,
      holdId: e.ref,
      orderCode: o?.code ?? null,
      email: o?.buyer.email ?? (h ? (buyers.get(h.buyerId) ?? null) : null),
      reason: null,
      expiresAt: h ? new Date(h.expiresAt).toISOString() : null,
    };
  });
  return { showtimeId, version: Number(version ?? 0), seats };
}

/** What PostgreSQL records about a showtime's sales (see `showtimeSalesSchema`). */
export async function showtimeSales(prisma: PrismaClient, showtimeId: string): Promise<ShowtimeSalesDto> {
  const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, select: { currency: true } });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  const [byChannel, refunded, counts, blocked] = await Promise.all([
    prisma.$queryRaw<
      Array<{ channel: 'online' | 'counter'; orders: number; tickets: number; revenue: number }>
    >`
      SELECT o.channel::text AS channel, count(DISTINCT o.id)::int AS orders, count(i.id)::int AS tickets,
             coalesce(sum(i."priceCents"), 0)::int AS revenue
      FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
      WHERE o."showtimeId" = ${showtimeId} AND o.status IN ('PAID', 'PARTIALLY_REFUNDED') AND i.status = 'active'
      GROUP BY 1`,
    prisma.$queryRaw<Array<{ cents: number }>>`
      SELECT coalesce(sum(i."priceCents"), 0)::int AS cents
      FROM "OrderItem" i WHERE i."showtimeId" = ${showtimeId} AND i.status = 'refunded'`,
    prisma.$queryRaw<Array<{ paid: number; pending: number }>>`
      SELECT count(*) FILTER (WHERE status IN ('PAID', 'PARTIALLY_REFUNDED'))::int AS paid,
             count(*) FILTER (WHERE status = 'PENDING')::int AS pending
      FROM "Order" WHERE "showtimeId" = ${showtimeId}`,
    prisma.seatBlock.count({ where: { showtimeId } }),
  ]);
  const channel = (name: 'online' | 'counter') => {
    const r = byChannel.find((c) => c.channel === name);
    return { orders: r?.orders ?? 0, tickets: r?.tickets ?? 0, revenueCents: r?.revenue ?? 0 };
  };
  const online = channel('online');
  const counter = channel('counter');
  return {
    showtimeId,
    currency: st.currency,
    ticketsSold: online.tickets + counter.tickets,
    revenueCents: online.revenueCents + counter.revenueCents,
    refundedCents: refunded[0]?.cents ?? 0,
    paidOrders: counts[0]?.paid ?? 0,
    pendingOrders: counts[0]?.pending ?? 0,
    blockedSeats: blocked,
    channels: { online, counter },
  };
}

/**
 * Staff cancel a PENDING order: its hold is released (seats back on sale at once, through the release script),
 * the order becomes CANCELLED and any open payment is cancelled at the provider.
 * Errors: `not_found`, `invalid_transition` (not pending).
 */
export async function cancelPendingOrder(
  deps: Pick<BoxOfficeDeps, 'prisma' | 'inventory' | 'orders' | 'logger'>,
  code: string,
  actor: Actor,
): Promise<StaffOrderDetailDto> {
  const o = await deps.prisma.order.findUnique({
    where: { code },
    select: { id: true, holdId: true, status: true },
  });
  if (!o) throw new DomainError('not_found', 'No such order.');
  if (o.status !== 'PENDING')
    throw new DomainError(
      'invalid_transition',
      `An order that is ${o.status} cannot be cancelled; refund it instead.`,
    );
  try {
    await deps.inventory.release(o.holdId, deps.inventory.tokenFor(o.holdId));
  } catch (e) {
    // Already expired or released: the order still goes to CANCELLED (or is already past PENDING, below).
    if (!(e instanceof DomainError && ['hold_expired', 'hold_not_found', 'sale_not_open'].includes(e.code)))
      throw e;
  }
  const r = await cancelOrder(deps.prisma, o.holdId, actor);
  if (r.outcome === 'unchanged') {
    const now = await deps.prisma.order.findUniqueOrThrow({ where: { id: o.id }, select: { status: true } });
    if (now.status !== 'CANCELLED')
      throw new DomainError('invalid_transition', `The order became ${now.status} meanwhile.`);
  }
  for (const p of r.canceledPayments)
    await deps.orders.provider.cancel(p.providerRef).catch((err: unknown) => {
      deps.logger.warn({ err, paymentId: p.id }, 'could not cancel the payment at the provider');
    });
  await unscheduleExpiry(deps.orders, o.holdId);
  const full = await findOrder(deps.prisma, { id: o.id });
  if (!full) throw new DomainError('not_found');
  return staffOrderDetail(deps.prisma, full, deps.orders.config.ticketSigningSecret, deps.orders.now());
}

/** The box office's own routes (see module comment). All need a staff session or token with at least box_office. */
export function boxOfficeRoutes(deps: BoxOfficeDeps): RouteDef[] {
  return [
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/seats/block',
      access: 'box_office',
      summary:
        'Take free seats off sale with a reason (press, production holds); buyers see them leave at once',
      tags,
      params: idParamsSchema,
      body: seatBlockBodySchema,
      response: seatBlockResultSchema,
      handler: async ({ params, body, principal }) => ({
        body: await blockSeats(deps, params.id, body.seats, body.reason, actorOf(principal)),
      }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/seats/unblock',
      access: 'box_office',
      summary: 'Put blocked seats back on sale',
      tags,
      params: idParamsSchema,
      body: seatUnblockBodySchema,
      response: seatBlockResultSchema,
      handler: async ({ params, body, principal }) => ({
        body: await unblockSeats(deps, params.id, body.seats, body.reason, actorOf(principal)),
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/seats/blocks',
      access: 'box_office',
      summary: 'Blocked seats of a showtime with their reasons',
      tags,
      params: idParamsSchema,
      response: seatBlockListSchema,
      handler: async ({ params }) => {
        await showtimeOrThrow(deps.prisma, params.id);
        const rows = await deps.prisma.seatBlock.findMany({
          where: { showtimeId: params.id },
          orderBy: { seatLabel: 'asc' },
        });
        return {
          body: {
            blocks: rows.map((b) => ({
              seatLabel: b.seatLabel,
              reason: b.reason,
              blockedBy: b.blockedBy,
              createdAt: b.createdAt.toISOString(),
            })),
          },
        };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/seats/owners',
      access: 'box_office',
      summary: 'Who holds, bought or blocked each seat (filter by seats or state)',
      tags,
      params: idParamsSchema,
      query: seatOwnerQuerySchema,
      response: seatOwnerListSchema,
      handler: async ({ params, query }) => ({
        body: await seatOwners(deps, params.id, query),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/showtimes/:id/sales',
      access: 'box_office',
      summary: 'Tickets, revenue and refunds of a showtime as recorded in the database, per channel',
      tags,
      params: idParamsSchema,
      response: showtimeSalesSchema,
      handler: async ({ params }) => ({
        body: await showtimeSales(deps.prisma, params.id),
        headers: { 'cache-control': 'no-store' },
      }),
    }),
    route({
      method: 'post',
      path: '/api/staff/showtimes/:id/counter-sale',
      access: 'box_office',
      summary:
        'Sell seats or GA places at the counter (cash / card present): a PAID order with channel counter',
      tags,
      params: idParamsSchema,
      body: counterSaleBodySchema,
      response: counterSaleResultSchema,
      handler: async ({ params, body, principal }) => {
        const r = await counterSale(deps, params.id, body, actorOf(principal));
        return { status: r.replayed ? 200 : 201, body: r };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/orders/:code/cancel',
      access: 'box_office',
      summary: 'Cancel a pending order: its hold is released and its seats go back on sale',
      tags: ['staff orders'],
      params: orderCodeParamsSchema,
      response: staffOrderDetailSchema,
      handler: async ({ params, principal }) => ({
        body: await cancelPendingOrder(deps, params.code, actorOf(principal)),
      }),
    }),
  ];
}

/** Where bull-board is served (a server page under the dashboard's path; the SPA fallback never sees it). */
export const QUEUE_BOARD_PATH = '/box-office/queues';

/**
 * Mounts bull-board over the BullMQ queues at `/box-office/queues`, for admins only: anonymous browsers are sent
 * to the staff sign-in (and back), other callers get the usual 401 / 403 envelope. Its actions (retry, clean,
 * promote) are state changes under the same CSRF rule as the API.
 */
export function queueBoardMount(deps: {
  queues: Queues;
  resolvePrincipal: (req: Request) => Promise<Principal | null>;
  checkCsrf: (req: Request, principal: Principal | null) => void;
}): (app: Express) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [
      deps.queues.orders,
      deps.queues.expiry,
      deps.queues.maintenance,
      deps.queues.sandboxWebhooks,
    ].map((q) => new BullMQAdapter(q)),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Seatrush queues' } },
  });
  const router = serverAdapter.getRouter() as (
    req: Request,
    res: unknown,
    next: (err?: unknown) => void,
  ) => void;
  return (app) => {
    app.use(QUEUE_BOARD_PATH, (req, res, next) => {
      deps
        .resolvePrincipal(req)
        .then((principal) => {
          if (!principal || principal.kind !== 'staff') {
            if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html')
              return res.redirect(302, `/box-office/login?next=${encodeURIComponent(QUEUE_BOARD_PATH)}`);
            return sendError(res, new DomainError('unauthenticated', 'Staff sign-in is required.'));
          }
          if (principal.role !== 'admin')
            return sendError(res, new DomainError('forbidden', 'This needs the admin role.'));
          if (req.method !== 'GET' && req.method !== 'HEAD') deps.checkCsrf(req, principal);
          router(req, res, next);
        })
        .catch(next);
    });
  };
}

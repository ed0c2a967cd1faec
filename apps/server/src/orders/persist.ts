import { Db, type PrismaClient } from '../db/prisma.ts';
import type { HoldRecord } from '../domain/hold.ts';
import { orderMachine } from '../domain/order-state.ts';
import { newOrderCode, newTicketCode, randomHex } from './codes.ts';

const { sql } = Db.Prisma;

export type Tx = Db.Prisma.TransactionClient;

/** Interactive transactions of order persistence: a batch of hundreds of orders needs more than the 5 s default. */
export const ORDER_TX = { maxWait: 15_000, timeout: 60_000 } as const;

/** A database id: sortable by creation time, unique without a round trip. */
export function newId(prefix = 'c'): string {
  return `${prefix}${Date.now().toString(36)}${randomHex(8)}`;
}

export interface PersistOutcome {
  holdId: string;
  orderId: string;
  /** False when the order already existed (a redelivered job, or the checkout persisted it first). */
  created: boolean;
  status: 'PENDING' | 'EXPIRED' | 'CANCELLED' | 'existing';
}

/** SQLSTATE of a PostgreSQL error surfaced through Prisma's driver adapter, if any. */
export function pgCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  let cur: unknown = e;
  while (cur && typeof cur === 'object' && !seen.has(cur)) {
    seen.add(cur);
    const o = cur as {
      code?: unknown;
      meta?: { code?: unknown; driverAdapterError?: unknown };
      cause?: unknown;
    };
    if (typeof o.code === 'string' && /^[0-9A-Z]{5}$/.test(o.code) && !o.code.startsWith('P')) return o.code;
    if (typeof o.meta?.code === 'string' && /^[0-9A-Z]{5}$/.test(o.meta.code)) return o.meta.code;
    const kind = (o as { kind?: unknown }).kind;
    if (kind === 'UniqueConstraintViolation') return '23505';
    if (kind === 'TransactionWriteConflict') return '40001';
    if (kind === 'ForeignKeyConstraintViolation') return '23503';
    cur = o.meta?.driverAdapterError ?? o.cause;
  }
  const msg = e instanceof Error ? e.message : '';
  if (/unique constraint|duplicate key/i.test(msg)) return '23505';
  if (/check constraint/i.test(msg)) return '23514';
  if (/foreign key constraint/i.test(msg)) return '23503';
  if (/deadlock/i.test(msg)) return '40P01';
  return undefined;
}

/** Conflicts that clear up on their own once a lagging expiry or cancellation reaches PostgreSQL. */
export const isRetryableConflict = (e: unknown) => {
  const c = pgCode(e);
  return c === '23505' || c === '23514' || c === '40P01' || c === '40001';
};

interface OrderRow {
  id: string;
  code: string;
  hold: HoldRecord;
  status: 'PENDING' | 'EXPIRED' | 'CANCELLED';
}

/**
 * Persists holds as orders, idempotent on the hold id: an order that exists is left alone, so at-least-once
 * delivery never doubles an order. Each order records its items at the prices of the hold; a seat item gets a
 * SeatClaim (the database's own guard against selling a seat twice) and GA units count into
 * ZoneInventory.claimed (CHECK claimed <= capacity).
 *
 * The whole batch is ONE SQL statement — orders, items, claims, zone counts and audit entries as data-modifying
 * CTEs over `json_to_recordset(…)`, `INSERT … ON CONFLICT DO NOTHING` for the orders — so it is atomic and costs one
 * round trip. Measured here: Prisma's createMany took ~1 s per 1,000 orders through the driver adapter, and an
 * interactive transaction of single statements spent most of its time in round trips.
 *
 * A hold whose deadline has passed is stored straight as EXPIRED without claims (nobody paid for it: paying needs
 * the order to exist first) — or CANCELLED when its buyer released it before the deadline (`released`, from the
 * inventory's record of how holds ended): the final state follows what happened, however late the worker is.
 * That is also how a live hold whose claim keeps colliding ends: its retries after its own deadline store it as
 * EXPIRED.
 *
 * @throws a PostgreSQL unique/check violation (see `isRetryableConflict`) when a seat or zone unit is still
 *   claimed by an order whose expiry has not reached PostgreSQL yet; the job is retried.
 */
export async function persistHolds(
  prisma: PrismaClient | Tx,
  holds: HoldRecord[],
  opts: { now: number; released?: ReadonlySet<string> },
): Promise<PersistOutcome[]> {
  const unique = [...new Map(holds.map((h) => [h.id, h])).values()];
  const byHold = new Map<string, PersistOutcome>();
  let todo: OrderRow[] = unique.map((h) => ({
    id: newId(),
    code: newOrderCode(),
    hold: h,
    status: h.expiresAt > opts.now ? 'PENDING' : opts.released?.has(h.id) ? 'CANCELLED' : 'EXPIRED',
  }));
  // A code collision makes ON CONFLICT skip the row too: draw new codes for exactly those and insert again.
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt > 5) throw new Error('could not find free order codes');
    const got = new Set(await insertBatch(prisma, todo));
    for (const r of todo)
      if (got.has(r.id))
        byHold.set(r.hold.id, { holdId: r.hold.id, orderId: r.id, created: true, status: r.status });
    const missing = todo.filter((r) => !got.has(r.id));
    if (missing.length === 0) break;
    const existing = await prisma.order.findMany({
      where: { holdId: { in: missing.map((r) => r.hold.id) } },
      select: { id: true, holdId: true },
    });
    for (const o of existing)
      byHold.set(o.holdId, { holdId: o.holdId, orderId: o.id, created: false, status: 'existing' });
    todo = missing.filter((r) => !byHold.has(r.hold.id)).map((r) => ({ ...r, code: newOrderCode() }));
  }
  return unique.map((h) => byHold.get(h.id)!);
}

/** Inserts the orders that do not exist yet, with everything that belongs to them. Returns the inserted ids. */
async function insertBatch(prisma: PrismaClient | Tx, rows: OrderRow[]): Promise<string[]> {
  const items = rows.flatMap((o) => itemsOf(o.id, o.hold));
  // Each side of the batch travels as ONE JSON text (json_to_recordset), not as a dozen arrays: the driver would
  // escape every element of every array in JavaScript, which was a fifth of the worker's time per order.
  const ordersJson = JSON.stringify(
    rows.map((r) => ({
      id: r.id,
      code: r.code,
      hold: r.hold.id,
      token: r.hold.tokenHash,
      st: r.hold.showtimeId,
      buyer: r.hold.buyerId,
      status: r.status,
      total: r.hold.totalCents,
      cur: r.hold.currency,
      exp: new Date(r.hold.expiresAt).toISOString(),
    })),
  );
  const itemsJson = JSON.stringify(
    items.map((i) => ({
      id: i.id,
      ord: i.orderId,
      st: i.showtimeId,
      seat: i.seatLabel,
      zone: i.zoneKey,
      cat: i.category,
      price: i.priceCents,
      ticket: i.ticketCode,
    })),
  );
  const expire = orderMachine.auditAction.expire;
  const cancel = orderMachine.auditAction.cancel;
  const got = await prisma.$queryRaw<Array<{ id: string }>>(sql`
    WITH
    o AS (
      INSERT INTO "Order" (id, code, "holdId", "holdTokenHash", "showtimeId", "buyerId", status, "totalCents",
                           currency, "expiresAt", "createdAt", "updatedAt")
      SELECT u.id, u.code, u.hold, u.token, u.st, u.buyer, u.status::"OrderStatus", u.total, u.cur,
             u.exp AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
      FROM json_to_recordset(${ordersJson}::json)
        AS u(id text, code text, hold text, token text, st text, buyer text, status text, total int, cur text,
             exp timestamptz)
      ON CONFLICT DO NOTHING
      RETURNING id, "showtimeId", status::text AS status
    ),
    i AS (
      INSERT INTO "OrderItem" (id, "orderId", "showtimeId", "seatLabel", "zoneKey", category, "priceCents",
                               "ticketCode", status)
      SELECT it.id, it.ord, it.st, it.seat, it.zone, it.cat, it.price, it.ticket,
             (CASE WHEN o.status = 'PENDING' THEN 'active' ELSE 'released' END)::"OrderItemStatus"
      FROM json_to_recordset(${itemsJson}::json)
        AS it(id text, ord text, st text, seat text, zone text, cat text, price int, ticket text)
      JOIN o ON o.id = it.ord
      RETURNING id, "showtimeId", "seatLabel", "zoneKey", status::text AS status
    ),
    c AS (
      INSERT INTO "SeatClaim" ("showtimeId", "seatLabel", "orderItemId", "createdAt")
      SELECT i."showtimeId", i."seatLabel", i.id, clock_timestamp() AT TIME ZONE 'UTC'
      FROM i WHERE i."seatLabel" IS NOT NULL AND i.status = 'active'
    ),
    z AS (
      UPDATE "ZoneInventory" zi SET claimed = zi.claimed + g.n
      FROM (SELECT "showtimeId", "zoneKey", count(*)::int AS n FROM i
            WHERE "zoneKey" IS NOT NULL AND status = 'active' GROUP BY 1, 2) g
      WHERE zi."showtimeId" = g."showtimeId" AND zi."zoneKey" = g."zoneKey"
    ),
    a AS (
      INSERT INTO "AuditEntry" (actor, action, "entityType", "entityId", "showtimeId", before, after)
      SELECT 'system', ${expire}, 'order', o.id, o."showtimeId", '{"status":"PENDING"}'::jsonb,
             '{"status":"EXPIRED","reason":"expired_before_persisted"}'::jsonb
      FROM o WHERE o.status = 'EXPIRED'
    ),
    ac AS (
      INSERT INTO "AuditEntry" (actor, action, "entityType", "entityId", "showtimeId", before, after)
      SELECT 'system', ${cancel}, 'order', o.id, o."showtimeId", '{"status":"PENDING"}'::jsonb,
             '{"status":"CANCELLED","reason":"released_before_persisted"}'::jsonb
      FROM o WHERE o.status = 'CANCELLED'
    )
    SELECT id FROM o`);
  return got.map((g) => g.id);
}

interface ItemRow {
  id: string;
  orderId: string;
  showtimeId: string;
  seatLabel: string | null;
  zoneKey: string | null;
  category: string;
  priceCents: number;
  ticketCode: string;
  status: string;
}

/** One OrderItem per ticket: a seat, or one unit of a GA quantity (each GA unit gets its own ticket). */
export function itemsOf(orderId: string, hold: HoldRecord, status = 'active'): ItemRow[] {
  const out: ItemRow[] = [];
  for (const it of hold.items) {
    const n = it.kind === 'seat' ? 1 : it.quantity;
    for (let i = 0; i < n; i++)
      out.push({
        id: newId('i'),
        orderId,
        showtimeId: hold.showtimeId,
        seatLabel: it.kind === 'seat' ? it.seat : null,
        zoneKey: it.kind === 'ga' ? it.zone : null,
        category: it.category,
        priceCents: it.priceCents,
        ticketCode: newTicketCode(),
        status,
      });
  }
  return out;
}

/** Seat claims for the given items. A seat already claimed fails the statement (23505): never silently skipped. */
export async function insertClaims(
  tx: Tx,
  items: Array<{ id: string; showtimeId: string; seatLabel: string | null }>,
): Promise<void> {
  const seats = items.filter((i) => i.seatLabel !== null);
  if (seats.length === 0) return;
  await tx.$executeRaw(sql`
    INSERT INTO "SeatClaim" ("showtimeId", "seatLabel", "orderItemId", "createdAt")
    SELECT u.st, u.seat, u.item, clock_timestamp() AT TIME ZONE 'UTC'
    FROM unnest(${seats.map((i) => i.showtimeId)}::text[], ${seats.map((i) => i.seatLabel)}::text[],
                ${seats.map((i) => i.id)}::text[]) AS u(st, seat, item)`);
}

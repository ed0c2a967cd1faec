import { Db, sqlPoolOf, type PrismaClient } from '../db/prisma.ts';
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
 * interactive transaction of single statements spent most of its time in round trips. Outside a transaction it is
 * a named prepared statement on the client's pg pool (see `statementRunner`); a hold written so is noted in
 * `holdsWithOrders`, which the reconciler skips.
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
  const { run, autocommit } = statementRunner(prisma);
  const seen = new Set<string>();
  const unique: HoldRecord[] = [];
  for (const h of holds)
    if (!seen.has(h.id)) {
      seen.add(h.id);
      unique.push(h);
    }
  const byHold = new Map<string, PersistOutcome>();
  const stamp = Date.now().toString(36);
  let todo: OrderRow[] = unique.map((h) => ({
    id: `c${stamp}${randomHex(8)}`, // newId(), with the batch's time stamp
    code: newOrderCode(),
    hold: h,
    status: h.expiresAt > opts.now ? 'PENDING' : opts.released?.has(h.id) ? 'CANCELLED' : 'EXPIRED',
  }));
  // A code collision makes ON CONFLICT skip the row too: draw new codes for exactly those and insert again.
  for (let attempt = 0; todo.length > 0; attempt++) {
    if (attempt > 5) throw new Error('could not find free order codes');
    const got = await insertBatch(run, todo);
    const missing: OrderRow[] = [];
    for (const r of todo)
      if (got === 'all' || got.has(r.id))
        byHold.set(r.hold.id, { holdId: r.hold.id, orderId: r.id, created: true, status: r.status });
      else missing.push(r);
    if (missing.length === 0) break;
    const existing = await run<{ id: string; holdId: string }>(EXISTING_ORDERS, [
      JSON.stringify(missing.map((r) => r.hold.id)),
    ]);
    for (const o of existing)
      byHold.set(o.holdId, { holdId: o.holdId, orderId: o.id, created: false, status: 'existing' });
    todo = missing.filter((r) => !byHold.has(r.hold.id)).map((r) => ({ ...r, code: newOrderCode() }));
  }
  // Inside a transaction the orders are not there until it commits (and may never be): not noted.
  if (autocommit) for (const id of byHold.keys()) holdsWithOrders.add(id);
  return unique.map((h) => byHold.get(h.id)!);
}

/**
 * Hold ids known to have an order row in this process's database: written by `persistHolds` outside a transaction
 * (committed), or found by the reconciler. The reconciler skips them — before, it read every hold the relay had
 * just written back from Redis and asked PostgreSQL about it (a third of the worker's CPU per order, bench/orders).
 * Bounded: emptied when full (an id forgotten costs one look-up again).
 */
export const holdsWithOrders = {
  ids: new Set<string>(),
  has(holdId: string): boolean {
    return this.ids.has(holdId);
  },
  add(holdId: string): void {
    if (this.ids.size >= 500_000) this.ids.clear();
    this.ids.add(holdId);
  },
};

/** A statement of this module: its pg name (prepared once per connection) and its text ($1, $2, … parameters). */
interface Statement {
  name: string;
  text: string;
}

type RunStatement = <R>(statement: Statement, values: unknown[]) => Promise<R[]>;

/**
 * Runs a statement on the client's own pg pool as a named prepared statement when there is one (the worker's
 * batches: PostgreSQL parses and plans it once per connection, and Prisma does not serialise the parameters —
 * hundreds of kilobytes of JSON per batch — to JSON and back), else through Prisma (a transaction: checkout and
 * the box office persist inside theirs).
 */
function statementRunner(prisma: PrismaClient | Tx): { run: RunStatement; autocommit: boolean } {
  const pool = sqlPoolOf(prisma);
  if (pool)
    return {
      run: async <R>(st: Statement, values: unknown[]) =>
        (await pool.query({ name: st.name, text: st.text, values })).rows as R[],
      autocommit: true,
    };
  return {
    run: <R>(st: Statement, values: unknown[]) => prisma.$queryRawUnsafe<R[]>(st.text, ...values),
    autocommit: false,
  };
}

/** The orders of some holds, by hold id (a JSON array of them). */
const EXISTING_ORDERS: Statement = {
  name: 'seatrush_orders_of_holds',
  text: `SELECT id, "holdId" FROM "Order" WHERE "holdId" IN (SELECT json_array_elements_text($1::json))`,
};

/**
 * The batch's one statement. $1: the orders, $2: their items (JSON texts), $3 / $4: the audit actions of an order
 * stored EXPIRED / CANCELLED, $5: how many orders were sent. Returns one row: how many orders were inserted, and
 * their ids only when that is fewer than were sent (an order that existed, or an order code that collided).
 */
const INSERT_ORDERS: Statement = {
  name: 'seatrush_persist_orders',
  text: `
    WITH
    o AS (
      INSERT INTO "Order" (id, code, "holdId", "holdTokenHash", "showtimeId", "buyerId", "limitKey", status,
                           "totalCents", currency, "expiresAt", "createdAt", "updatedAt")
      SELECT u.id, u.code, u.hold, u.token, u.st, u.buyer, u.lk, u.status::"OrderStatus", u.total, u.cur,
             timestamp 'epoch' + u.exp * interval '1 millisecond',
             clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
      FROM json_to_recordset($1::json)
        AS u(id text, code text, hold text, token text, st text, buyer text, lk text, status text, total int,
             cur text, exp bigint)
      ON CONFLICT DO NOTHING
      RETURNING id, "showtimeId", status::text AS status
    ),
    i AS (
      INSERT INTO "OrderItem" (id, "orderId", "showtimeId", "seatLabel", "zoneKey", category, "priceCents",
                               "ticketCode", status)
      SELECT it.id, it.ord, o."showtimeId", it.seat, it.zone, it.cat, it.price, it.ticket,
             (CASE WHEN o.status = 'PENDING' THEN 'active' ELSE 'released' END)::"OrderItemStatus"
      FROM json_to_recordset($2::json)
        AS it(id text, ord text, seat text, zone text, cat text, price int, ticket text)
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
      SELECT 'system', $3::text, 'order', o.id, o."showtimeId", '{"status":"PENDING"}'::jsonb,
             '{"status":"EXPIRED","reason":"expired_before_persisted"}'::jsonb
      FROM o WHERE o.status = 'EXPIRED'
    ),
    ac AS (
      INSERT INTO "AuditEntry" (actor, action, "entityType", "entityId", "showtimeId", before, after)
      SELECT 'system', $4::text, 'order', o.id, o."showtimeId", '{"status":"PENDING"}'::jsonb,
             '{"status":"CANCELLED","reason":"released_before_persisted"}'::jsonb
      FROM o WHERE o.status = 'CANCELLED'
    )
    SELECT count(*)::int AS n, CASE WHEN count(*) = $5::int THEN NULL ELSE string_agg(id, ',') END AS ids
    FROM o`,
};

/**
 * Inserts the orders that do not exist yet, with everything that belongs to them: 'all', or the ids inserted when
 * some were not.
 */
async function insertBatch(run: RunStatement, rows: OrderRow[]): Promise<'all' | Set<string>> {
  // Each side of the batch travels as ONE JSON text (json_to_recordset), not as a dozen arrays: the driver would
  // escape every element of every array in JavaScript, which was a fifth of the worker's time per order. The
  // objects are made for JSON.stringify only (no item rows in between); an item's showtime is its order's.
  const orders: object[] = [];
  const items: object[] = [];
  const stamp = Date.now().toString(36);
  for (const r of rows) {
    const h = r.hold;
    orders.push({
      id: r.id,
      code: r.code,
      hold: h.id,
      token: h.tokenHash,
      st: h.showtimeId,
      buyer: h.buyerId,
      lk: h.limitKey, // absent (NULL) for a hold that counts under its buyer
      status: r.status,
      total: h.totalCents,
      cur: h.currency,
      exp: h.expiresAt,
    });
    // One OrderItem per ticket: a seat, or one unit of a GA quantity (each GA unit gets its own ticket).
    for (const it of h.items) {
      const seat = it.kind === 'seat' ? it.seat : undefined;
      const zone = it.kind === 'ga' ? it.zone : undefined;
      for (let n = it.kind === 'seat' ? 1 : it.quantity; n > 0; n--)
        items.push({
          id: `i${stamp}${randomHex(8)}`, // newId('i'), with the batch's time stamp
          ord: r.id,
          seat,
          zone,
          cat: it.category,
          price: it.priceCents,
          ticket: newTicketCode(),
        });
    }
  }
  const [res] = await run<{ n: number; ids: string | null }>(INSERT_ORDERS, [
    JSON.stringify(orders),
    JSON.stringify(items),
    orderMachine.auditAction.expire,
    orderMachine.auditAction.cancel,
    rows.length,
  ]);
  if (!res || res.ids === null) return res?.n === rows.length ? 'all' : new Set();
  return new Set(res.ids.split(','));
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

/**
 * Order persistence's batch statement (orders/persist.ts) against a real PostgreSQL, on both of its paths: the
 * client's own pg pool (a named prepared statement: the worker's relay and jobs) and Prisma inside a transaction
 * (checkout, the box office). Idempotent per hold, exactly one order per hold, seats and GA in one batch, conflicts
 * and a failure mid-batch leave nothing half-written, an outage is recognised as one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createPrisma, sqlPoolOf, type PrismaClient } from '../src/db/prisma.ts';
import { isOutage } from '../src/db/outage.ts';
import type { HoldItem, HoldRecord } from '../src/domain/hold.ts';
import { holdsWithOrders, isRetryableConflict, persistHolds, pgCode } from '../src/orders/persist.ts';
import { createBuyers, createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { createTestDatabase } from './support/db.ts';

let prisma: PrismaClient;
let drop: () => Promise<void>;
let f: Fixture;
let buyer: string;
/** Seats not used by any test yet. */
let freeSeats: string[];

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  prisma = createPrisma(db.url, 4);
  f = await createShowtimeFixture(prisma, {
    sections: [{ key: 'A', rows: 4, seatsPerRow: 10, category: 'std' }],
    gaZones: [{ key: 'ga', capacity: 20, category: 'ga' }],
    prices: { std: 2500, ga: 1500 },
  });
  [buyer] = (await createBuyers(prisma, 1)) as [string];
  freeSeats = [...f.seatLabels];
});

afterAll(async () => {
  await prisma?.$disconnect();
  await drop?.();
});

const NOW = Date.now();

function holdOf(items: HoldItem[], opts: { expiresAt?: number; buyerId?: string; limitKey?: string } = {}) {
  const total = items.reduce((t, it) => t + it.priceCents * (it.kind === 'ga' ? it.quantity : 1), 0);
  const h: HoldRecord = {
    id: `${f.showtimeId}.${randomBytes(9).toString('base64url')}`,
    showtimeId: f.showtimeId,
    tokenHash: randomBytes(32).toString('hex'),
    buyerId: opts.buyerId ?? buyer,
    requestId: randomBytes(4).toString('hex'),
    items,
    totalCents: total,
    currency: 'EUR',
    // Not a round second: the order's deadline must be the hold's to the millisecond.
    expiresAt: opts.expiresAt ?? NOW + 600_123,
    extended: false,
    createdAt: NOW,
    status: 'held',
  };
  if (opts.limitKey) h.limitKey = opts.limitKey;
  return h;
}
const seatHold = (opts?: Parameters<typeof holdOf>[1]) =>
  holdOf([{ kind: 'seat', seat: freeSeats.shift()!, category: 'std', priceCents: 2500 }], opts);
const gaHold = (quantity: number, opts?: Parameters<typeof holdOf>[1]) =>
  holdOf([{ kind: 'ga', zone: 'ga', category: 'ga', priceCents: 1500, quantity }], opts);

const ordersOf = (holds: HoldRecord[]) =>
  prisma.order.findMany({
    where: { holdId: { in: holds.map((h) => h.id) } },
    include: { items: { include: { claim: true } } },
  });
const zoneClaimed = async () =>
  (
    await prisma.zoneInventory.findUniqueOrThrow({
      where: { showtimeId_zoneKey: { showtimeId: f.showtimeId, zoneKey: 'ga' } },
    })
  ).claimed;
const counts = async () => ({
  orders: await prisma.order.count(),
  items: await prisma.orderItem.count(),
  claims: await prisma.seatClaim.count(),
  zone: await zoneClaimed(),
  audit: await prisma.auditEntry.count(),
});

describe('persistHolds on the pool (named prepared statement)', () => {
  it('is the path a client of createPrisma takes; a transaction client has no pool', async () => {
    expect(sqlPoolOf(prisma)).toBeDefined();
    await prisma.$transaction((tx) => {
      expect(sqlPoolOf(tx)).toBeUndefined();
      return Promise.resolve();
    });
  });

  it('writes a batch of seats and GA: orders, one item per ticket, claims, zone counts, exact deadlines', async () => {
    const zone0 = await zoneClaimed();
    const holds = [seatHold(), gaHold(2), seatHold({ limitKey: 's:session-1' }), gaHold(1), seatHold()];
    const out = await persistHolds(prisma, holds, { now: NOW });
    expect(out.map((o) => o.holdId)).toEqual(holds.map((h) => h.id));
    expect(out.every((o) => o.created && o.status === 'PENDING')).toBe(true);
    const rows = await ordersOf(holds);
    expect(rows).toHaveLength(5);
    for (const h of holds) {
      const o = rows.find((r) => r.holdId === h.id)!;
      expect(o.id).toBe(out.find((x) => x.holdId === h.id)!.orderId);
      expect(o).toMatchObject({
        status: 'PENDING',
        showtimeId: f.showtimeId,
        buyerId: buyer,
        holdTokenHash: h.tokenHash,
        totalCents: h.totalCents,
        currency: 'EUR',
        limitKey: h.limitKey ?? null,
      });
      expect(o.expiresAt.getTime()).toBe(h.expiresAt);
      expect(o.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      const want = h.items[0]!;
      expect(o.items).toHaveLength(want.kind === 'ga' ? want.quantity : 1);
      for (const it of o.items) {
        expect(it).toMatchObject({ showtimeId: f.showtimeId, status: 'active', category: want.category });
        expect(it.priceCents).toBe(want.priceCents);
        if (want.kind === 'seat') {
          expect(it.seatLabel).toBe(want.seat);
          expect(it.claim).toMatchObject({ showtimeId: f.showtimeId, seatLabel: want.seat });
        } else {
          expect(it).toMatchObject({ zoneKey: 'ga', seatLabel: null, claim: null });
        }
      }
    }
    const tickets = rows.flatMap((o) => o.items.map((i) => i.ticketCode));
    expect(new Set(tickets).size).toBe(tickets.length);
    expect(await zoneClaimed()).toBe(zone0 + 3);
    expect(holds.every((h) => holdsWithOrders.has(h.id))).toBe(true);
  });

  it('is idempotent: duplicates in a batch, the same batch again, and a batch of old and new holds', async () => {
    const first = [seatHold(), gaHold(2)];
    const dup = await persistHolds(prisma, [first[0]!, first[1]!, first[0]!], { now: NOW });
    expect(dup).toHaveLength(2);
    expect(dup.every((o) => o.created)).toBe(true);
    const before = await counts();
    const again = await persistHolds(prisma, first, { now: NOW });
    expect(again.map((o) => [o.created, o.status, o.orderId])).toEqual(
      dup.map((o) => [false, 'existing', o.orderId]),
    );
    expect(await counts()).toEqual(before);
    // Old and new in one batch: only the new one is written, each answer names its hold's order.
    const fresh = seatHold();
    const mixed = await persistHolds(prisma, [first[1]!, fresh, first[0]!], { now: NOW });
    expect(mixed.map((o) => [o.holdId, o.created])).toEqual([
      [first[1]!.id, false],
      [fresh.id, true],
      [first[0]!.id, false],
    ]);
    expect(mixed[0]!.orderId).toBe(dup[1]!.orderId);
    const after = await counts();
    expect(after).toEqual({
      ...before,
      orders: before.orders + 1,
      items: before.items + 1,
      claims: before.claims + 1,
    });
  });

  it('makes exactly one order per hold when the same batch is written by several callers at once', async () => {
    const holds = [seatHold(), seatHold(), gaHold(2), gaHold(1)];
    const zone0 = await zoneClaimed();
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => persistHolds(prisma, [...holds].reverse(), { now: NOW })),
    );
    // A racer may lose a claim race (a retryable conflict: its job is retried); none may double anything.
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
    for (const r of results) if (r.status === 'rejected') expect(isRetryableConflict(r.reason)).toBe(true);
    const rows = await ordersOf(holds);
    expect(rows).toHaveLength(4);
    expect(rows.reduce((n, o) => n + o.items.length, 0)).toBe(5);
    expect(rows.flatMap((o) => o.items).filter((i) => i.claim)).toHaveLength(2);
    expect(await zoneClaimed()).toBe(zone0 + 3);
    const created = results.flatMap((r) =>
      r.status === 'fulfilled' ? r.value.filter((o) => o.created) : [],
    );
    expect(created).toHaveLength(4);
  });

  it('a seat still claimed by another order fails the whole batch with a retryable conflict', async () => {
    const taken = seatHold();
    await persistHolds(prisma, [taken], { now: NOW });
    // Another hold of the same seat (its first order's expiry has not reached PostgreSQL yet).
    const clash = holdOf([
      { kind: 'seat', seat: (taken.items[0] as { seat: string }).seat, category: 'std', priceCents: 2500 },
    ]);
    const others = [seatHold(), gaHold(1)];
    const before = await counts();
    const err = await persistHolds(prisma, [others[0]!, clash, others[1]!], { now: NOW }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(pgCode(err)).toBe('23505');
    expect(isRetryableConflict(err)).toBe(true);
    expect(isOutage(err)).toBe(false);
    // One statement: nothing of the batch was written, and nothing was noted as persisted.
    expect(await counts()).toEqual(before);
    expect([clash, ...others].some((h) => holdsWithOrders.has(h.id))).toBe(false);
    // The others on their own go through (what the worker's one-by-one fallback does).
    expect((await persistHolds(prisma, others, { now: NOW })).every((o) => o.created)).toBe(true);
  });

  it('a hold that can never be written fails its batch mid-way without writing any of it', async () => {
    const before = await counts();
    const poison = seatHold({ buyerId: 'no-such-buyer' });
    const batch = [seatHold(), gaHold(2), poison, seatHold()];
    const err = await persistHolds(prisma, batch, { now: NOW }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(pgCode(err)).toBe('23503');
    expect(isRetryableConflict(err)).toBe(false);
    expect(isOutage(err)).toBe(false);
    expect(await counts()).toEqual(before);
    const rest = batch.filter((h) => h !== poison);
    expect((await persistHolds(prisma, rest, { now: NOW })).every((o) => o.created)).toBe(true);
  });

  it('stores holds past their deadline as EXPIRED, or CANCELLED when released, without claims, audited', async () => {
    const zone0 = await zoneClaimed();
    const late = seatHold({ expiresAt: NOW - 1000 });
    const released = gaHold(2, { expiresAt: NOW - 1000 });
    const live = gaHold(1);
    const out = await persistHolds(prisma, [late, released, live], {
      now: NOW,
      released: new Set([released.id]),
    });
    expect(out.map((o) => o.status)).toEqual(['EXPIRED', 'CANCELLED', 'PENDING']);
    const rows = await ordersOf([late, released, live]);
    const byHold = (h: HoldRecord) => rows.find((r) => r.holdId === h.id)!;
    expect(byHold(late).status).toBe('EXPIRED');
    expect(byHold(released).status).toBe('CANCELLED');
    expect(byHold(late).items.every((i) => i.status === 'released' && !i.claim)).toBe(true);
    expect(byHold(released).items.every((i) => i.status === 'released')).toBe(true);
    expect(await zoneClaimed()).toBe(zone0 + 1);
    const audit = await prisma.auditEntry.findMany({
      where: { entityId: { in: [byHold(late).id, byHold(released).id] } },
    });
    expect(audit.map((a) => [a.entityId, a.action]).sort()).toEqual(
      [
        [byHold(late).id, 'order.expired'],
        [byHold(released).id, 'order.cancelled'],
      ].sort(),
    );
  });

  it('reports PostgreSQL out of reach as an outage (the relay queues the batch, HTTP answers 503)', async () => {
    const gone = createPrisma('postgres://postgres@127.0.0.1:1/nowhere', 1);
    try {
      expect(sqlPoolOf(gone)).toBeDefined();
      const err = await persistHolds(gone, [seatHold()], { now: NOW }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isOutage(err)).toBe(true);
    } finally {
      await gone.$disconnect();
    }
  });
});

describe('persistHolds inside a transaction (Prisma)', () => {
  it('writes the same rows, commits with the transaction and is not noted before it commits', async () => {
    const zone0 = await zoneClaimed();
    const holds = [seatHold(), gaHold(2)];
    const out = await prisma.$transaction((tx) => persistHolds(tx, holds, { now: NOW }));
    expect(out.every((o) => o.created)).toBe(true);
    const rows = await ordersOf(holds);
    expect(rows).toHaveLength(2);
    expect(rows.reduce((n, o) => n + o.items.length, 0)).toBe(3);
    expect(rows.find((r) => r.holdId === holds[0]!.id)!.items[0]!.claim).not.toBeNull();
    expect(rows.find((r) => r.holdId === holds[0]!.id)!.expiresAt.getTime()).toBe(holds[0]!.expiresAt);
    expect(await zoneClaimed()).toBe(zone0 + 2);
    expect(holds.some((h) => holdsWithOrders.has(h.id))).toBe(false);
    // Again in a transaction: found, not doubled.
    const again = await prisma.$transaction((tx) => persistHolds(tx, holds, { now: NOW }));
    expect(again.map((o) => o.orderId)).toEqual(out.map((o) => o.orderId));
    expect(again.every((o) => !o.created)).toBe(true);
  });

  it('a transaction rolled back after the write leaves no order', async () => {
    const h = seatHold();
    const before = await counts();
    await expect(
      prisma.$transaction(async (tx) => {
        await persistHolds(tx, [h], { now: NOW });
        throw new Error('checkout failed after persisting');
      }),
    ).rejects.toThrow('checkout failed');
    expect(await counts()).toEqual(before);
    expect(holdsWithOrders.has(h.id)).toBe(false);
  });
});

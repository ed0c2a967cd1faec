/**
 * The database is the last line of defence against overselling: whatever Redis or the workers do, PostgreSQL
 * refuses a second live claim of a seat and a GA claim beyond the zone's capacity — even from concurrent
 * transactions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../src/db/prisma.ts';
import { errorStatus } from '@seatrush/shared';
import { toDomainError } from '../src/http/errors.ts';
import { createTestDatabase } from './support/db.ts';

let prisma: PrismaClient;
let drop: () => Promise<void>;
let dbUrl: string;
let showtimeId: string;
let buyerId: string;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  dbUrl = db.url;
  prisma = createPrisma(db.url, 20);
  const venue = await prisma.venue.create({ data: { slug: 'guard-hall', name: 'Guard Hall', seatMap: {} } });
  const event = await prisma.event.create({ data: { slug: 'guard-event', name: 'Guard' } });
  const now = new Date();
  const showtime = await prisma.showtime.create({
    data: {
      eventId: event.id,
      venueId: venue.id,
      startsAt: new Date(now.getTime() + 86_400_000),
      saleOpensAt: now,
      saleClosesAt: new Date(now.getTime() + 86_000_000),
      zones: { create: { zoneKey: 'ga', capacity: 5 } },
    },
  });
  showtimeId = showtime.id;
  buyerId = (await prisma.buyer.create({ data: { email: 'guard@example.com' } })).id;
});

afterAll(async () => {
  await prisma.$disconnect();
  await drop();
});

let n = 0;
async function orderWithSeat(seatLabel: string) {
  n++;
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({
      data: {
        code: `G-${n}-${Math.random().toString(36).slice(2, 8)}`,
        holdId: `${showtimeId}.h${n}${Math.random().toString(36).slice(2, 8)}`,
        holdTokenHash: 'x',
        showtimeId,
        buyerId,
        totalCents: 1000,
        currency: 'EUR',
        expiresAt: new Date(Date.now() + 60_000),
        items: {
          create: {
            showtimeId,
            seatLabel,
            category: 'A',
            priceCents: 1000,
            ticketCode: `t-${n}-${Math.random().toString(36).slice(2)}`,
          },
        },
      },
      include: { items: true },
    });
    await tx.seatClaim.create({ data: { showtimeId, seatLabel, orderItemId: order.items[0]!.id } });
    return order;
  });
}

const claimGa = (quantity: number) =>
  prisma.$executeRaw`UPDATE "ZoneInventory" SET claimed = claimed + ${quantity} WHERE "showtimeId" = ${showtimeId} AND "zoneKey" = 'ga'`;

describe('database oversell guards', () => {
  it('rejects a second live claim of the same seat, and rolls the whole order back', async () => {
    await orderWithSeat('A-1-1');
    await expect(orderWithSeat('A-1-1')).rejects.toThrow();
    expect(await prisma.orderItem.count({ where: { showtimeId, seatLabel: 'A-1-1' } })).toBe(1);
  });

  it('lets the seat be claimed again once the live claim is released', async () => {
    await prisma.seatClaim.deleteMany({ where: { showtimeId, seatLabel: 'A-1-1' } });
    await expect(orderWithSeat('A-1-1')).resolves.toBeTruthy();
  });

  it('allows exactly one of 20 concurrent claims of the same seat', async () => {
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => orderWithSeat('B-2-7')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await prisma.seatClaim.count({ where: { showtimeId, seatLabel: 'B-2-7' } })).toBe(1);
  });

  it('never lets GA claims exceed capacity, even from concurrent transactions', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => claimGa(1)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const zone = await prisma.zoneInventory.findUniqueOrThrow({
      where: { showtimeId_zoneKey: { showtimeId, zoneKey: 'ga' } },
    });
    expect(zone.claimed).toBe(5);
    await expect(claimGa(1)).rejects.toThrow(/ZoneInventory_claimed_within_capacity/);
    await expect(claimGa(-6)).rejects.toThrow(/ZoneInventory_claimed_within_capacity/);
  });
});

describe('transactions under a burst', () => {
  it('a burst that queues for the pool longer than Prisma’s default 2 s wait still completes', async () => {
    const small = createPrisma(dbUrl, 2);
    try {
      // 240 transactions of ≥ 25 ms on 2 connections: the last ones wait ~3 s for a connection.
      const started = Date.now();
      const results = await Promise.allSettled(
        Array.from({ length: 240 }, () =>
          small.$transaction(async (tx) => {
            await tx.$executeRaw`SELECT pg_sleep(0.025)`;
            return 1;
          }),
        ),
      );
      const failed = results.filter((r) => r.status === 'rejected');
      expect(Date.now() - started).toBeGreaterThan(2_000); // it really queued past the old limit
      expect(failed.map((r) => String(r.reason).slice(0, 200))).toEqual([]);
    } finally {
      await small.$disconnect();
    }
  }, 60_000);
});

describe('toDomainError', () => {
  it('answers a transaction that timed out waiting for the pool with 503 busy', () => {
    const mapped = toDomainError(Object.assign(new Error('Transaction API error'), { code: 'P2028' }));
    expect(mapped?.code).toBe('busy');
    expect(errorStatus.busy).toBe(503);
  });
});

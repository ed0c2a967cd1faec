import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainError } from '../src/domain/errors.ts';
import type { Inventory } from '../src/inventory/inventory.ts';
import { persistHolds } from '../src/orders/persist.ts';
import { createBuyers, createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { startInventoryHarness, type InventoryHarness } from './support/inventory-harness.ts';

/**
 * The per-buyer limit counted under a hold's limit key (`HoldRequest.limitKey`: a session that has not proved the
 * e-mail spends a limit of its own, auth/limit-keys.ts), through every script that moves tickets in or out of the
 * count — hold, release, expiry, confirm, refund, a late payment's reclaim — and the rebuild from PostgreSQL, with
 * the recount invariant after each step. Real Redis (random prefix; the cluster too) and PostgreSQL; time injected.
 */

let h: InventoryHarness;
let inv: Inventory;
let buyer: string;
const LIMIT = 2;
const CLAIM = 's:claim-session';
const OTHER_CLAIM = 's:other-session';

beforeAll(async () => {
  h = await startInventoryHarness();
  inv = h.inventory;
  [buyer] = (await createBuyers(h.prisma, 1)) as [string];
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.clock.set(Date.UTC(2026, 10, 21, 12, 0, 0));
});

async function showtime(): Promise<Fixture> {
  const f = await createShowtimeFixture(h.prisma, {
    sections: [{ key: 'A', rows: 2, seatsPerRow: 6, category: 'std' }],
    prices: { std: 1000 },
    perBuyerLimit: LIMIT,
    holdTtlSeconds: 600,
  });
  await inv.load(f.showtimeId);
  return f;
}

let seq = 0;
const hold = (st: string, seats: string[], limitKey?: string, requestId = `r${++seq}`) =>
  inv.hold(st, { buyerId: buyer, requestId, seats, ...(limitKey ? { limitKey } : {}) });

async function refused(p: Promise<unknown>): Promise<DomainError> {
  const err = (await p.then(
    () => {
      throw new Error('expected a refusal, but it succeeded');
    },
    (e: unknown) => e,
  )) as DomainError;
  return err;
}

async function recountOk(st: string) {
  expect((await inv.recount(st)).diffs).toEqual([]);
}

describe('holds under a limit key of their own', () => {
  it('count apart from the buyer and from other keys; each is limited on its own', async () => {
    const { showtimeId: st } = await showtime();
    await hold(st, ['A-1-1', 'A-1-2'], CLAIM);
    // The claim spent its own limit, not the buyer's.
    const own = await refused(hold(st, ['A-1-3'], CLAIM));
    expect(own.code).toBe('limit_exceeded');
    expect(own.details).toMatchObject({ limit: LIMIT, current: 2, requested: 1 });
    const byBuyer = await hold(st, ['A-1-3', 'A-1-4']);
    expect(byBuyer.items).toHaveLength(2);
    expect((await refused(hold(st, ['A-1-5']))).details).toMatchObject({ current: 2 });
    await hold(st, ['A-2-1', 'A-2-2'], OTHER_CLAIM);
    expect((await refused(hold(st, ['A-2-3'], OTHER_CLAIM))).code).toBe('limit_exceeded');
    await recountOk(st);
  });

  it("scope the idempotency key: a claim's request id never answers the buyer's hold", async () => {
    const { showtimeId: st } = await showtime();
    const mine = await hold(st, ['A-1-1'], undefined, 'same-request');
    const theirs = await hold(st, ['A-1-1'], CLAIM, 'same-request').catch((e: DomainError) => e);
    // Not a replay of the buyer's hold (which would hand over its token): a new request, refused for the seat.
    expect(theirs).toMatchObject({ code: 'seat_unavailable' });
    const again = await hold(st, ['A-1-1'], undefined, 'same-request');
    expect(again).toMatchObject({ holdId: mine.holdId, replayed: true });
  });

  it('give their tickets back to their key when released or expired, and say whose they were', async () => {
    const { showtimeId: st } = await showtime();
    const from = (await inv.version(st))!;
    const a = await hold(st, ['A-1-1'], CLAIM);
    const b = await hold(st, ['A-1-2'], CLAIM);
    await inv.release(a.holdId, a.holdToken);
    await hold(st, ['A-1-3'], CLAIM); // room again under the claim's limit
    expect((await refused(hold(st, ['A-1-4'], CLAIM))).code).toBe('limit_exceeded');
    h.clock.advance(601_000);
    expect(await inv.expire(b.holdId)).toBe('expired');
    const endings = (await inv.changesSince(st, from))!.changes.flatMap((c) => c.endedHolds);
    expect(endings).toEqual([
      { holdId: a.holdId, buyerId: buyer, reason: 'released', limitKey: CLAIM },
      { holdId: b.holdId, buyerId: buyer, reason: 'expired', limitKey: CLAIM },
    ]);
    await recountOk(st);
  });

  it('keep counting sold tickets under the key through confirm, refund and a late reclaim', async () => {
    const { showtimeId: st } = await showtime();
    const paid = await hold(st, ['A-1-1', 'A-1-2'], CLAIM);
    await inv.confirm(paid.holdId, 'order-1');
    expect((await refused(hold(st, ['A-1-3'], CLAIM))).code).toBe('limit_exceeded');
    await hold(st, ['A-1-3', 'A-1-4']); // the buyer's own limit is untouched
    expect(await inv.returnItems(st, 'order-1', [paid.items[0]!])).toEqual({ returned: 1 });
    const back = await hold(st, ['A-1-5'], CLAIM); // one ticket back under the claim's limit
    await recountOk(st);

    // `back` expires unpaid; its payment arrives late and reclaims the seat under the claim's key.
    h.clock.advance(601_000);
    expect(await inv.expire(back.holdId)).toBe('expired');
    await inv.reclaim(st, back.holdId, back.items, buyer, 'order-2', CLAIM);
    expect((await refused(hold(st, ['A-2-1'], CLAIM))).details).toMatchObject({ current: 2 });
    const [record] = await inv.getHolds(st, [back.holdId]);
    expect(record).toMatchObject({ status: 'confirmed', limitKey: CLAIM, orderRef: 'order-2' });
    await recountOk(st);
  });

  it('survive a rebuild from PostgreSQL: the order carries the key, the rebuilt hold and count keep it', async () => {
    const { showtimeId: st } = await showtime();
    const claimed = await hold(st, ['A-1-1', 'A-1-2'], CLAIM);
    const own = await hold(st, ['A-1-3']);
    const records = (await inv.getHolds(st, [claimed.holdId, own.holdId])).map((r) => r!);
    expect(records.map((r) => r.limitKey)).toEqual([CLAIM, undefined]);
    await persistHolds(h.prisma, records, { now: h.clock.now() });
    const orders = await h.prisma.order.findMany({
      where: { holdId: { in: [claimed.holdId, own.holdId] } },
      select: { holdId: true, limitKey: true },
    });
    expect(new Map(orders.map((o) => [o.holdId, o.limitKey]))).toEqual(
      new Map([
        [claimed.holdId, CLAIM],
        [own.holdId, null],
      ]),
    );

    await inv.load(st, { force: true });
    await recountOk(st);
    expect((await inv.getHolds(st, [claimed.holdId]))[0]).toMatchObject({ limitKey: CLAIM });
    expect((await refused(hold(st, ['A-2-1'], CLAIM))).details).toMatchObject({ current: 2 });
    expect((await refused(hold(st, ['A-2-1', 'A-2-2']))).details).toMatchObject({ current: 1 });
    // Released after the rebuild, the claim's tickets leave the claim's count (not the buyer's).
    await inv.release(claimed.holdId, claimed.holdToken);
    await hold(st, ['A-2-1', 'A-2-2'], CLAIM);
    expect((await refused(hold(st, ['A-2-3', 'A-2-4']))).details).toMatchObject({ current: 1 });
    await recountOk(st);
  });
});

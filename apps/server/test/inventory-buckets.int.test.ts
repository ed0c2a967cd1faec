import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../src/domain/errors.ts';
import { createSoldOutGate } from '../src/inventory/gate.ts';
import { requestTag } from '../src/inventory/changes.ts';
import type { HoldResult } from '../src/inventory/inventory.ts';
import { bucketGiveScriptKeys, bucketSlotIds, changesChannel, showtimeKeys } from '../src/inventory/keys.ts';
import { runScript } from '../src/inventory/scripts.ts';
import { createShowtimeFixture } from './support/inventory-fixtures.ts';
import {
  silent,
  startInventoryHarness,
  testRedis,
  type InventoryHarness,
} from './support/inventory-harness.ts';
import { waitFor } from './support/wait.ts';

/**
 * GA buckets (docs/inventory.md, "GA buckets"), against a real Redis (and, in cluster mode, a three-master
 * cluster): the home bucket of a request and its retry, fall-through and rebalancing when a bucket runs dry,
 * releases and expiries returning stock to the bucket that held it, the sold-out view (never while a bucket has
 * stock), moves left half done and completed by the sweeper, the recount across buckets, the outbox of every
 * bucket, sale states and a rebuild.
 */

let h: InventoryHarness;
let req = 0;

beforeAll(async () => {
  h = await startInventoryHarness();
}, 120_000);

afterAll(async () => {
  await h?.close();
});

async function gaShowtime(k: number, capacity: number): Promise<string> {
  const f = await createShowtimeFixture(h.prisma, {
    sections: [],
    gaZones: [{ key: 'floor', capacity, category: 'ga' }],
    prices: { ga: 3000 },
    perBuyerLimit: null,
    holdTtlSeconds: 60,
    gaBuckets: k,
  });
  await h.inventory.load(f.showtimeId);
  return f.showtimeId;
}

/** A request id whose home is bucket `b` of `k` (the home is the request tag mod K). */
function requestFor(buyerId: string, k: number, b: number): string {
  for (;;) {
    const id = `r-${req++}`;
    if (requestTag(buyerId, id) % k === b) return id;
  }
}

/** What one bucket has of the zone: available, held, sold, capacity. */
async function bucketCounts(showtimeId: string, k: number, b: number) {
  const slot = bucketSlotIds(showtimeId, k)[b]!;
  const c = await h.redis.hgetall(showtimeKeys(h.prefix, slot).counts);
  return {
    a: Number(c['z:floor:a']),
    h: Number(c['z:floor:h']),
    s: Number(c['z:floor:s']),
    cap: Number(c['z:floor:cap']),
  };
}

const hold = (showtimeId: string, buyerId: string, requestId: string, quantity = 1) =>
  h.inventory.hold(showtimeId, { buyerId, requestId, zone: 'floor', quantity });

describe('GA buckets', () => {
  it('splits the stock evenly; a request and its retry land on their home bucket, named by the hold id', async () => {
    const st = await gaShowtime(4, 42);
    expect((await Promise.all([0, 1, 2, 3].map((b) => bucketCounts(st, 4, b)))).map((c) => c.cap)).toEqual([
      11, 11, 10, 10,
    ]);
    const id = requestFor('buyer-a', 4, 2);
    const first = await hold(st, 'buyer-a', id, 3);
    const slot = bucketSlotIds(st, 4)[2]!;
    expect(first.holdId.startsWith(`${st}.b${slot.slice(slot.indexOf('~') + 1)}-`)).toBe(true);
    expect(await bucketCounts(st, 4, 2)).toEqual({ a: 7, h: 3, s: 0, cap: 10 });
    const again = await hold(st, 'buyer-a', id, 3);
    expect(again).toMatchObject({ holdId: first.holdId, holdToken: first.holdToken, replayed: true });
    await expect(hold(st, 'buyer-a', id, 2)).rejects.toMatchObject({ code: 'idempotency_conflict' });
    expect((await h.inventory.snapshot(st)).zones.floor).toEqual({
      capacity: 42,
      available: 39,
      held: 3,
      sold: 0,
    });
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('falls through: a dry home bucket gets stock moved in, more than it needs, and every unit sells', async () => {
    const st = await gaShowtime(2, 100);
    await hold(st, 'buyer-b', requestFor('buyer-b', 2, 0), 50);
    expect(await bucketCounts(st, 2, 0)).toEqual({ a: 0, h: 50, s: 0, cap: 50 });
    // Home 0 is dry: the other bucket gives half of its 50 (not just the 1 missing), and the request is served.
    const one = await hold(st, 'buyer-b', requestFor('buyer-b', 2, 0), 1);
    expect(one.items).toMatchObject([{ zone: 'floor', quantity: 1 }]);
    expect(await bucketCounts(st, 2, 0)).toEqual({ a: 24, h: 51, s: 0, cap: 75 });
    expect(await bucketCounts(st, 2, 1)).toEqual({ a: 25, h: 0, s: 0, cap: 25 });
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
    // A request larger than its home has: served by moving what is missing.
    const big = await hold(st, 'buyer-b', requestFor('buyer-b', 2, 1), 40);
    expect(big.items).toMatchObject([{ quantity: 40 }]);
    // Every unit left sells, whichever bucket the requests call home; then sold out, and only then.
    let sold = 0;
    for (let i = 0; i < 9; i++) {
      await hold(st, 'buyer-b', requestFor('buyer-b', 2, i % 2), 1);
      sold++;
    }
    expect(sold).toBe(9);
    // Holds do not wait for the rollup (the view lags by one); the recount rolls every bucket up first.
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
    expect((await h.inventory.snapshot(st)).zones.floor).toEqual({
      capacity: 100,
      available: 0,
      held: 100,
      sold: 0,
    });
    for (const b of [0, 1]) {
      const err = (await hold(st, 'buyer-b', requestFor('buyer-b', 2, b), 1).catch(
        (e: unknown) => e,
      )) as DomainError;
      expect(err.code).toBe('sold_out');
    }
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('returns released and expired stock to the bucket that held it, and the showtime shows it at once', async () => {
    const st = await gaShowtime(4, 8);
    const holds: HoldResult[] = [];
    for (let b = 0; b < 4; b++) holds.push(await hold(st, 'buyer-c', requestFor('buyer-c', 4, b), 2));
    expect((await h.inventory.recount(st)).diffs).toEqual([]); // rolls every bucket up (holds do not wait for it)
    expect((await h.inventory.snapshot(st)).zones.floor!.available).toBe(0);
    const before = await bucketCounts(st, 4, 1);
    await h.inventory.release(holds[1]!.holdId, holds[1]!.holdToken);
    expect(await bucketCounts(st, 4, 1)).toEqual({ ...before, a: before.a + 2, h: before.h - 2 });
    // Not sold out any more, the moment the release has answered: the showtime's view and its change log say so.
    const s = await h.inventory.snapshot(st);
    expect(s.zones.floor).toEqual({ capacity: 8, available: 2, held: 6, sold: 0 });
    const changes = await h.inventory.changesSince(st, s.version - 1);
    expect(changes?.changes.at(-1)?.zones.floor?.available).toBe(2);
    // Another bucket's request gets the released units (moved over), not a sold_out.
    const moved = await hold(st, 'buyer-c', requestFor('buyer-c', 4, 3), 2);
    expect(moved.items).toMatchObject([{ quantity: 2 }]);

    // Expiry: by the sweeper, back to the hold's own bucket.
    h.clock.advance(61_000);
    const b2 = await bucketCounts(st, 4, 2);
    const expired = await h.inventory.expireDue(st, 100);
    expect(expired).toContain(holds[2]!.holdId);
    expect((await bucketCounts(st, 4, 2)).a).toBe(b2.a + 2);
    expect((await h.inventory.snapshot(st)).zones.floor!.available).toBe(8);
    expect(await h.inventory.getHold(holds[2]!.holdId)).toBeNull();
    expect(await h.inventory.holdEndings([holds[2]!.holdId, holds[1]!.holdId])).toEqual([
      'expired',
      'released',
    ]);
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('confirms, extends and refunds in the hold’s bucket; the order’s units return there', async () => {
    const st = await gaShowtime(4, 20);
    const x = await hold(st, 'buyer-d', requestFor('buyer-d', 4, 3), 4);
    await h.inventory.extend(x.holdId, x.holdToken, 60);
    expect(await h.inventory.confirm(x.holdId, 'order-d')).toBe('confirmed');
    expect(await bucketCounts(st, 4, 3)).toMatchObject({ h: 0, s: 4 });
    expect((await h.inventory.snapshot(st)).zones.floor).toMatchObject({ sold: 4, held: 0, available: 16 });
    expect(await h.inventory.returnItems(st, 'order-d', x.items)).toEqual({ returned: 4 });
    expect(await bucketCounts(st, 4, 3)).toMatchObject({ h: 0, s: 0, a: 5 });
    expect((await h.inventory.snapshot(st)).zones.floor).toMatchObject({ sold: 0, available: 20 });
    expect((await h.inventory.holdsOf(st, 'buyer-d')).map((r) => r.id)).toEqual([x.holdId]);
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('a move left half done (the node died) is stock in flight — never lost, never sold twice — until the sweeper completes it', async () => {
    const st = await gaShowtime(4, 40);
    const [giver, to] = [bucketSlotIds(st, 4)[1]!, bucketSlotIds(st, 4)[0]!];
    // Step 1 only: bucket 1 gives 6 units toward bucket 0, then nothing.
    const gave = await runScript(h.redis, 'bucketGive', bucketGiveScriptKeys(showtimeKeys(h.prefix, giver)), [
      h.clock.now(),
      st,
      changesChannel(h.prefix, giver),
      'dead-move',
      to,
      'floor',
      6,
      0,
    ]);
    expect(Number(gave[0])).toBe(6);
    expect(await bucketCounts(st, 4, 1)).toEqual({ a: 4, h: 0, s: 0, cap: 4 });
    // The recount counts the units in flight (conserved), and so does the showtime's view (still available).
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
    expect((await h.inventory.snapshot(st)).zones.floor).toEqual({
      capacity: 40,
      available: 40,
      held: 0,
      sold: 0,
    });
    h.clock.advance(11_000);
    await h.inventory.expireDue(st, 10);
    expect(await bucketCounts(st, 4, 0)).toEqual({ a: 16, h: 0, s: 0, cap: 16 });
    expect(await h.redis.hlen(showtimeKeys(h.prefix, giver).moves)).toBe(0);
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
    expect((await h.inventory.snapshot(st)).zones.floor!.available).toBe(40);
  });

  it('the recount across buckets reports a unit that appeared in a bucket, and the showtime counts that disagree', async () => {
    const st = await gaShowtime(4, 40);
    const slot = bucketSlotIds(st, 4)[2]!;
    const counts = showtimeKeys(h.prefix, slot).counts;
    // Consistent within the bucket (a + h + s = cap), but one unit more than the showtime was loaded with.
    await h.redis.hincrby(counts, 'z:floor:a', 1);
    await h.redis.hincrby(counts, 'z:floor:cap', 1);
    await h.redis.hincrby(counts, 'c:ga:a', 1);
    const r = await h.inventory.recount(st);
    expect(r.ok).toBe(false);
    expect(r.diffs).toEqual([
      "zone floor: buckets' capacities 41 + 0 in flight, loaded with 40",
      'showtime counts z:floor:a: stored 40, buckets sum to 41',
      'showtime counts z:floor:cap: stored 40, buckets sum to 41',
      'showtime counts c:ga:a: stored 40, buckets sum to 41',
    ]);
    await h.redis.hincrby(counts, 'z:floor:a', -1);
    await h.redis.hincrby(counts, 'z:floor:cap', -1);
    await h.redis.hincrby(counts, 'c:ga:a', -1);
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
    // The showtime's own counts are checked against the buckets too.
    const top = showtimeKeys(h.prefix, st).counts;
    await h.redis.hset(top, 'z:floor:h', 3);
    expect((await h.inventory.recount(st)).diffs).toEqual([
      'showtime counts z:floor:h: stored 3, buckets sum to 0',
    ]);
    await h.redis.hset(top, 'z:floor:h', 0, 'z:floor:zz', 3);
    expect((await h.inventory.recount(st)).diffs).toEqual([
      'showtime counts z:floor:zz: stored 3, no bucket has it',
    ]);
    await h.redis.hdel(top, 'z:floor:zz');
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('the outbox of every bucket reaches the reader, with the showtime’s id', async () => {
    const st = await gaShowtime(4, 40);
    const made = new Set<string>();
    for (let i = 0; i < 12; i++)
      made.add((await hold(st, 'buyer-e', requestFor('buyer-e', 4, i % 4), 1)).holdId);
    const reader = h.inventory.outboxReader({ consumer: 'c1', claimIdleMs: 60_000, count: 100 });
    const seen = new Set<string>();
    const streams = new Set<string>();
    for (let round = 0; round < 5 && seen.size < made.size; round++) {
      const entries = (await reader.read()).filter((e) => e.showtimeId === st);
      for (const e of entries) {
        if (e.fields.type === 'hold') seen.add(e.fields.holdId!);
        streams.add(e.stream);
      }
      await reader.ack(entries);
    }
    expect(seen).toEqual(made);
    expect(streams.size).toBe(4);
  });

  it('pauses and reopens every bucket; a forced rebuild splits the stock again', async () => {
    const st = await gaShowtime(4, 40);
    await h.inventory.setSaleState(st, 'paused');
    for (let b = 0; b < 4; b++)
      await expect(hold(st, 'buyer-f', requestFor('buyer-f', 4, b))).rejects.toMatchObject({
        code: 'sale_not_open',
      });
    await h.inventory.setSaleState(st, 'on_sale');
    const x = await hold(st, 'buyer-f', requestFor('buyer-f', 4, 1), 5);
    await hold(st, 'buyer-f', requestFor('buyer-f', 4, 1), 8); // moves stock into bucket 1
    const { version } = await h.inventory.load(st, { force: true });
    expect(version).toBeGreaterThan(0);
    // The holds never became orders, so a rebuild from PostgreSQL drops them: all 40 back, split evenly.
    expect(await h.inventory.getHold(x.holdId)).toBeNull();
    expect((await Promise.all([0, 1, 2, 3].map((b) => bucketCounts(st, 4, b)))).map((c) => c.a)).toEqual([
      10, 10, 10, 10,
    ]);
    expect((await h.inventory.snapshot(st)).zones.floor).toEqual({
      capacity: 40,
      available: 40,
      held: 0,
      sold: 0,
    });
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });

  it('a node’s sold-out gate closes only when no bucket has stock, and reopens on a release in any bucket', async () => {
    const redis = testRedis();
    const gate = createSoldOutGate({ redis, prefix: h.prefix, logger: silent });
    try {
      await gate.start();
      const node = h.another({ redis, gate });
      const st = await gaShowtime(4, 4);
      expect(gate.isSoldOut(st, 'floor')).toBe(false);
      await waitFor(() => gate.following().includes(st), 5000, 'the gate to follow the showtime');
      // Three units go; the gate stays open while the fourth is in some bucket.
      const holds: HoldResult[] = [];
      for (let i = 0; i < 3; i++)
        holds.push(
          await node.hold(st, { buyerId: 'buyer-h', requestId: `gate-${i}`, zone: 'floor', quantity: 1 }),
        );
      expect((await h.inventory.recount(st)).diffs).toEqual([]);
      expect(gate.isSoldOut(st, 'floor')).toBe(false);
      // The last unit, asked from a bucket that has none: moved over and sold; then the gate closes.
      const left = (await Promise.all([0, 1, 2, 3].map((b) => bucketCounts(st, 4, b)))).findIndex(
        (c) => c.a === 0,
      );
      holds.push(await hold(st, 'buyer-h', requestFor('buyer-h', 4, left), 1));
      await waitFor(() => gate.isSoldOut(st, 'floor'), 5000, 'the gate to close');
      const counts = await Promise.all([0, 1, 2, 3].map((b) => bucketCounts(st, 4, b)));
      expect(counts.map((c) => c.a)).toEqual([0, 0, 0, 0]);
      await expect(
        node.hold(st, { buyerId: 'buyer-h', requestId: 'gate-x', zone: 'floor', quantity: 1 }),
      ).rejects.toMatchObject({ code: 'sold_out' });
      // A release in any bucket reopens it, on this node too.
      await h.inventory.release(holds[0]!.holdId, holds[0]!.holdToken);
      await waitFor(() => !gate.isSoldOut(st, 'floor'), 5000, 'the gate to reopen');
      const again = await node.hold(st, {
        buyerId: 'buyer-h',
        requestId: requestFor('buyer-h', 4, (left + 1) % 4),
        zone: 'floor',
        quantity: 1,
      });
      expect(again.items).toMatchObject([{ quantity: 1 }]);
    } finally {
      await gate.stop();
      redis.disconnect();
    }
  });

  it('a showtime with one bucket is today’s: one slot, hold ids without a bucket', async () => {
    const st = await gaShowtime(1, 10);
    const x = await hold(st, 'buyer-g', 'one', 2);
    expect(x.holdId).not.toMatch(/\.b\d+-/);
    expect(await h.redis.hget(showtimeKeys(h.prefix, st).counts, 'z:floor:h')).toBe('2');
    expect((await h.inventory.recount(st)).diffs).toEqual([]);
  });
});

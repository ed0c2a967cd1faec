import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/wait.ts';
import type { DomainError } from '../src/domain/errors.ts';
import { isCluster, type Redis } from '../src/db/redis.ts';
import { createSoldOutGate, GATE_SEATS, type SoldOutGate } from '../src/inventory/gate.ts';
import type { Change, Inventory } from '../src/inventory/inventory.ts';
import { createShowtimeFixture } from './support/inventory-fixtures.ts';
import {
  silent,
  startInventoryHarness,
  testRedis,
  type InventoryHarness,
} from './support/inventory-harness.ts';

/**
 * The sold-out gate: once a zone (or every seat) is gone, holds are refused from memory without a Redis call,
 * on every node that serves the showtime; the first change that brings availability back reopens it, on every
 * node. A gate follows a showtime's channel from the first request for it (on a single Redis and on a cluster,
 * where the channel lives on the showtime's slot), so a node receives none of the changes of showtimes it does not
 * serve.
 */

let h: InventoryHarness;
const opened: Array<{ gate: SoldOutGate; redis: Redis }> = [];

beforeAll(async () => {
  h = await startInventoryHarness();
});
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.gate.stop();
    o.redis.disconnect();
  }
});
afterAll(async () => {
  await h.close();
});

/** A node: its own connection, gate and inventory; counts the hold scripts it sends to Redis. */
async function node(opts: { maxClosedMs?: number; idleMs?: number } = {}) {
  const redis = testRedis();
  const gate = createSoldOutGate({ redis, prefix: h.prefix, logger: silent, ...opts });
  await gate.start();
  opened.push({ gate, redis });
  const inventory = h.another({ redis, gate });
  let holdCalls = 0;
  const name = 'srInventory_hold';
  const target = redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const original = target[name]!;
  target[name] = (...args: unknown[]) => {
    holdCalls++;
    return original.apply(redis, args);
  };
  return { gate, inventory, redis, calls: () => holdCalls };
}

/** The gate is asked about the showtime (as a hold request would) and waits until it follows it. */
async function follow(gate: SoldOutGate, showtimeId: string): Promise<void> {
  expect(gate.isSoldOut(showtimeId, 'ga')).toBe(false);
  await waitFor(() => gate.following().includes(showtimeId), 5000, 'the gate to follow the showtime');
}

async function code(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: DomainError) => e.code,
  );
}

let n = 0;
const ask = (buyerId: string, x: { seats?: string[]; zone?: string; quantity?: number }) => ({
  buyerId,
  requestId: `g${++n}`,
  ...x,
});

async function gaShowtime(capacity: number, inv: Inventory) {
  const f = await createShowtimeFixture(h.prisma, {
    sections: [{ key: 'A', rows: 1, seatsPerRow: 2, category: 'std' }],
    gaZones: [{ key: 'ga', capacity, category: 'floor' }],
  });
  await inv.load(f.showtimeId);
  return f;
}

describe('sold-out gate', () => {
  it('refuses from memory once sold out, on every node, and reopens on release everywhere', async () => {
    const a = await node();
    const b = await node();
    const f = await gaShowtime(3, a.inventory);
    await follow(a.gate, f.showtimeId);
    await follow(b.gate, f.showtimeId);
    const held = await a.inventory.hold(f.showtimeId, ask('x', { zone: 'ga', quantity: 3 }));
    await waitFor(
      () => a.gate.isSoldOut(f.showtimeId, 'ga') && b.gate.isSoldOut(f.showtimeId, 'ga'),
      2000,
      'both gates to close',
    );
    expect(a.gate.isSoldOut(f.showtimeId, GATE_SEATS)).toBe(false);

    const before = b.calls();
    for (let i = 0; i < 100; i++)
      expect(await code(b.inventory.hold(f.showtimeId, ask('y', { zone: 'ga', quantity: 1 })))).toBe(
        'sold_out',
      );
    expect(b.calls()).toBe(before);
    // Seats are another matter: they still go to Redis.
    expect(await code(b.inventory.hold(f.showtimeId, ask('y', { seats: ['A-1-1'] })))).toBe('ok');
    expect(b.calls()).toBe(before + 1);

    await a.inventory.release(held.holdId, held.holdToken);
    await waitFor(() => !b.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'the gate to reopen');
    expect(await code(b.inventory.hold(f.showtimeId, ask('y', { zone: 'ga', quantity: 1 })))).toBe('ok');
  });

  it('answers a retry of a hold made on another node with that hold, not sold_out from memory', async () => {
    const a = await node();
    const b = await node();
    const f = await gaShowtime(2, a.inventory);
    await follow(b.gate, f.showtimeId);
    // The last tickets are held on node A; the buyer's retry (lost response, a balancer) lands on node B.
    const first = await a.inventory.hold(f.showtimeId, {
      buyerId: 'x',
      requestId: 'retry-me',
      zone: 'ga',
      quantity: 2,
    });
    await waitFor(() => b.gate.isSoldOut(f.showtimeId, 'ga'), 2000, "node B's gate to close");
    const before = b.calls();
    const again = await b.inventory.hold(f.showtimeId, {
      buyerId: 'x',
      requestId: 'retry-me',
      zone: 'ga',
      quantity: 2,
    });
    expect(again).toEqual({ ...first, replayed: true });
    expect(b.calls()).toBe(before + 1); // asked Redis, which knows the key
    // Everybody else still gets the memory answer.
    expect(await code(b.inventory.hold(f.showtimeId, ask('y', { zone: 'ga', quantity: 1 })))).toBe(
      'sold_out',
    );
    expect(
      await code(
        b.inventory.hold(f.showtimeId, { buyerId: 'y', requestId: 'retry-me', zone: 'ga', quantity: 1 }),
      ),
    ).toBe('sold_out');
    expect(b.calls()).toBe(before + 1);
  });

  it('reopens on expiry, refund and rebuild, and closes for seats when every seat is taken', async () => {
    const a = await node();
    const f = await gaShowtime(2, h.inventory);
    await follow(a.gate, f.showtimeId);
    const g = await h.inventory.hold(f.showtimeId, ask('x', { zone: 'ga', quantity: 2 }));
    const s = await h.inventory.hold(f.showtimeId, ask('x', { seats: ['A-1-1', 'A-1-2'] }));
    await waitFor(
      () => a.gate.isSoldOut(f.showtimeId, 'ga') && a.gate.isSoldOut(f.showtimeId, GATE_SEATS),
      2000,
      'gates to close',
    );
    expect(await code(a.inventory.hold(f.showtimeId, ask('y', { seats: ['A-1-1'] })))).toBe('sold_out');

    h.clock.advance(3600_000);
    await h.inventory.expire(s.holdId);
    await waitFor(() => !a.gate.isSoldOut(f.showtimeId, GATE_SEATS), 2000, 'seats to reopen after expiry');
    expect(a.gate.isSoldOut(f.showtimeId, 'ga')).toBe(true);

    await h.inventory.reclaim(f.showtimeId, g.holdId, g.items, 'x', 'order-1');
    await waitFor(() => a.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'ga still closed');
    await h.inventory.returnItems(f.showtimeId, 'order-1', [
      { ...g.items[0]!, kind: 'ga', zone: 'ga', category: 'floor', priceCents: 1, quantity: 1 },
    ]);
    await waitFor(() => !a.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'ga to reopen after a refund');

    await h.inventory.hold(f.showtimeId, ask('z', { zone: 'ga', quantity: 1 }));
    await waitFor(() => a.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'ga to close again');
    await h.inventory.load(f.showtimeId, { force: true });
    await waitFor(() => !a.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'ga to reopen after a rebuild');
  });

  it('ignores a sold-out answer older than what it knows, and re-checks a stale flag', async () => {
    let t = 1_000_000;
    const redis = testRedis();
    const gate = createSoldOutGate({
      redis,
      prefix: h.prefix,
      logger: silent,
      maxClosedMs: 1000,
      now: () => t,
    });
    await gate.start();
    opened.push({ gate, redis });
    const f = await gaShowtime(1, h.inventory);
    // Before the gate follows the showtime, a refusal proves nothing (changes after it would go unseen).
    gate.noteSoldOut(f.showtimeId, 'ga', 1e9);
    expect(gate.isSoldOut(f.showtimeId, 'ga')).toBe(false);
    await waitFor(() => gate.following().includes(f.showtimeId), 5000, 'follow');
    // Nor does one older than the version read after subscribing.
    const base = (await h.inventory.snapshot(f.showtimeId)).version;
    gate.noteSoldOut(f.showtimeId, 'ga', base - 1);
    expect(gate.isSoldOut(f.showtimeId, 'ga')).toBe(false);
    const held = await h.inventory.hold(f.showtimeId, ask('x', { zone: 'ga', quantity: 1 }));
    await waitFor(() => gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'close');
    await h.inventory.release(held.holdId, held.holdToken);
    await waitFor(() => !gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'reopen');
    const { version } = await h.inventory.snapshot(f.showtimeId);
    // A refusal computed before the release arrives late: it must not close the gate again.
    gate.noteSoldOut(f.showtimeId, 'ga', version - 1);
    expect(gate.isSoldOut(f.showtimeId, 'ga')).toBe(false);
    gate.noteSoldOut(f.showtimeId, 'ga', version + 1);
    expect(gate.isSoldOut(f.showtimeId, 'ga')).toBe(true);
    t += 1001;
    expect(gate.isSoldOut(f.showtimeId, 'ga')).toBe(false);
  });

  it('opens every flag when its subscription drops, and closes again only after resubscribing', async () => {
    const a = await node();
    const f = await gaShowtime(1, h.inventory);
    await follow(a.gate, f.showtimeId);
    await h.inventory.hold(f.showtimeId, ask('x', { zone: 'ga', quantity: 1 }));
    await waitFor(() => a.gate.isSoldOut(f.showtimeId, 'ga'), 2000, 'close');
    const stamp = a.gate.stamp(f.showtimeId);
    expect(stamp).not.toBeNull();
    // The gate's subscriber connection, `<prefix>-changes` (on a cluster: on the master of the showtime's slot).
    let killed = 0;
    for (const server of isCluster(h.redis) ? h.redis.nodes('master') : [h.redis]) {
      const line = String(await server.client('LIST'))
        .split('\n')
        .find((l) => l.includes(`${h.prefix}-changes `) && l.includes(' ssub=1 '));
      const id = /\bid=(\d+)/.exec(line ?? '')?.[1];
      if (id) killed += Number(await server.client('KILL', 'ID', id));
    }
    expect(killed).toBe(1);
    await waitFor(() => !a.gate.healthy(), 2000, 'the gate to notice');
    expect(a.gate.isSoldOut(f.showtimeId, 'ga')).toBe(false);
    expect(a.gate.stamp(f.showtimeId)).toBeNull();
    await waitFor(() => a.gate.healthy(), 10_000, 'the gate to resubscribe');
    expect(a.gate.stamp(f.showtimeId)).not.toBe(stamp);
    // The next refusal from Redis closes it again.
    expect(await code(a.inventory.hold(f.showtimeId, ask('y', { zone: 'ga', quantity: 1 })))).toBe(
      'sold_out',
    );
    expect(a.gate.isSoldOut(f.showtimeId, 'ga')).toBe(true);
  });

  it('hands every change to listeners, decoded', async () => {
    const a = await node();
    const seen: Array<[string, Change]> = [];
    const off = a.gate.onChange((st, c) => seen.push([st, c]));
    const f = await gaShowtime(5, h.inventory);
    await follow(a.gate, f.showtimeId);
    await h.inventory.load(f.showtimeId, { force: true });
    await h.inventory.hold(f.showtimeId, ask('x', { zone: 'ga', quantity: 2 }));
    await waitFor(
      () => seen.some(([st, c]) => st === f.showtimeId && c.type === 'hold'),
      2000,
      'the hold change',
    );
    const hold = seen.find(([st, c]) => st === f.showtimeId && c.type === 'hold')![1];
    expect(hold.zones.ga).toEqual({ capacity: 5, available: 3, held: 2, sold: 0 });
    expect(seen.some(([st, c]) => st === f.showtimeId && c.type === 'load')).toBe(true);
    off();
  });

  it('follows only the showtimes it is asked about: none of the changes of the others reach it', async () => {
    const a = await node({ idleMs: 1000 });
    const b = await node();
    const fa = await gaShowtime(5, h.inventory);
    const fb = await gaShowtime(5, h.inventory);
    await follow(a.gate, fa.showtimeId);
    await follow(b.gate, fb.showtimeId);
    const seenA: string[] = [];
    const seenB: string[] = [];
    a.gate.onChange((st) => seenA.push(st));
    b.gate.onChange((st) => seenB.push(st));
    for (let i = 0; i < 3; i++) {
      await h.inventory.hold(fa.showtimeId, ask('x', { zone: 'ga', quantity: 1 }));
      await h.inventory.hold(fb.showtimeId, ask('x', { zone: 'ga', quantity: 1 }));
    }
    await waitFor(() => seenA.length === 3 && seenB.length === 3, 2000, 'three changes on each');
    expect(seenA).toEqual([fa.showtimeId, fa.showtimeId, fa.showtimeId]);
    expect(seenB).toEqual([fb.showtimeId, fb.showtimeId, fb.showtimeId]);
    expect(a.gate.following()).toEqual([fa.showtimeId]);
    expect(b.gate.following()).toEqual([fb.showtimeId]);

    // Nobody asks node A about its showtime any more: after `idleMs` it stops following it.
    await waitFor(() => a.gate.following().length === 0, 10_000, 'node A to unfollow its idle showtime');
    await h.inventory.hold(fa.showtimeId, ask('x', { zone: 'ga', quantity: 2 }));
    await h.inventory.hold(fb.showtimeId, ask('x', { zone: 'ga', quantity: 2 }));
    // B's change arriving at node B shows A's was published before it; node A still saw nothing more.
    await waitFor(() => seenB.length === 4, 2000, "node B to see its showtime's change");
    expect(seenA).toHaveLength(3);
    expect(await code(a.inventory.hold(fa.showtimeId, ask('y', { zone: 'ga', quantity: 1 })))).toBe(
      'sold_out',
    );
  });

  it('keeps no subscription for a showtime that is not loaded (ids come from requests)', async () => {
    const a = await node();
    expect(a.gate.isSoldOut('no-such-showtime', 'ga')).toBe(false);
    expect(a.gate.healthy()).toBe(false); // being confirmed
    await waitFor(() => a.gate.healthy(), 5000, 'the confirmation to finish');
    expect(a.gate.following()).toEqual([]);
    const channel = h.inventory.changesChannel('no-such-showtime');
    const subscribers = async () => {
      let n = 0;
      for (const server of isCluster(h.redis) ? h.redis.nodes('master') : [h.redis])
        n += Number(((await server.call('PUBSUB', 'SHARDNUMSUB', channel)) as [string, number])[1]);
      return n;
    };
    await waitFor(async () => (await subscribers()) === 0, 2000, 'the channel to be left');
  });
});

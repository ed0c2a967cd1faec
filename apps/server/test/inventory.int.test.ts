import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DomainError } from '../src/domain/errors.ts';
import type { HoldResult, Inventory } from '../src/inventory/inventory.ts';
import { showtimeKeys } from '../src/inventory/keys.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { startInventoryHarness, type InventoryHarness } from './support/inventory-harness.ts';

/**
 * Script-level tests of the inventory against a real Redis (random prefix) and PostgreSQL (fresh database):
 * every script's success and failure codes, idempotent retries, expiry on an injected clock, limits, block and
 * unblock, the change log, and the recount invariant after every step.
 */

let h: InventoryHarness;
let inv: Inventory;
const TTL = 600;
const LIMIT = 6;

beforeAll(async () => {
  h = await startInventoryHarness();
  inv = h.inventory;
});
afterAll(async () => {
  await h.close();
});

/** A fresh showtime per test: seats A-1-1..A-2-5 (std, 1000), B-1-1..B-1-5 (vip, 5000), GA zone `ga` (10, 2000). */
async function showtime(opts: Parameters<typeof createShowtimeFixture>[1] = {}): Promise<Fixture> {
  const f = await createShowtimeFixture(h.prisma, {
    sections: [
      { key: 'A', rows: 2, seatsPerRow: 5, category: 'std' },
      { key: 'B', rows: 1, seatsPerRow: 5, category: 'vip' },
    ],
    gaZones: [{ key: 'ga', capacity: 10, category: 'floor' }],
    prices: { std: 1000, vip: 5000, floor: 2000 },
    perBuyerLimit: LIMIT,
    holdTtlSeconds: TTL,
    ...opts,
  });
  await inv.load(f.showtimeId);
  return f;
}

async function expectCode(
  p: Promise<unknown>,
  code: string,
  details?: Record<string, unknown>,
): Promise<DomainError> {
  const err = (await p.then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  )) as DomainError;
  expect(err.code, err.message).toBe(code);
  if (details) expect(err.details).toMatchObject(details);
  return err;
}

async function expectRecountOk(showtimeId: string) {
  const r = await inv.recount(showtimeId);
  expect(r.diffs).toEqual([]);
  expect(r.ok).toBe(true);
}

let seq = 0;
const req = (buyerId: string, ask: { seats?: string[]; zone?: string; quantity?: number }) => ({
  buyerId,
  requestId: `r${++seq}`,
  ...ask,
});

function stateOf(snapshotLabels: string[], states: string, label: string): string {
  return states[snapshotLabels.indexOf(label)]!;
}

beforeEach(() => {
  h.clock.set(Date.UTC(2026, 10, 21, 12, 0, 0));
});

describe('load', () => {
  it('builds seats, zones, prices and counts from PostgreSQL, and a snapshot of them', async () => {
    const f = await showtime();
    const s = await inv.snapshot(f.showtimeId);
    expect(s.state).toBe('on_sale');
    expect(s.seatLabels).toEqual([...f.seatLabels].sort());
    expect(s.seatStates).toBe('0'.repeat(15));
    expect(s.seatsAvailable).toBe(15);
    expect(s.zones).toEqual({ ga: { capacity: 10, available: 10, held: 0, sold: 0 } });
    expect(s.categories).toEqual({
      std: { available: 10, held: 0, sold: 0, blocked: 0 },
      vip: { available: 5, held: 0, sold: 0, blocked: 0 },
      floor: { available: 10, held: 0, sold: 0, blocked: 0 },
    });
    expect(await inv.isLoaded(f.showtimeId)).toBe(true);
    expect(await inv.loadedShowtimes()).toContain(f.showtimeId);
    await expectRecountOk(f.showtimeId);
  });

  it('does not replace a loaded showtime unless forced, but follows the sale state in PostgreSQL', async () => {
    const f = await showtime();
    const held = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    await h.prisma.showtime.update({ where: { id: f.showtimeId }, data: { saleState: 'paused' } });
    const before = (await inv.snapshot(f.showtimeId)).version;
    await inv.load(f.showtimeId);
    const s = await inv.snapshot(f.showtimeId);
    expect(s.state).toBe('paused');
    expect(s.version).toBe(before + 1);
    expect(await inv.getHold(held.holdId)).not.toBeNull();
    // Forced: rebuilt from PostgreSQL, where this hold never became an order.
    await inv.load(f.showtimeId, { force: true });
    expect(await inv.getHold(held.holdId)).toBeNull();
    expect((await inv.snapshot(f.showtimeId)).seatStates).toBe('0'.repeat(15));
    await expectRecountOk(f.showtimeId);
  });

  it('refuses an unknown showtime and one whose categories have no price', async () => {
    await expectCode(inv.load('nosuchshowtime'), 'not_found');
    const f = await createShowtimeFixture(h.prisma, {
      sections: [{ key: 'A', rows: 1, seatsPerRow: 2, category: 'std' }],
      prices: { other: 100 },
    });
    await expectCode(inv.load(f.showtimeId), 'conflict', { categories: ['std'] });
    expect(await inv.isLoaded(f.showtimeId)).toBe(false);
  });

  it('loads on first use a showtime that is on sale in PostgreSQL but missing from Redis, and explains the others', async () => {
    const f = await createShowtimeFixture(h.prisma, {
      sections: [{ key: 'A', rows: 1, seatsPerRow: 3, category: 'std' }],
    });
    const hold = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    expect(hold.items).toHaveLength(1);
    const scheduled = await createShowtimeFixture(h.prisma, { saleState: 'scheduled' });
    await expectCode(inv.hold(scheduled.showtimeId, req('b1', { seats: ['A-1-1'] })), 'sale_not_open', {
      state: 'scheduled',
    });
    await expectCode(inv.snapshot(scheduled.showtimeId), 'sale_not_open');
    await expectCode(inv.hold('nosuchshowtime', req('b1', { seats: ['A-1-1'] })), 'not_found');
  });

  it('rebuildMissing loads every on-sale or paused showtime without keys, and only those', async () => {
    const a = await createShowtimeFixture(h.prisma, { saleState: 'paused' });
    const b = await createShowtimeFixture(h.prisma, { saleState: 'closed' });
    const loaded = await inv.rebuildMissing();
    expect(loaded).toContain(a.showtimeId);
    expect(loaded).not.toContain(b.showtimeId);
    expect((await inv.snapshot(a.showtimeId)).state).toBe('paused');
    expect(await inv.rebuildMissing()).not.toContain(a.showtimeId);
  });
});

describe('hold', () => {
  it('holds seats all together, with prices, expiry, a version bump, a change and an outbox entry', async () => {
    const f = await showtime();
    const v0 = (await inv.snapshot(f.showtimeId)).version;
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'B-1-2'] }));
    expect(r.holdId.startsWith(`${f.showtimeId}.`)).toBe(true);
    expect(r.holdToken).toMatch(/^ht_[A-Za-z0-9_-]{43}$/);
    expect(r.items).toEqual([
      { kind: 'seat', seat: 'A-1-1', category: 'std', priceCents: 1000 },
      { kind: 'seat', seat: 'B-1-2', category: 'vip', priceCents: 5000 },
    ]);
    expect(r.totalCents).toBe(6000);
    expect(r.currency).toBe('EUR');
    expect(r.expiresAt).toBe(new Date(h.clock.now() + TTL * 1000).toISOString());
    expect(r.replayed).toBe(false);

    const s = await inv.snapshot(f.showtimeId);
    expect(s.version).toBe(v0 + 1);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-1')).toBe('1');
    expect(stateOf(s.seatLabels, s.seatStates, 'B-1-2')).toBe('1');
    expect(s.categories.std).toEqual({ available: 9, held: 1, sold: 0, blocked: 0 });
    expect(s.seatsAvailable).toBe(13);

    const d = await inv.changesSince(f.showtimeId, v0);
    expect(d?.changes).toHaveLength(1);
    expect(d?.changes[0]).toMatchObject({ version: v0 + 1, type: 'hold', seatsAvailable: 13 });
    expect(d?.changes[0]?.seats).toEqual([
      ['A-1-1', s.seatLabels.indexOf('A-1-1'), 1],
      ['B-1-2', s.seatLabels.indexOf('B-1-2'), 1],
    ]);

    const outbox = await h.redis.xrange(showtimeKeys(h.prefix, f.showtimeId).outbox, '-', '+');
    const last = outbox[outbox.length - 1]![1];
    expect(last.slice(0, 6)).toEqual(['type', 'hold', 'holdId', r.holdId, 'buyerId', 'b1']);
    expect(JSON.parse(last[7]!)).toMatchObject({ id: r.holdId, items: r.items, status: 'held' });

    const rec = await inv.getHold(r.holdId);
    expect(rec?.tokenHash).toBe(createHash('sha256').update(r.holdToken).digest('hex'));
    expect(await inv.holdsOf(f.showtimeId, 'b1')).toMatchObject([{ id: r.holdId }]);
    await expectRecountOk(f.showtimeId);
  });

  it('holds a GA quantity', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 3 }));
    expect(r.items).toEqual([{ kind: 'ga', zone: 'ga', category: 'floor', priceCents: 2000, quantity: 3 }]);
    expect(r.totalCents).toBe(6000);
    const s = await inv.snapshot(f.showtimeId);
    expect(s.zones.ga).toEqual({ capacity: 10, available: 7, held: 3, sold: 0 });
    expect(s.categories.floor).toEqual({ available: 7, held: 3, sold: 0, blocked: 0 });
    await expectRecountOk(f.showtimeId);
  });

  it('is all or nothing: one taken seat refuses the request and names it', async () => {
    const f = await showtime();
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-2'] }));
    await expectCode(
      inv.hold(f.showtimeId, req('b2', { seats: ['A-1-1', 'A-1-2', 'A-1-3'] })),
      'seat_unavailable',
      { seats: ['A-1-2'] },
    );
    const s = await inv.snapshot(f.showtimeId);
    expect(s.seatStates.split('').filter((c) => c === '1')).toHaveLength(1);
    await expectRecountOk(f.showtimeId);
  });

  it('refuses unknown seats, unknown zones, and more than is left', async () => {
    const f = await showtime();
    await expectCode(inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'Z-9-9'] })), 'seat_unknown', {
      seats: ['Z-9-9'],
    });
    await expectCode(inv.hold(f.showtimeId, req('b1', { zone: 'nope', quantity: 1 })), 'zone_unknown', {
      zone: 'nope',
    });
    await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 6 }));
    await expectCode(inv.hold(f.showtimeId, req('b2', { zone: 'ga', quantity: 5 })), 'sold_out', {
      zone: 'ga',
      available: 4,
    });
    await inv.hold(f.showtimeId, req('b2', { zone: 'ga', quantity: 4 }));
    await expectCode(inv.hold(f.showtimeId, req('b3', { zone: 'ga', quantity: 1 })), 'sold_out', {
      zone: 'ga',
      available: 0,
    });
    await expectRecountOk(f.showtimeId);
  });

  it('answers sold_out for seats once every seat is taken', async () => {
    const f = await showtime({ perBuyerLimit: null });
    await inv.block(f.showtimeId, f.seatLabels.slice(1), 'production');
    await inv.hold(f.showtimeId, req('b1', { seats: [f.seatLabels[0]!] }));
    await expectCode(inv.hold(f.showtimeId, req('b2', { seats: [f.seatLabels[1]!] })), 'sold_out');
    await expectRecountOk(f.showtimeId);
  });

  it('enforces the per-buyer limit across live holds and sold tickets, and frees it on release', async () => {
    const f = await showtime();
    const a = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'A-1-2', 'A-1-3'] }));
    await inv.confirm(a.holdId, 'order-a');
    const b = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 2 }));
    await expectCode(inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 2 })), 'limit_exceeded', {
      limit: LIMIT,
      current: 5,
      requested: 2,
    });
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-2-1'] }));
    await expectCode(inv.hold(f.showtimeId, req('b1', { seats: ['A-2-2'] })), 'limit_exceeded');
    // Someone else is not affected.
    await inv.hold(f.showtimeId, req('b2', { seats: ['A-2-2'] }));
    await inv.release(b.holdId, b.holdToken);
    await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 2 }));
    await expectRecountOk(f.showtimeId);
  });

  it('refuses with sale_not_open while the sale is paused or closed', async () => {
    const f = await showtime();
    await inv.setSaleState(f.showtimeId, 'paused');
    await expectCode(inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] })), 'sale_not_open', {
      state: 'paused',
    });
    await inv.setSaleState(f.showtimeId, 'on_sale');
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    await inv.setSaleState(f.showtimeId, 'closed');
    await expectCode(inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 1 })), 'sale_not_open');
    const d = await inv.changesSince(f.showtimeId, (await inv.snapshot(f.showtimeId)).version - 1);
    expect(d?.changes[0]).toMatchObject({ type: 'state', state: 'closed' });
  });

  it('answers a retried request with the same hold, and refuses the key for a different request', async () => {
    const f = await showtime();
    const first = await inv.hold(f.showtimeId, {
      buyerId: 'b1',
      requestId: 'key-1',
      seats: ['A-1-1', 'A-1-2'],
    });
    const v = (await inv.snapshot(f.showtimeId)).version;
    const again = await inv.hold(f.showtimeId, {
      buyerId: 'b1',
      requestId: 'key-1',
      seats: ['A-1-2', 'A-1-1'],
    });
    expect(again).toEqual({ ...first, replayed: true });
    // Another node (another process) derives the same token.
    expect(
      await h.another().hold(f.showtimeId, { buyerId: 'b1', requestId: 'key-1', seats: ['A-1-1', 'A-1-2'] }),
    ).toEqual({
      ...first,
      replayed: true,
    });
    expect((await inv.snapshot(f.showtimeId)).version).toBe(v);
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'key-1', seats: ['A-1-3'] }),
      'idempotency_conflict',
    );
    // The key is per buyer.
    await inv.hold(f.showtimeId, { buyerId: 'b2', requestId: 'key-1', seats: ['A-1-3'] });
    // After the hold ends, the retry says so instead of holding again.
    await inv.release(first.holdId, first.holdToken);
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'key-1', seats: ['A-1-1', 'A-1-2'] }),
      'hold_not_found',
    );
    const g = await inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'key-2', zone: 'ga', quantity: 1 });
    h.clock.advance(TTL * 1000);
    await inv.expire(g.holdId);
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'key-2', zone: 'ga', quantity: 1 }),
      'hold_expired',
    );
    await expectRecountOk(f.showtimeId);
  });

  it('replay answers a request id as a retry would, atomically, and never holds anything', async () => {
    const f = await showtime();
    const before = await inv.snapshot(f.showtimeId);
    expect(
      await inv.replay(f.showtimeId, { buyerId: 'b1', requestId: 'never', seats: ['A-1-1'] }),
    ).toBeNull();
    const first = await inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'rk', seats: ['A-1-1', 'A-1-2'] });
    const held = await inv.snapshot(f.showtimeId);
    expect(
      await inv.replay(f.showtimeId, { buyerId: 'b1', requestId: 'rk', seats: ['A-1-2', 'A-1-1'] }),
    ).toEqual({
      ...first,
      replayed: true,
    });
    await expectCode(
      inv.replay(f.showtimeId, { buyerId: 'b1', requestId: 'rk', seats: ['A-1-3'] }),
      'idempotency_conflict',
    );
    // A key nobody used holds nothing, on this node or another.
    expect(
      await h.another().replay(f.showtimeId, { buyerId: 'b2', requestId: 'rk', zone: 'ga', quantity: 1 }),
    ).toBeNull();
    const after = await inv.snapshot(f.showtimeId);
    expect(after.version).toBe(held.version);
    expect(after.zones).toEqual(before.zones);
    await inv.release(first.holdId, first.holdToken);
    await expectCode(
      inv.replay(f.showtimeId, { buyerId: 'b1', requestId: 'rk', seats: ['A-1-1', 'A-1-2'] }),
      'hold_not_found',
    );
    await expectRecountOk(f.showtimeId);
  });

  it('decides concurrent requests from one node one by one (batched): one winner, and retries get their hold', async () => {
    const f = await showtime({ perBuyerLimit: null });
    const racers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        inv.hold(f.showtimeId, req(`racer${i}`, { seats: ['A-1-1', 'A-1-2'] })).then(
          (r) => r.holdId,
          (e: DomainError) => e.code,
        ),
      ),
    );
    expect(racers.filter((r) => r.startsWith(f.showtimeId))).toHaveLength(1);
    expect(racers.filter((r) => r === 'seat_unavailable')).toHaveLength(49);
    const retries = await Promise.all(
      Array.from({ length: 5 }, () =>
        inv.hold(f.showtimeId, { buyerId: 'b9', requestId: 'same-key', zone: 'ga', quantity: 2 }),
      ),
    );
    expect(new Set(retries.map((r) => r.holdId)).size).toBe(1);
    expect(new Set(retries.map((r) => r.holdToken)).size).toBe(1);
    expect(retries.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await inv.snapshot(f.showtimeId)).zones.ga).toMatchObject({ available: 8, held: 2 });
    await expectRecountOk(f.showtimeId);
  });

  it('refuses malformed asks before touching Redis', async () => {
    const f = await showtime();
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'x', seats: ['A-1-1'], zone: 'ga', quantity: 1 }),
      'validation_failed',
    );
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'x', seats: ['A-1-1', 'A-1-1'] }),
      'validation_failed',
    );
    await expectCode(
      inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'x', zone: 'ga', quantity: 0 }),
      'validation_failed',
    );
    await expectCode(inv.hold(f.showtimeId, { buyerId: 'b1', requestId: 'x' }), 'validation_failed');
  });
});

describe('release', () => {
  it('gives the hold back to sale when the token is right, and is idempotent', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 2 }));
    await expectCode(inv.release(r.holdId, 'ht_wrong'), 'hold_token_invalid');
    await expectCode(inv.release(`${f.showtimeId}.nosuchhold123`, r.holdToken), 'hold_not_found');
    await expectCode(inv.release('not-a-hold-id', r.holdToken), 'hold_not_found');
    await inv.release(r.holdId, r.holdToken);
    await inv.release(g.holdId, g.holdToken);
    await inv.release(r.holdId, r.holdToken);
    const s = await inv.snapshot(f.showtimeId);
    expect(s.seatStates).toBe('0'.repeat(15));
    expect(s.zones.ga).toMatchObject({ available: 10, held: 0 });
    const last = (await inv.changesSince(f.showtimeId, s.version - 1))!.changes[0]!;
    expect(last).toMatchObject({
      type: 'release',
      endedHolds: [{ holdId: g.holdId, buyerId: 'b1', reason: 'released' }],
    });
    const outbox = await h.redis.xrange(showtimeKeys(h.prefix, f.showtimeId).outbox, '-', '+');
    expect(outbox.map((e) => e[1][1])).toEqual(['hold', 'hold', 'released', 'released']);
    expect(await inv.getHold(r.holdId)).toBeNull();
    expect(await inv.holdsOf(f.showtimeId, 'b1')).toEqual([]);
    await expectRecountOk(f.showtimeId);
  });

  it('reports an overdue hold as expired (and expires it), and a paid one as not releasable', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const paid = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-2'] }));
    await inv.confirm(paid.holdId, 'order-1');
    await expectCode(inv.release(paid.holdId, paid.holdToken), 'invalid_transition');
    h.clock.advance(TTL * 1000);
    await expectCode(inv.release(r.holdId, r.holdToken), 'hold_expired');
    const s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-1')).toBe('0');
    await expectRecountOk(f.showtimeId);
  });
});

describe('expire', () => {
  it('expires only from expiresAt on, never a confirmed hold', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 4 }));
    const paid = await inv.hold(f.showtimeId, req('b2', { seats: ['A-1-2'] }));
    await inv.confirm(paid.holdId, 'order-1');
    h.clock.advance(TTL * 1000 - 1);
    expect(await inv.expire(r.holdId)).toBe('not_due');
    expect(await inv.expireDue(f.showtimeId, 10)).toEqual([]);
    await expect(inv.verifyHoldToken(r.holdId, r.holdToken)).resolves.toMatchObject({ id: r.holdId });
    h.clock.advance(1);
    await expectCode(inv.verifyHoldToken(r.holdId, r.holdToken), 'hold_expired');
    expect(await inv.expire(r.holdId)).toBe('expired');
    expect(await inv.expire(r.holdId)).toBe('gone');
    expect(await inv.expire(paid.holdId)).toBe('confirmed');
    expect(await inv.expire('garbage')).toBe('gone');
    expect(await inv.expireDue(f.showtimeId, 10)).toEqual([g.holdId]);
    await expectCode(inv.verifyHoldToken(r.holdId, r.holdToken), 'hold_expired');
    const s = await inv.snapshot(f.showtimeId);
    expect(s.zones.ga).toEqual({ capacity: 10, available: 10, held: 0, sold: 0 });
    expect(s.seatStates.replace(/0/g, '')).toBe('2');
    const outbox = await h.redis.xrange(showtimeKeys(h.prefix, f.showtimeId).outbox, '-', '+');
    expect(outbox.filter((e) => e[1][1] === 'expired').map((e) => e[1][3])).toEqual([r.holdId, g.holdId]);
    await expectRecountOk(f.showtimeId);
  });

  it('never lets an expired hold stand between a buyer and a seat, even with no sweeper', async () => {
    const f = await showtime({ perBuyerLimit: null });
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'A-1-2'] }));
    await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 10 }));
    await expectCode(inv.hold(f.showtimeId, req('b2', { seats: ['A-1-1'] })), 'seat_unavailable');
    h.clock.advance(TTL * 1000);
    const taken = await inv.hold(f.showtimeId, req('b2', { seats: ['A-1-1'] }));
    expect(taken.items).toHaveLength(1);
    await inv.hold(f.showtimeId, req('b3', { zone: 'ga', quantity: 10 }));
    expect(await inv.getHold(r.holdId)).toBeNull();
    const s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-2')).toBe('0');
    await expectRecountOk(f.showtimeId);
  });

  it('frees a requested seat whose hold is overdue even when many other holds are overdue too', async () => {
    const f = await showtime({ perBuyerLimit: null });
    for (let i = 1; i <= 5; i++) await inv.hold(f.showtimeId, req(`early${i}`, { seats: [`A-1-${i}`] }));
    for (let i = 1; i <= 5; i++) await inv.hold(f.showtimeId, req(`early${i + 5}`, { seats: [`A-2-${i}`] }));
    await inv.hold(f.showtimeId, req('early11', { seats: ['B-1-1'] }));
    h.clock.advance(1000);
    const last = await inv.hold(f.showtimeId, req('b1', { seats: ['B-1-4', 'B-1-5'] }));
    h.clock.advance(TTL * 1000);
    // The inline sweep takes the 10 oldest; the hold on B-1-4/B-1-5 is freed because it is asked for.
    const taken = await inv.hold(f.showtimeId, req('b2', { seats: ['B-1-5', 'B-1-4'] }));
    expect(taken.items.map((i) => (i.kind === 'seat' ? i.seat : ''))).toEqual(['B-1-5', 'B-1-4']);
    expect(await inv.getHold(last.holdId)).toBeNull();
    await expectRecountOk(f.showtimeId);
  });

  it('publishes expiries made on the way to a refusal', async () => {
    const f = await showtime();
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const v = (await inv.snapshot(f.showtimeId)).version;
    h.clock.advance(TTL * 1000);
    await expectCode(inv.hold(f.showtimeId, req('b2', { seats: ['NO-1-1'] })), 'seat_unknown');
    const d = await inv.changesSince(f.showtimeId, v);
    expect(d?.changes).toHaveLength(1);
    expect(d?.changes[0]).toMatchObject({ type: 'expire', seats: [['A-1-1', expect.any(Number), 0]] });
    await expectRecountOk(f.showtimeId);
  });
});

describe('extend', () => {
  it('extends a live hold once, by at most the bound', async () => {
    const f = await showtime();
    const other = h.another({ maxExtensionSeconds: 120 });
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const expiresAt = Date.parse(r.expiresAt);
    await expectCode(other.extend(r.holdId, 'ht_wrong', 60), 'hold_token_invalid');
    expect(await other.extend(r.holdId, r.holdToken, 3600)).toEqual({
      expiresAt: new Date(expiresAt + 120_000).toISOString(),
    });
    await expectCode(other.extend(r.holdId, r.holdToken, 60), 'hold_already_extended');
    h.clock.set(expiresAt + 1000);
    expect(await inv.expire(r.holdId)).toBe('not_due');
    expect(await inv.getHold(r.holdId)).toMatchObject({ extended: true, expiresAt: expiresAt + 120_000 });
    await expectRecountOk(f.showtimeId);
  });

  it('refuses expired, paid and unknown holds', async () => {
    const f = await showtime();
    const a = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const b = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-2'] }));
    await inv.confirm(b.holdId, 'order-b');
    await expectCode(inv.extend(b.holdId, b.holdToken, 60), 'invalid_transition');
    await expectCode(inv.extend(`${f.showtimeId}.nosuchhold123`, b.holdToken, 60), 'hold_not_found');
    h.clock.advance(TTL * 1000);
    await expectCode(inv.extend(a.holdId, a.holdToken, 60), 'hold_expired');
    await inv.expire(a.holdId);
    await expectCode(inv.extend(a.holdId, a.holdToken, 60), 'hold_expired');
  });
});

describe('confirm', () => {
  it('makes a live hold sold to the order, once', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'B-1-1'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 2 }));
    expect(await inv.confirm(r.holdId, 'order-1')).toBe('confirmed');
    expect(await inv.confirm(r.holdId, 'order-1')).toBe('already_confirmed');
    await expectCode(inv.confirm(r.holdId, 'order-2'), 'conflict');
    expect(await inv.confirm(g.holdId, 'order-3')).toBe('confirmed');
    const s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-1')).toBe('2');
    expect(s.categories.vip).toEqual({ available: 4, held: 0, sold: 1, blocked: 0 });
    expect(s.zones.ga).toEqual({ capacity: 10, available: 8, held: 0, sold: 2 });
    expect(await inv.getHold(r.holdId)).toMatchObject({ status: 'confirmed', orderRef: 'order-1' });
    // Paid holds never expire.
    h.clock.advance(10 * TTL * 1000);
    expect(await inv.expireDue(f.showtimeId, 10)).toEqual([]);
    await expectRecountOk(f.showtimeId);
  });

  it('refuses an expired hold (swept or not), a released one and an unknown one', async () => {
    const f = await showtime();
    const a = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    const b = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-2'] }));
    const c = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-3'] }));
    await inv.release(c.holdId, c.holdToken);
    await expectCode(inv.confirm(c.holdId, 'o'), 'hold_not_found');
    await expectCode(inv.confirm(`${f.showtimeId}.nosuchhold123`, 'o'), 'hold_not_found');
    h.clock.advance(TTL * 1000);
    await expectCode(inv.confirm(a.holdId, 'o-a'), 'hold_expired');
    await inv.expire(b.holdId);
    await expectCode(inv.confirm(b.holdId, 'o-b'), 'hold_expired');
    await expectRecountOk(f.showtimeId);
  });

  it('is atomic against expiry: a payment and the expiry at the deadline never both win', async () => {
    const f = await showtime({
      gaZones: [{ key: 'ga', capacity: 200, category: 'floor' }],
      perBuyerLimit: null,
    });
    const holds: HoldResult[] = [];
    for (let i = 0; i < 60; i++)
      holds.push(await inv.hold(f.showtimeId, req(`b${i}`, { zone: 'ga', quantity: 2 })));
    const deadline = Date.parse(holds[0]!.expiresAt);
    // Payments see the clock just before the deadline on half the holds, just after on the others; the expiring
    // node sees it past the deadline for all. They run interleaved.
    const early = h.another({ now: () => deadline - 1 });
    const late = h.another({ now: () => deadline });
    const expirer = h.another({ now: () => deadline + 5 });
    const outcomes = await Promise.all(
      holds.map(async (hold, i) => {
        const pay = (i % 2 ? early : late).confirm(hold.holdId, `order-${i}`).then(
          (r) => r,
          (e: DomainError) => e.code,
        );
        const exp = expirer.expire(hold.holdId);
        return { i, pay: await pay, exp: await exp };
      }),
    );
    let sold = 0;
    for (const o of outcomes) {
      const paid = o.pay === 'confirmed';
      const expired = o.exp === 'expired';
      expect(paid !== expired, JSON.stringify(o)).toBe(true);
      if (!paid) expect(o.pay).toBe('hold_expired');
      if (paid) sold += 2;
      if (o.i % 2 === 0) expect(paid).toBe(false);
    }
    const s = await inv.snapshot(f.showtimeId);
    expect(s.zones.ga).toEqual({ capacity: 200, available: 200 - sold, held: 0, sold });
    await expectRecountOk(f.showtimeId);
  });
});

describe('reclaim', () => {
  it('sells the same items after expiry when they are all still free, once', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'A-1-2'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 3 }));
    h.clock.advance(TTL * 1000);
    await inv.expire(r.holdId);
    expect(await inv.reclaim(f.showtimeId, r.holdId, r.items, 'b1', 'order-r')).toBe('sold');
    expect(await inv.reclaim(f.showtimeId, r.holdId, r.items, 'b1', 'order-r')).toBe('sold');
    // Not swept yet: reclaim expires it first.
    expect(await inv.reclaim(f.showtimeId, g.holdId, g.items, 'b1', 'order-g')).toBe('sold');
    const s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-2')).toBe('2');
    expect(s.zones.ga).toEqual({ capacity: 10, available: 7, held: 0, sold: 3 });
    expect(await inv.getHold(r.holdId)).toMatchObject({ status: 'confirmed', orderRef: 'order-r' });
    await expectRecountOk(f.showtimeId);
  });

  it('changes nothing when an item was taken meanwhile', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'A-1-2'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 3 }));
    h.clock.advance(TTL * 1000);
    await inv.hold(f.showtimeId, req('b2', { seats: ['A-1-2'] }));
    await inv.hold(f.showtimeId, req('b3', { zone: 'ga', quantity: 6 }));
    await inv.hold(f.showtimeId, req('b4', { zone: 'ga', quantity: 2 }));
    const before = await inv.snapshot(f.showtimeId);
    await expectCode(inv.reclaim(f.showtimeId, r.holdId, r.items, 'b1', 'order-r'), 'seat_unavailable', {
      seats: ['A-1-2'],
    });
    await expectCode(inv.reclaim(f.showtimeId, g.holdId, g.items, 'b1', 'order-g'), 'sold_out', {
      zone: 'ga',
      available: 2,
    });
    const after = await inv.snapshot(f.showtimeId);
    expect(after.seatStates).toBe(before.seatStates);
    expect(after.zones).toEqual(before.zones);
    await expectRecountOk(f.showtimeId);
  });

  it('confirms a hold that turns out to be still live', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    expect(await inv.reclaim(f.showtimeId, r.holdId, r.items, 'b1', 'order-r')).toBe('sold');
    expect(await inv.getHold(r.holdId)).toMatchObject({ status: 'confirmed', orderRef: 'order-r' });
    await expectRecountOk(f.showtimeId);
  });
});

describe('returnItems', () => {
  it('returns sold seats and GA units exactly once, and frees the buyer limit', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1', 'A-1-2'] }));
    const g = await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 4 }));
    await inv.confirm(r.holdId, 'order-1');
    await inv.confirm(g.holdId, 'order-2');
    await expectCode(inv.hold(f.showtimeId, req('b1', { seats: ['A-2-1'] })), 'limit_exceeded');
    const seat = r.items[0]!;
    expect(await inv.returnItems(f.showtimeId, 'order-1', [seat])).toEqual({ returned: 1 });
    expect(await inv.returnItems(f.showtimeId, 'order-1', [seat])).toEqual({ returned: 0 });
    // Only the order the seat is sold to can return it.
    expect(await inv.returnItems(f.showtimeId, 'order-x', [r.items[1]!])).toEqual({ returned: 0 });
    const unit = { kind: 'ga' as const, zone: 'ga', category: 'floor', priceCents: 2000, quantity: 1 };
    expect(await inv.returnItems(f.showtimeId, 'order-2', [{ ...unit, ref: 'item-1' }])).toEqual({
      returned: 1,
    });
    expect(await inv.returnItems(f.showtimeId, 'order-2', [{ ...unit, ref: 'item-1' }])).toEqual({
      returned: 0,
    });
    expect(await inv.returnItems(f.showtimeId, 'order-2', [{ ...unit, quantity: 2, ref: 'item-2' }])).toEqual(
      { returned: 2 },
    );
    // Never more than the order has.
    expect(await inv.returnItems(f.showtimeId, 'order-2', [{ ...unit, quantity: 2 }])).toEqual({
      returned: 0,
    });
    expect(await inv.returnItems(f.showtimeId, 'order-2', [unit])).toEqual({ returned: 1 });
    const s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-1')).toBe('0');
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-2')).toBe('2');
    expect(s.zones.ga).toEqual({ capacity: 10, available: 10, held: 0, sold: 0 });
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-2-1'] }));
    await expectRecountOk(f.showtimeId);
  });
});

describe('block / unblock', () => {
  it('blocks only free seats, records them in PostgreSQL, and unblocks only blocked ones', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    expect(await inv.block(f.showtimeId, ['A-1-1', 'A-1-2', 'A-1-3', 'X-1-1'], 'press', 'staff-1')).toEqual({
      changed: ['A-1-2', 'A-1-3'],
      skipped: ['A-1-1', 'X-1-1'],
    });
    expect(await inv.block(f.showtimeId, ['A-1-2'], 'press')).toEqual({ changed: [], skipped: ['A-1-2'] });
    await expectCode(inv.hold(f.showtimeId, req('b2', { seats: ['A-1-2'] })), 'seat_unavailable');
    let s = await inv.snapshot(f.showtimeId);
    expect(s.categories.std).toEqual({ available: 7, held: 1, sold: 0, blocked: 2 });
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-3')).toBe('3');
    const rows = await h.prisma.seatBlock.findMany({
      where: { showtimeId: f.showtimeId },
      orderBy: { seatLabel: 'asc' },
    });
    expect(rows.map((b) => [b.seatLabel, b.reason, b.blockedBy])).toEqual([
      ['A-1-2', 'press', 'staff-1'],
      ['A-1-3', 'press', 'staff-1'],
    ]);
    await expectRecountOk(f.showtimeId);

    expect(await inv.unblock(f.showtimeId, ['A-1-1', 'A-1-2', 'A-2-2'])).toEqual({
      changed: ['A-1-2'],
      skipped: ['A-1-1', 'A-2-2'],
    });
    s = await inv.snapshot(f.showtimeId);
    expect(s.categories.std).toEqual({ available: 8, held: 1, sold: 0, blocked: 1 });
    expect(await h.prisma.seatBlock.count({ where: { showtimeId: f.showtimeId } })).toBe(1);
    await inv.release(r.holdId, r.holdToken);
    // A rebuild keeps the block.
    await inv.load(f.showtimeId, { force: true });
    s = await inv.snapshot(f.showtimeId);
    expect(stateOf(s.seatLabels, s.seatStates, 'A-1-3')).toBe('3');
    await expectRecountOk(f.showtimeId);
  });
});

describe('changesSince', () => {
  it('returns the deltas after a version, and null when the log cannot bridge the gap', async () => {
    const f = await showtime();
    const v0 = (await inv.snapshot(f.showtimeId)).version;
    expect(await inv.changesSince(f.showtimeId, v0)).toEqual({ from: v0, to: v0, changes: [] });
    expect(await inv.changesSince(f.showtimeId, v0 - 1)).toBeNull();
    const a = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    await inv.hold(f.showtimeId, req('b1', { zone: 'ga', quantity: 1 }));
    await inv.release(a.holdId, a.holdToken);
    const d = await inv.changesSince(f.showtimeId, v0);
    expect(d?.from).toBe(v0);
    expect(d?.to).toBe(v0 + 3);
    expect(d?.changes.map((c) => [c.version, c.type])).toEqual([
      [v0 + 1, 'hold'],
      [v0 + 2, 'hold'],
      [v0 + 3, 'release'],
    ]);
    expect(d?.changes[1]?.zones).toEqual({ ga: { capacity: 10, available: 9, held: 1, sold: 0 } });
    expect(await inv.changesSince(f.showtimeId, v0 + 99)).toBeNull();
    await inv.load(f.showtimeId, { force: true });
    const v1 = (await inv.snapshot(f.showtimeId)).version;
    // A load starts a new epoch: above every earlier version (issue 14 #4), not necessarily the next one.
    expect(v1).toBeGreaterThan(v0 + 3);
    expect(await inv.changesSince(f.showtimeId, v0 + 3)).toBeNull();
    expect(await inv.changesSince(f.showtimeId, v1)).toEqual({ from: v1, to: v1, changes: [] });
    expect(await inv.changesSince('nosuchshowtime', 0)).toBeNull();
  });
});

describe('recount', () => {
  it('finds counts that disagree with the seats and holds', async () => {
    const f = await showtime();
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    await expectRecountOk(f.showtimeId);
    // Corrupts the stored state behind the inventory's back (so it builds the keys itself).
    const k = showtimeKeys(h.prefix, f.showtimeId);
    await h.redis.hincrby(k.counts, 'c:std:a', 1);
    await h.redis.setrange(k.states, 3, '2');
    const r = await inv.recount(f.showtimeId);
    expect(r.ok).toBe(false);
    expect(r.diffs).toEqual(
      expect.arrayContaining([
        expect.stringContaining('counts c:std:a: stored 10, recounted 9'),
        expect.stringContaining('states string says 2'),
      ]),
    );
  });
});

describe('load from orders', () => {
  it('rebuilds paid orders as sold and unexpired pending orders as holds that can still be paid or expire', async () => {
    const f = await createShowtimeFixture(h.prisma, {
      sections: [{ key: 'A', rows: 1, seatsPerRow: 6, category: 'std' }],
      gaZones: [{ key: 'ga', capacity: 10, category: 'floor' }],
      prices: { std: 1000, floor: 2000 },
      perBuyerLimit: 5,
    });
    const [buyer1, buyer2] = await Promise.all(
      ['one', 'two'].map((n) =>
        h.prisma.buyer.create({ data: { email: `${n}-${f.showtimeId}@example.test` } }),
      ),
    );
    const now = h.clock.now();
    let n = 0;
    const order = async (
      buyerId: string,
      status: 'PAID' | 'PENDING' | 'PARTIALLY_REFUNDED' | 'EXPIRED',
      items: Array<{ seatLabel?: string; zoneKey?: string; status?: 'active' | 'refunded' }>,
      expiresAt: number,
      token = `token-${n}`,
    ) => {
      n++;
      return h.prisma.order.create({
        data: {
          code: `T${f.showtimeId.slice(-4)}-${n}`,
          holdId: `${f.showtimeId}.loadtest${n}xyz`,
          holdTokenHash: createHash('sha256').update(token).digest('hex'),
          showtimeId: f.showtimeId,
          buyerId,
          status,
          totalCents: 1,
          currency: 'EUR',
          expiresAt: new Date(expiresAt),
          items: {
            create: items.map((it, i) => ({
              showtimeId: f.showtimeId,
              seatLabel: it.seatLabel ?? null,
              zoneKey: it.zoneKey ?? null,
              category: it.seatLabel ? 'std' : 'floor',
              priceCents: it.seatLabel ? 1000 : 2000,
              status: it.status ?? 'active',
              ticketCode: `TC-${f.showtimeId}-${n}-${i}`,
            })),
          },
        },
        include: { items: true },
      });
    };
    const paid = await order(
      buyer1!.id,
      'PAID',
      [{ seatLabel: 'A-1-1' }, { zoneKey: 'ga' }, { zoneKey: 'ga' }],
      now - 1000,
    );
    const partial = await order(
      buyer1!.id,
      'PARTIALLY_REFUNDED',
      [{ seatLabel: 'A-1-2', status: 'refunded' }, { zoneKey: 'ga' }, { zoneKey: 'ga', status: 'refunded' }],
      now - 1000,
    );
    const pending = await order(
      buyer2!.id,
      'PENDING',
      [{ seatLabel: 'A-1-3' }, { zoneKey: 'ga' }],
      now + 60_000,
      'pending-token',
    );
    await order(buyer2!.id, 'PENDING', [{ seatLabel: 'A-1-4' }], now - 1);
    await order(buyer2!.id, 'EXPIRED', [{ seatLabel: 'A-1-5' }], now - 1);
    await h.prisma.seatBlock.create({
      data: { showtimeId: f.showtimeId, seatLabel: 'A-1-6', reason: 'camera' },
    });

    await inv.load(f.showtimeId);
    const s = await inv.snapshot(f.showtimeId);
    expect(s.seatStates).toBe('201003');
    expect(s.zones.ga).toEqual({ capacity: 10, available: 6, held: 1, sold: 3 });
    expect(s.categories.std).toEqual({ available: 3, held: 1, sold: 1, blocked: 1 });
    await expectRecountOk(f.showtimeId);

    const rebuilt = await inv.verifyHoldToken(pending.holdId, 'pending-token');
    expect(rebuilt).toMatchObject({ buyerId: buyer2!.id, expiresAt: now + 60_000, status: 'held' });
    expect(rebuilt.items).toEqual([
      { kind: 'seat', seat: 'A-1-3', category: 'std', priceCents: 1000 },
      { kind: 'ga', zone: 'ga', category: 'floor', priceCents: 2000, quantity: 1 },
    ]);
    expect(await inv.holdsOf(f.showtimeId, buyer2!.id)).toMatchObject([{ id: pending.holdId }]);
    // Limits count what PostgreSQL says the buyer has: 4 tickets still sold, so 1 more fits.
    await expectCode(inv.hold(f.showtimeId, req(buyer1!.id, { zone: 'ga', quantity: 2 })), 'limit_exceeded', {
      current: 4,
    });
    // The refunded GA unit is remembered as returned.
    const unit = { kind: 'ga' as const, zone: 'ga', category: 'floor', priceCents: 2000, quantity: 1 };
    const refundedItem = partial.items.find((i) => i.zoneKey && i.status === 'refunded')!;
    expect(await inv.returnItems(f.showtimeId, partial.id, [{ ...unit, ref: refundedItem.id }])).toEqual({
      returned: 0,
    });
    expect(await inv.returnItems(f.showtimeId, paid.id, [{ ...unit, ref: paid.items[1]!.id }])).toEqual({
      returned: 1,
    });

    // The rebuilt hold can be paid, or it expires like any other.
    expect(await inv.confirm(pending.holdId, pending.id)).toBe('confirmed');
    await expectRecountOk(f.showtimeId);
  });
});

describe('read models', () => {
  it('version and settings: the live ones, null without live inventory', async () => {
    const f = await showtime({ currency: 'CHF' });
    const v0 = await inv.version(f.showtimeId);
    expect(v0).toBe((await inv.snapshot(f.showtimeId)).version);
    await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-1'] }));
    expect(await inv.version(f.showtimeId)).toBe(v0! + 1);
    expect(await inv.settings(f.showtimeId)).toEqual({
      holdTtlSeconds: TTL,
      perBuyerLimit: LIMIT,
      currency: 'CHF',
    });
    const unlimited = await showtime({ perBuyerLimit: null });
    expect((await inv.settings(unlimited.showtimeId))?.perBuyerLimit).toBeNull();
    expect(await inv.version('nosuchshowtime')).toBeNull();
    expect(await inv.settings('nosuchshowtime')).toBeNull();
  });

  it('seatOwners: held (with buyer and deadline), sold and blocked seats by label, filtered and limited', async () => {
    const f = await showtime();
    const r = await inv.hold(f.showtimeId, req('b1', { seats: ['A-1-2', 'A-1-1'] }));
    const paid = await inv.hold(f.showtimeId, req('b2', { seats: ['B-1-1'] }));
    await inv.confirm(paid.holdId, 'order-1');
    await inv.block(f.showtimeId, ['A-2-5'], 'Camera');
    await inv.hold(f.showtimeId, req('b3', { zone: 'ga', quantity: 2 }));
    const hold = { buyerId: 'b1', expiresAt: Date.parse(r.expiresAt) };
    expect(await inv.seatOwners(f.showtimeId)).toEqual({
      version: await inv.version(f.showtimeId),
      seats: [
        { seat: 'A-1-1', state: 'held', ref: r.holdId, hold },
        { seat: 'A-1-2', state: 'held', ref: r.holdId, hold },
        { seat: 'A-2-5', state: 'blocked', ref: 'Camera' },
        { seat: 'B-1-1', state: 'sold', ref: 'order-1' },
      ],
    });
    const seatsOf = async (q: Parameters<Inventory['seatOwners']>[1]) =>
      (await inv.seatOwners(f.showtimeId, q))!.seats.map((s) => `${s.seat}:${s.state}`);
    expect(await seatsOf({ state: 'sold' })).toEqual(['B-1-1:sold']);
    expect(await seatsOf({ seats: ['B-1-1', 'A-1-3', 'A-1-2'] })).toEqual(['A-1-2:held', 'B-1-1:sold']);
    expect(await seatsOf({ seats: ['A-1-3'] })).toEqual([]);
    expect(await seatsOf({ seats: [] })).toEqual([]);
    expect(await seatsOf({ limit: 3 })).toEqual(['A-1-1:held', 'A-1-2:held', 'A-2-5:blocked']);
    expect(await seatsOf({ state: 'held', limit: 1 })).toEqual(['A-1-1:held']);
    expect(await inv.seatOwners('nosuchshowtime')).toBeNull();
  });

  it('hold expiries in (after, until], hold records by id, and how ended holds ended', async () => {
    const f = await showtime({ perBuyerLimit: null });
    const st = f.showtimeId;
    const dueA = h.clock.now() + TTL * 1000;
    const a = await inv.hold(st, req('b1', { seats: ['A-1-1'] }));
    h.clock.advance(1000);
    const b = await inv.hold(st, req('b1', { seats: ['A-1-2'] }));
    const paid = await inv.hold(st, req('b2', { seats: ['A-1-3'] }));
    await inv.confirm(paid.holdId, 'order-1');

    expect(await inv.countHoldsExpiring(st, dueA - 1, dueA)).toBe(1);
    expect(await inv.countHoldsExpiring(st, dueA, dueA + 1000)).toBe(1);
    expect(await inv.countHoldsExpiring(st, -Infinity, dueA + 1000)).toBe(2);
    expect(await inv.holdIdsExpiring(st, -Infinity, dueA + 1000)).toEqual([a.holdId, b.holdId]);
    expect(await inv.holdIdsExpiring(st, dueA, dueA + 1000)).toEqual([b.holdId]);
    expect(await inv.holdIdsExpiring(st, -Infinity, dueA - 1)).toEqual([]);

    expect(await inv.getHolds(st, [b.holdId, `${st}.nosuch`, paid.holdId])).toMatchObject([
      { id: b.holdId, status: 'held', buyerId: 'b1' },
      null,
      { id: paid.holdId, status: 'confirmed' },
    ]);
    expect(await inv.getHolds(st, [])).toEqual([]);

    await inv.release(b.holdId, b.holdToken);
    h.clock.advance(TTL * 1000);
    expect(await inv.expire(a.holdId)).toBe('expired');
    expect(await inv.holdEndings([a.holdId, b.holdId, paid.holdId, 'garbage'])).toEqual([
      'expired',
      'released',
      null,
      null,
    ]);
    expect(await inv.holdEndings([])).toEqual([]);
    expect(await inv.countHoldsExpiring(st, -Infinity, dueA + 2 * TTL * 1000)).toBe(0);
  });
});

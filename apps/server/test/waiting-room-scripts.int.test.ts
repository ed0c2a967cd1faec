import { beforeEach, describe, expect, it } from 'vitest';
import { createRoom, type Room, type TickInput } from '../src/waiting-room/room.ts';
import { createAdmissionTokens } from '../src/waiting-room/tokens.ts';
import { fileRedis } from './support/redis-target.ts';

/**
 * The waiting room's Lua scripts (apps/server/src/waiting-room/lua) against a real Redis, each test on its own
 * showtime id under a random key prefix; time is passed in, never slept on.
 */
const { redis, prefix } = fileRedis();

let seq = 0;
let st: string;
let room: Room;
beforeEach(() => {
  st = `wr${++seq}`;
  room = createRoom(redis, prefix);
});

const T0 = 1_800_000_000_000;
const tickAt = (now: number, over: Partial<TickInput> = {}): TickInput => ({
  now,
  ratePerMinute: 6000,
  maxShoppers: 1000,
  ticketsLeft: 10_000,
  avgTickets: 2,
  windowMs: 600_000,
  maxBatch: 10_000,
  ...over,
});

async function joinAll(ids: string[], now = T0) {
  for (const id of ids) await room.join(st, id, now, 'pre');
}
const buyers = (n: number, tag = 'b') => Array.from({ length: n }, (_, i) => `${tag}${i}`);

/** The buyer ids in line, head first. */
const line = () => redis.zrange(`${prefix}:{st:${st}}:wr:line`, '0', '-1');

describe('join-3', () => {
  it('is idempotent: a buyer in line keeps one place', async () => {
    await room.control(st, 'open', T0);
    await joinAll(['a', 'b', 'c']);
    const again = await room.join(st, 'b', T0 + 5, 'pre');
    expect(again).toEqual({ status: 'waiting' });
    expect((await room.standing(st, 'b', T0 + 5)).rank).toBe(1);
    expect(await line()).toEqual(['a', 'b', 'c']);
  });

  it('answers an admitted buyer with their window, and a lapsed one joins at the back', async () => {
    await room.control(st, 'open', T0);
    await joinAll(['a', 'b']);
    await room.tick(st, tickAt(T0 + 1000, { maxShoppers: 1 }));
    expect(await room.join(st, 'a', T0 + 2000, 'pre')).toEqual({
      status: 'admitted',
      windowEnd: T0 + 601_000,
    });
    expect(await room.join(st, 'a', T0 + 601_000, 'pre')).toEqual({ status: 'waiting' });
    expect(await room.standing(st, 'a', T0 + 601_000)).toMatchObject({ rank: 1, served: 1, windowEnd: null });
  });

  it('refuses joins once the room is closed', async () => {
    await room.control(st, 'close', T0);
    await expect(room.join(st, 'x', T0, 'pre')).rejects.toMatchObject({ code: 'waiting_room_closed' });
  });
});

describe('join-3 answering the standing (Room.enter: one round trip, batched)', () => {
  it('answers what a standing read right after the batch answers, in arrival order after opening', async () => {
    await room.control(st, 'open', T0);
    await joinAll(['a', 'b']);
    await room.tick(st, tickAt(T0 + 1000, { maxShoppers: 1 }));
    const ids = ['a', ...buyers(30, 'c'), 'b', 'c3'];
    const got = await Promise.all(ids.map((id) => room.enter(st, id, T0 + 2000, 'pre')));
    // Concurrent entries go in a few batches; each answer is the room right after its own batch (later batches
    // only add to the back of the line, so everything but `waiting` is what a read now says).
    for (const [i, id] of ids.entries())
      expect(got[i], id).toEqual({ ...(await room.standing(st, id, T0 + 2000)), waiting: got[i]!.waiting });
    const waiting = got.map((s) => s.waiting);
    expect(waiting).toEqual([...waiting].sort((x, y) => x - y));
    expect(waiting.at(-1)).toBe(31);
    // FIFO in the order the buyers arrived; the rejoins (b, c3) kept their places; a is admitted, not in line.
    expect(got.map((s) => s.rank)).toEqual([null, ...Array.from({ length: 30 }, (_, i) => i + 1), 0, 4]);
    expect(got[0]).toMatchObject({ windowEnd: T0 + 601_000, shopping: 1, served: 1 });
    expect(got[1]).toMatchObject({ state: 'open', windowEnd: null, paused: false, soldOut: false });
  });

  it('draws the pre-queue places at random and keeps them on a rejoin', async () => {
    const ids = buyers(40, 'p');
    const first = await Promise.all(ids.map((id) => room.enter(st, id, T0, 'pre')));
    expect(first.every((s) => s.state === 'pre' && s.rank !== null)).toBe(true);
    // Rejoining changes nothing, so every answer now is the final place.
    const again = await Promise.all(ids.map((id) => room.enter(st, id, T0 + 1, 'pre')));
    const ranks = again.map((s) => s.rank!);
    expect([...ranks].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // 40 buyers in arrival order by chance: 1 in 40!.
    expect(ranks).not.toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const [i, id] of ids.entries()) expect((await room.standing(st, id, T0 + 1)).rank).toBe(ranks[i]);
    expect(again.every((s) => s.waiting === 40)).toBe(true);
    expect(await redis.zcard(`${prefix}:{st:${st}}:wr:line`)).toBe(40);
  });

  it('refuses newcomers once the room is closed, and answers those already in line', async () => {
    await room.enter(st, 'in', T0, 'open');
    await room.control(st, 'close', T0);
    const [late, inLine] = await Promise.allSettled([
      room.enter(st, 'late', T0 + 1, 'pre'),
      room.enter(st, 'in', T0 + 1, 'pre'),
    ]);
    expect(late).toMatchObject({ status: 'rejected', reason: { code: 'waiting_room_closed' } });
    expect(inLine).toMatchObject({ status: 'fulfilled', value: { rank: 0, state: 'closed' } });
  });
});

describe('the line', () => {
  it('is FIFO after opening, behind everyone drawn in the pre-queue', async () => {
    const early = buyers(50, 'pre');
    await joinAll(early);
    await room.control(st, 'open', T0);
    const late = buyers(50, 'late');
    await joinAll(late);
    const order = await line();
    expect(new Set(order.slice(0, 50))).toEqual(new Set(early));
    expect(order.slice(50)).toEqual(late);
    // And admission takes them in that order.
    const slow = { ratePerMinute: 60, burstMs: 60_000 };
    expect((await room.tick(st, tickAt(T0 + 1000, slow))).admitted).toBe(1);
    expect((await room.tick(st, tickAt(T0 + 60_000, slow))).admitted).toBe(59);
    expect(await line()).toEqual(order.slice(60));
  });

  it('draws the pre-queue order at random (not the arrival order)', async () => {
    const early = buyers(200, 'p');
    await joinAll(early);
    const order = await line();
    expect(order).not.toEqual(early);
    // The arrival index of the buyer at each place is uncorrelated with the place.
    const idx = order.map((id) => Number(id.slice(1)));
    expect(Math.abs(spearman(idx))).toBeLessThan(0.3);
  });
});

/** Spearman's rank correlation between place (0..n-1) and the value at that place (a permutation of 0..n-1). */
function spearman(perm: number[]): number {
  const n = perm.length;
  const d2 = perm.reduce((s, v, i) => s + (v - i) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}

describe('admit-3', () => {
  it('admits nothing before opening or while paused, and follows the rate', async () => {
    await joinAll(buyers(500));
    expect((await room.tick(st, tickAt(T0))).admitted).toBe(0);
    await room.control(st, 'open', T0);
    // 6000/min = 100/s: one second's worth per second.
    expect((await room.tick(st, tickAt(T0 + 1000))).admitted).toBe(100);
    expect((await room.tick(st, tickAt(T0 + 1500))).admitted).toBe(50);
    await room.control(st, 'pause', T0 + 1500);
    expect((await room.tick(st, tickAt(T0 + 2500))).admitted).toBe(0);
    await room.control(st, 'start', T0 + 2500);
    // Paused time does not accrue allowance.
    expect((await room.tick(st, tickAt(T0 + 2600))).admitted).toBe(10);
  });

  it('respects the cap of active shoppers and frees places as windows end', async () => {
    await room.control(st, 'open', T0);
    await joinAll(buyers(100));
    const first = await room.tick(st, tickAt(T0 + 1000, { maxShoppers: 30, windowMs: 10_000 }));
    expect(first).toMatchObject({ admitted: 30, shopping: 30, waiting: 70 });
    expect((await room.tick(st, tickAt(T0 + 2000, { maxShoppers: 30, windowMs: 10_000 }))).admitted).toBe(0);
    const later = await room.tick(st, tickAt(T0 + 11_001, { maxShoppers: 30, windowMs: 10_000 }));
    expect(later).toMatchObject({ admitted: 30, shopping: 30, served: 60 });
  });

  it('follows the inventory: ceil(tickets left / avg) shoppers, stops at sell-out and resumes', async () => {
    await room.control(st, 'open', T0);
    await joinAll(buyers(100));
    const few = await room.tick(st, tickAt(T0 + 1000, { ticketsLeft: 7 }));
    expect(few).toMatchObject({ admitted: 4, change: null });
    const gone = await room.tick(st, tickAt(T0 + 2000, { ticketsLeft: 0 }));
    expect(gone).toMatchObject({ admitted: 0, change: 'sold_out' });
    expect((await room.snapshot(st, T0 + 2000)).soldOut).toBe(true);
    expect((await room.tick(st, tickAt(T0 + 3000, { ticketsLeft: 0 }))).change).toBeNull();
    const back = await room.tick(st, tickAt(T0 + 4000, { ticketsLeft: 20 }));
    // 4 still shopping, 20 tickets → room for 10 shoppers: 6 more.
    expect(back).toMatchObject({ admitted: 6, change: 'resumed', shopping: 10 });
    expect((await room.snapshot(st, T0 + 4000)).soldOut).toBe(false);
  });

  it('admits a staff list from anywhere in line, once', async () => {
    await room.control(st, 'open', T0);
    await joinAll(['a', 'b', 'c', 'd']);
    expect(await room.admitList(st, ['c', 'zz'], T0, 60_000)).toBe(2);
    expect(await room.admitList(st, ['c'], T0 + 1, 60_000)).toBe(0);
    expect(await line()).toEqual(['a', 'b', 'd']);
    const s = await room.standing(st, 'c', T0 + 10);
    expect(s).toMatchObject({ rank: null, windowEnd: T0 + 60_000, shopping: 2, admitted: 2 });
  });
});

describe('admission tokens', () => {
  const tokens = createAdmissionTokens('a test secret');
  const other = createAdmissionTokens('another secret');

  it('signs the same token for the same buyer, showtime and window (redeeming is idempotent)', () => {
    const t = tokens.sign('st1', 'buyer1', T0 + 1000);
    expect(tokens.sign('st1', 'buyer1', T0 + 1000)).toBe(t);
    expect(tokens.verify(t, 'st1', 'buyer1', T0)).toEqual({ ok: true, windowEnd: T0 + 1000 });
    expect(tokens.verify(t, 'st1', 'buyer1', T0 + 999)).toMatchObject({ ok: true });
  });

  it('names each refusal', () => {
    const t = tokens.sign('st1', 'buyer1', T0 + 1000);
    expect(tokens.verify(t, 'st1', 'buyer1', T0 + 1000)).toEqual({
      ok: false,
      code: 'admission_token_expired',
    });
    expect(tokens.verify(t, 'st1', 'buyer2', T0)).toEqual({ ok: false, code: 'admission_token_wrong_buyer' });
    expect(tokens.verify(t, 'st2', 'buyer1', T0)).toEqual({
      ok: false,
      code: 'admission_token_wrong_showtime',
    });
    expect(tokens.verify(other.sign('st1', 'buyer1', T0 + 1000), 'st1', 'buyer1', T0)).toEqual({
      ok: false,
      code: 'admission_token_invalid',
    });
    // Changing the window end breaks the signature.
    const longer = t.replace(String(T0 + 1000), String(T0 + 9_999_999));
    expect(tokens.verify(longer, 'st1', 'buyer1', T0)).toMatchObject({ code: 'admission_token_invalid' });
    for (const junk of ['', 'x', 'wr1....', '.'.repeat(400)])
      expect(tokens.verify(junk, 'st1', 'buyer1', T0)).toMatchObject({ code: 'admission_token_invalid' });
  });
});

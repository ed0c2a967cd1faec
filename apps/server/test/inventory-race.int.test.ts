import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainError } from '../src/domain/errors.ts';
import type { HoldResult, Inventory } from '../src/inventory/inventory.ts';
import { showtimeKeys } from '../src/inventory/keys.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { startInventoryHarness, type InventoryHarness } from './support/inventory-harness.ts';

/**
 * The race: 10,000 concurrent hold attempts by 500 buyers, each for 1–4 random seats of a 1,000-seat map or 1–4
 * places of a GA zone, through 8 Redis connections (8 "nodes"). Then releases, payments, expiries with a new wave
 * of attempts, refunds and blocks, each racing with fresh holds. After every phase: no seat in two holds, no GA
 * oversell, no buyer over the limit, and the recount agrees with the stored counts.
 */

const BUYERS = 500;
const ATTEMPTS = 10_000;
const LIMIT = 8;
const GA_CAPACITY = 1500;
const TTL = 600;

let h: InventoryHarness;
let f: Fixture;
let nodes: Inventory[];
let seed = 42;
/** Deterministic, so a failure can be replayed. */
const rnd = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const buyers = Array.from({ length: BUYERS }, (_, i) => `buyer-${i}`);

interface Live {
  hold: HoldResult;
  buyerId: string;
  orderRef?: string;
}
const live = new Map<string, Live>();
const sold = new Map<string, Live>();
let attempt = 0;

beforeAll(async () => {
  h = await startInventoryHarness();
  f = await createShowtimeFixture(h.prisma, {
    sections: [
      { key: 'A', rows: 10, seatsPerRow: 50, category: 'std' },
      { key: 'B', rows: 10, seatsPerRow: 50, category: 'vip' },
    ],
    gaZones: [{ key: 'ga', capacity: GA_CAPACITY, category: 'floor' }],
    prices: { std: 3000, vip: 9000, floor: 2500 },
    perBuyerLimit: LIMIT,
    holdTtlSeconds: TTL,
  });
  expect(f.seatLabels).toHaveLength(1000);
  nodes = Array.from({ length: 8 }, () => h.another());
  await h.inventory.load(f.showtimeId);
}, 120_000);

afterAll(async () => {
  await h.close();
});

const EXPECTED_REFUSALS = new Set(['seat_unavailable', 'sold_out', 'limit_exceeded']);

/** Fires `n` hold attempts at once, spread over the nodes; records the successes as live holds. */
async function holdWave(n: number): Promise<{ ok: number; refused: Record<string, number> }> {
  const refused: Record<string, number> = {};
  let ok = 0;
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const buyerId = pick(buyers);
      const count = 1 + Math.floor(rnd() * 4);
      const ask =
        rnd() < 0.75
          ? { seats: [...new Set(Array.from({ length: count }, () => pick(f.seatLabels)))] }
          : { zone: 'ga', quantity: count };
      const node = nodes[i % nodes.length]!;
      try {
        const hold = await node.hold(f.showtimeId, { buyerId, requestId: `req-${attempt++}`, ...ask });
        live.set(hold.holdId, { hold, buyerId });
        ok++;
      } catch (e) {
        const code = (e as DomainError).code;
        if (!EXPECTED_REFUSALS.has(code)) throw e;
        refused[code] = (refused[code] ?? 0) + 1;
      }
    }),
  );
  return { ok, refused };
}

/** The invariants, checked against what the racers were told and against Redis itself. */
async function checkInvariants(phase: string) {
  const inv = h.inventory;
  const recount = await inv.recount(f.showtimeId);
  expect(recount.diffs, phase).toEqual([]);

  // Zero seats in two holds (or a hold and a sale), and every seat is what its owner was told.
  const owner = new Map<string, string>();
  const tickets = new Map<string, number>();
  let gaHeld = 0;
  let gaSold = 0;
  for (const [id, l] of [...live, ...sold]) {
    for (const it of l.hold.items) {
      if (it.kind === 'seat') {
        expect(owner.get(it.seat), `${phase}: seat ${it.seat} in two holds`).toBeUndefined();
        owner.set(it.seat, id);
      } else if (l.orderRef) gaSold += it.quantity;
      else gaHeld += it.quantity;
      tickets.set(l.buyerId, (tickets.get(l.buyerId) ?? 0) + (it.kind === 'seat' ? 1 : it.quantity));
    }
  }
  const seats = await h.redis.hgetall(showtimeKeys(h.prefix, f.showtimeId).seats);
  for (const [seat, id] of owner) {
    const l = live.get(id) ?? sold.get(id)!;
    expect(seats[seat], `${phase}: seat ${seat}`).toBe(l.orderRef ? `2:${l.orderRef}` : `1:${id}`);
  }
  for (const [seat, v] of Object.entries(seats))
    if (!v.startsWith('3:')) expect(owner.has(seat), `${phase}: ${seat}=${v}`).toBe(true);

  // Zero GA oversell, and the counts equal what the racers hold.
  const s = await inv.snapshot(f.showtimeId);
  expect(s.zones.ga, phase).toEqual({
    capacity: GA_CAPACITY,
    available: GA_CAPACITY - gaHeld - gaSold,
    held: gaHeld,
    sold: gaSold,
  });
  expect(gaHeld + gaSold).toBeLessThanOrEqual(GA_CAPACITY);

  // Zero limit violations.
  for (const [b, n] of tickets) expect(n, `${phase}: ${b}`).toBeLessThanOrEqual(LIMIT);
  const stored = await h.redis.hgetall(showtimeKeys(h.prefix, f.showtimeId).buyers);
  for (const [b, n] of tickets) expect(Number(stored[b]), `${phase}: stored count of ${b}`).toBe(n);
}

describe('10,000 concurrent holds by 500 buyers on 1,000 seats + GA', () => {
  it('phase 1: the rush', async () => {
    const r = await holdWave(ATTEMPTS);
    expect(r.ok).toBeGreaterThan(500);
    expect(r.refused.seat_unavailable).toBeGreaterThan(0);
    expect(r.refused.limit_exceeded).toBeGreaterThan(0);
    await checkInvariants('rush');
  }, 120_000);

  it('phase 2: releases race with new holds', async () => {
    const victims = [...live.values()].filter(() => rnd() < 0.3);
    await Promise.all([
      ...victims.map(async (l, i) => {
        await nodes[i % nodes.length]!.release(l.hold.holdId, l.hold.holdToken);
        live.delete(l.hold.holdId);
      }),
      holdWave(2000),
    ]);
    await checkInvariants('releases');
  }, 120_000);

  it('phase 3: payments race with new holds', async () => {
    const paying = [...live.values()].filter(() => rnd() < 0.4);
    await Promise.all([
      ...paying.map(async (l, i) => {
        const orderRef = `order-${l.hold.holdId}`;
        expect(await nodes[i % nodes.length]!.confirm(l.hold.holdId, orderRef)).toBe('confirmed');
        live.delete(l.hold.holdId);
        sold.set(l.hold.holdId, { ...l, orderRef });
      }),
      holdWave(2000),
    ]);
    await checkInvariants('payments');
  }, 120_000);

  it('phase 4: every live hold expires while a new wave and the sweeper race for the seats', async () => {
    h.clock.advance(TTL * 1000);
    const expired = new Set(live.keys());
    live.clear();
    const sweep = async () => {
      for (let i = 0; i < 20; i++) await h.inventory.expireDue(f.showtimeId, 100);
    };
    await Promise.all([holdWave(3000), sweep()]);
    while ((await h.inventory.expireDue(f.showtimeId, 500)).length);
    for (const id of expired) expect(await h.inventory.getHold(id)).toBeNull();
    await checkInvariants('expiry');
  }, 120_000);

  it('phase 5: refunds race with new holds', async () => {
    const refunds = [...sold.values()].filter(() => rnd() < 0.5);
    await Promise.all([
      ...refunds.map(async (l, i) => {
        const r = await nodes[i % nodes.length]!.returnItems(f.showtimeId, l.orderRef!, l.hold.items);
        expect(r.returned).toBe(
          l.hold.items.reduce((n, it) => n + (it.kind === 'seat' ? 1 : it.quantity), 0),
        );
        sold.delete(l.hold.holdId);
      }),
      holdWave(2000),
    ]);
    await checkInvariants('refunds');
  }, 120_000);

  it('phase 6: staff blocks and unblocks race with new holds', async () => {
    const chunk = Array.from({ length: 100 }, () => pick(f.seatLabels));
    const [blocked] = await Promise.all([
      h.inventory.block(f.showtimeId, [...new Set(chunk)], 'race'),
      holdWave(1000),
    ]);
    await checkInvariants('blocks');
    const half = blocked.changed.filter(() => rnd() < 0.5);
    await Promise.all([h.inventory.unblock(f.showtimeId, half), holdWave(1000)]);
    await checkInvariants('unblocks');
    const s = await h.inventory.snapshot(f.showtimeId);
    expect(s.seatStates.split('').filter((c) => c === '3')).toHaveLength(
      blocked.changed.length - half.length,
    );
  }, 120_000);
});

/**
 * The same race on GA buckets (docs/inventory.md, "GA buckets"): one GA-only showtime without a per-buyer limit,
 * its stock in K = 1, 4 and 16 buckets, 4,000 concurrent attempts of 1–4 places (more than the capacity, so buckets
 * run dry, stock moves between them and the zone sells out), then releases, payments, expiries with the sweeper,
 * and refunds, each racing with new holds. After every phase: no oversell, the showtime's counts (the rollup of
 * its buckets) equal what the racers hold and bought, every hold is in the bucket its id names, and the recount —
 * per bucket and across buckets — agrees.
 */
describe.each([1, 4, 16])('GA race with %i bucket(s)', (k) => {
  const CAP = 1200;
  let showtimeId: string;
  const gaLive = new Map<string, HoldResult>();
  const gaSold = new Map<string, { hold: HoldResult; orderRef: string }>();
  let req = 0;

  beforeAll(async () => {
    const fx = await createShowtimeFixture(h.prisma, {
      sections: [],
      gaZones: [{ key: 'floor', capacity: CAP, category: 'ga' }],
      prices: { ga: 4000 },
      perBuyerLimit: null,
      holdTtlSeconds: TTL,
      gaBuckets: k,
    });
    showtimeId = fx.showtimeId;
    await h.inventory.load(showtimeId);
  }, 120_000);

  async function gaWave(n: number): Promise<Record<string, number>> {
    const outcomes: Record<string, number> = {};
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const quantity = 1 + Math.floor(rnd() * 4);
        try {
          const hold = await nodes[i % nodes.length]!.hold(showtimeId, {
            buyerId: pick(buyers),
            requestId: `ga-${k}-${req++}`,
            zone: 'floor',
            quantity,
          });
          gaLive.set(hold.holdId, hold);
          outcomes.ok = (outcomes.ok ?? 0) + 1;
        } catch (e) {
          const code = (e as DomainError).code;
          if (code !== 'sold_out') throw e;
          outcomes.sold_out = (outcomes.sold_out ?? 0) + 1;
        }
      }),
    );
    return outcomes;
  }

  async function checkGa(phase: string) {
    const recount = await h.inventory.recount(showtimeId);
    expect(recount.diffs, `${k} buckets, ${phase}`).toEqual([]);
    let held = 0;
    let soldN = 0;
    for (const hold of gaLive.values())
      for (const it of hold.items) if (it.kind === 'ga') held += it.quantity;
    for (const { hold } of gaSold.values())
      for (const it of hold.items) if (it.kind === 'ga') soldN += it.quantity;
    expect(held + soldN, `${phase}: oversold`).toBeLessThanOrEqual(CAP);
    const s = await h.inventory.snapshot(showtimeId);
    expect(s.zones.floor, `${k} buckets, ${phase}`).toEqual({
      capacity: CAP,
      available: CAP - held - soldN,
      held,
      sold: soldN,
    });
    // Every live hold is where its id says (its bucket), with what its buyer was told.
    const sample = [...gaLive.values()].slice(0, 50);
    for (const hold of sample) expect((await h.inventory.getHold(hold.holdId))?.items).toEqual(hold.items);
    if (k > 1) for (const hold of sample) expect(hold.holdId).toMatch(/^[^.]+\.b\d+-/);
  }

  it('the rush: more asked than there is; sells out exactly', async () => {
    const r = await gaWave(4000);
    expect(r.ok).toBeGreaterThan(100);
    expect(r.sold_out).toBeGreaterThan(0);
    await checkGa('rush');
    // Sold out means sold out everywhere: no bucket kept stock the rush could not reach.
    expect((await h.inventory.snapshot(showtimeId)).zones.floor!.available).toBe(0);
  }, 120_000);

  it('releases race with new holds', async () => {
    const victims = [...gaLive.values()].filter(() => rnd() < 0.3);
    await Promise.all([
      ...victims.map(async (hold, i) => {
        await nodes[i % nodes.length]!.release(hold.holdId, hold.holdToken);
        gaLive.delete(hold.holdId);
      }),
      gaWave(800),
    ]);
    await checkGa('releases');
  }, 120_000);

  it('payments race with new holds', async () => {
    const paying = [...gaLive.values()].filter(() => rnd() < 0.4);
    await Promise.all([
      ...paying.map(async (hold, i) => {
        const orderRef = `order-${hold.holdId}`;
        expect(await nodes[i % nodes.length]!.confirm(hold.holdId, orderRef)).toBe('confirmed');
        gaLive.delete(hold.holdId);
        gaSold.set(hold.holdId, { hold, orderRef });
      }),
      gaWave(800),
    ]);
    await checkGa('payments');
  }, 120_000);

  it('every live hold expires while a new wave and the sweeper race for the stock', async () => {
    h.clock.advance(TTL * 1000);
    const expired = [...gaLive.keys()];
    gaLive.clear();
    const sweep = async () => {
      for (let i = 0; i < 10; i++) await h.inventory.expireDue(showtimeId, 100);
    };
    await Promise.all([gaWave(1500), sweep()]);
    while ((await h.inventory.expireDue(showtimeId, 500)).length);
    for (const id of expired.slice(0, 100)) expect(await h.inventory.getHold(id)).toBeNull();
    await checkGa('expiry');
  }, 120_000);

  it('refunds race with new holds', async () => {
    const refunds = [...gaSold.values()].filter(() => rnd() < 0.5);
    await Promise.all([
      ...refunds.map(async ({ hold, orderRef }, i) => {
        const r = await nodes[i % nodes.length]!.returnItems(showtimeId, orderRef, hold.items);
        expect(r.returned).toBe(hold.items.reduce((n, it) => n + (it.kind === 'ga' ? it.quantity : 1), 0));
        gaSold.delete(hold.holdId);
      }),
      gaWave(800),
    ]);
    await checkGa('refunds');
  }, 120_000);
});

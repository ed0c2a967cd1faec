import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShowtimeDto } from '@seatrush/shared';
import { isCluster } from '../src/db/redis.ts';
import type { HoldResult } from '../src/inventory/inventory.ts';
import { showtimeKeys } from '../src/inventory/keys.ts';
import { OUTBOX_GROUP } from '../src/inventory/outbox.ts';
import {
  apiClient,
  showtimeBody,
  smallTheatre,
  staffWithToken,
  unique,
  type Api,
} from './support/catalog-fixtures.ts';
import { startTestStack, type TestStack } from './support/env.ts';
import { createShowtimeFixture, type Fixture } from './support/inventory-fixtures.ts';
import { startInventoryHarness, type InventoryHarness } from './support/inventory-harness.ts';

/**
 * The inventory's operations that span showtimes — so, on a Redis Cluster, slots and nodes: the outbox reader over
 * every loaded showtime's stream (read, acknowledge, take over what a dead consumer left), hold endings of holds of
 * several showtimes in one call, the loaded-showtimes index. On a single Redis they are one pipeline; on a cluster
 * a pipeline must stay on one node, so they go per slot. The file runs on both (REDIS_CLUSTER_NODES: a cluster).
 * The 8 showtimes' slots must sit on at least two masters (else a cross-node pipeline would go unnoticed): on a
 * 3-master cluster all 8 land on one with probability 3·(1/3)^8 ≈ 0.05 %, and the first test says so if it happens.
 *
 * Also: the GA-buckets setting is accepted above 1 only where buckets keep every property (docs/inventory.md, "GA
 * buckets"): a GA-only venue, no per-buyer limit.
 */

const SHOWTIMES = 8;
let h: InventoryHarness;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  h = await startInventoryHarness();
  for (let i = 0; i < SHOWTIMES; i++) {
    const f = await createShowtimeFixture(h.prisma, {
      sections: [{ key: 'A', rows: 1, seatsPerRow: 4, category: 'std' }],
      gaZones: [{ key: 'ga', capacity: 10, category: 'floor' }],
      holdTtlSeconds: 60,
    });
    await h.inventory.load(f.showtimeId);
    fixtures.push(f);
  }
}, 120_000);

afterAll(async () => {
  await h?.close();
});

/** The masters (by port) whose slots hold these keys; `single` on a single Redis. */
async function mastersOf(keys: string[]): Promise<Set<string>> {
  if (!isCluster(h.redis)) return new Set(['single']);
  const ranges = await h.redis.cluster('SLOTS');
  const out = new Set<string>();
  for (const k of keys) {
    const slot = await h.redis.cluster('KEYSLOT', k);
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    out.add(String(range?.[2]?.[1]));
  }
  return out;
}

describe('operations across showtimes (slots)', () => {
  it('spreads the showtimes over more than one master on a cluster', async () => {
    const masters = await mastersOf(fixtures.map((f) => showtimeKeys(h.prefix, f.showtimeId).meta));
    if (isCluster(h.redis)) expect(masters.size).toBeGreaterThan(1);
    else expect(masters).toEqual(new Set(['single']));
    expect(new Set(await h.inventory.loadedShowtimes())).toEqual(new Set(fixtures.map((f) => f.showtimeId)));
  });

  it('the outbox reader reads, acknowledges and takes over entries of every showtime', async () => {
    const holds: HoldResult[] = [];
    for (const [i, f] of fixtures.entries())
      holds.push(
        await h.inventory.hold(f.showtimeId, {
          buyerId: `b${i}`,
          requestId: `r${i}`,
          zone: 'ga',
          quantity: 1,
        }),
      );
    // A release in half of them: a second fact in those streams, after the hold.
    for (const hold of holds.slice(0, SHOWTIMES / 2)) await h.inventory.release(hold.holdId, hold.holdToken);

    const dead = h.inventory.outboxReader({ consumer: 'dead', claimIdleMs: 60_000, count: 100 });
    const first = await dead.read();
    const byShowtime = new Map<string, string[]>();
    for (const e of first)
      byShowtime.set(e.showtimeId, [...(byShowtime.get(e.showtimeId) ?? []), e.fields.type!]);
    expect(byShowtime.size).toBe(SHOWTIMES);
    for (const [i, f] of fixtures.entries())
      expect(byShowtime.get(f.showtimeId), f.showtimeId).toEqual(
        i < SHOWTIMES / 2 ? ['hold', 'released'] : ['hold'],
      );
    for (const e of first) expect(e.stream).toBe(showtimeKeys(h.prefix, e.showtimeId).outbox);

    // The dead consumer never acknowledges; another takes its entries over once they are idle long enough.
    const live = h.inventory.outboxReader({ consumer: 'live', claimIdleMs: 0, count: 100 });
    const taken = await live.read();
    expect(taken.map((e) => e.id).sort()).toEqual(first.map((e) => e.id).sort());
    await live.ack(taken);
    for (const f of fixtures) {
      const stream = showtimeKeys(h.prefix, f.showtimeId).outbox;
      expect(await h.redis.xlen(stream), stream).toBe(0);
      const pending = (await h.redis.xpending(stream, OUTBOX_GROUP)) as [number, ...unknown[]];
      expect(pending[0], stream).toBe(0);
    }
    expect(await live.read()).toEqual([]);
  });

  it('tells how holds of several showtimes ended, in one call', async () => {
    const made: HoldResult[] = [];
    for (const [i, f] of fixtures.entries())
      made.push(
        await h.inventory.hold(f.showtimeId, {
          buyerId: `e${i}`,
          requestId: `e${i}`,
          zone: 'ga',
          quantity: 2,
        }),
      );
    await h.inventory.release(made[0]!.holdId, made[0]!.holdToken);
    await h.inventory.release(made[5]!.holdId, made[5]!.holdToken);
    h.clock.advance(61_000);
    for (const i of [1, 6]) expect(await h.inventory.expire(made[i]!.holdId)).toBe('expired');
    const endings = await h.inventory.holdEndings([...made.map((m) => m.holdId), 'not-a-hold']);
    expect(endings).toEqual(['released', 'expired', null, null, null, 'released', 'expired', null, null]);
    for (const f of fixtures) expect((await h.inventory.recount(f.showtimeId)).diffs).toEqual([]);
  });
});

describe('the GA buckets setting', () => {
  let stack: TestStack;
  let api: Api;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    api = apiClient(stack.url);
    token = (await staffWithToken(stack.container, 'admin')).token;
  });
  afterAll(async () => {
    await stack?.close();
  });

  async function venueAndEvent(): Promise<[string, string]> {
    const v = await api<{ id: string }>('post', '/api/staff/venues', {
      token,
      body: smallTheatre(unique('hall')),
    });
    const e = await api<{ id: string }>('post', '/api/staff/events', {
      token,
      body: { slug: unique('ev'), name: 'An event' },
    });
    expect(v.status, v.text).toBe(201);
    expect(e.status, e.text).toBe(201);
    return [e.json.id, v.json.id];
  }

  type Refusal = { ok: false; error: { code: string; issues: Array<{ path: string; message: string }> } };

  it('accepts 1 anywhere; more only for a GA-only venue without a per-buyer limit, and says why otherwise', async () => {
    const [eventId, venueId] = await venueAndEvent();
    const one = await api<ShowtimeDto>('post', '/api/staff/showtimes', {
      token,
      body: showtimeBody(eventId, venueId, { gaBuckets: 1, perBuyerLimit: null }),
    });
    expect(one.status, one.text).toBe(201);
    // Numbered seats: all or nothing needs them on one slot.
    for (const k of [4, 16]) {
      const res = await api<Refusal>('post', '/api/staff/showtimes', {
        token,
        body: showtimeBody(eventId, venueId, { gaBuckets: k, perBuyerLimit: null }),
      });
      expect(res.status, res.text).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.issues.map((i) => i.path)).toEqual(['body.gaBuckets']);
      expect(res.json.error.issues[0]!.message).toMatch(/GA-only venues/);
    }
    const tooMany = await api('post', '/api/staff/showtimes', {
      token,
      body: showtimeBody(eventId, venueId, { gaBuckets: 17 }),
    });
    expect(tooMany.status).toBe(400);

    const theatre = smallTheatre(unique('standing'));
    const standing = await api<{ id: string }>('post', '/api/staff/venues', {
      token,
      body: { ...theatre, categories: theatre.categories.filter((c) => c.key === 'standing'), sections: [] },
    });
    expect(standing.status, standing.text).toBe(201);
    const prices = { standing: 2000 };
    // A per-buyer limit: a buyer's tickets are counted in one slot, their requests spread over the buckets.
    const limited = await api<Refusal>('post', '/api/staff/showtimes', {
      token,
      body: showtimeBody(eventId, standing.json.id, { gaBuckets: 4, perBuyerLimit: 4, prices }),
    });
    expect(limited.status, limited.text).toBe(400);
    expect(limited.json.error.issues.map((i) => i.path)).toEqual(['body.gaBuckets']);
    expect(limited.json.error.issues[0]!.message).toMatch(/per-buyer limit/);

    const bucketed = await api<ShowtimeDto>('post', '/api/staff/showtimes', {
      token,
      body: showtimeBody(eventId, standing.json.id, { gaBuckets: 16, perBuyerLimit: null, prices }),
    });
    expect(bucketed.status, bucketed.text).toBe(201);
    const row = await stack.container.prisma.showtime.findUniqueOrThrow({ where: { id: bucketed.json.id } });
    expect(row.gaBuckets).toBe(16);
    // Staff read the setting back (the showtime form shows it, read-only once created).
    expect(bucketed.json.gaBuckets).toBe(16);
    // …and a per-buyer limit cannot be added later.
    const patch = await api<Refusal>('patch', `/api/staff/showtimes/${bucketed.json.id}`, {
      token,
      body: { perBuyerLimit: 2 },
    });
    expect(patch.status, patch.text).toBe(400);
    expect(patch.json.error.issues.map((i) => i.path)).toEqual(['body.perBuyerLimit']);
  });
});

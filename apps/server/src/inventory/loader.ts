import type { PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import type { HoldItem, HoldRecord } from '../domain/hold.ts';
import { STATE_KEY_NAMES, type StateKeyName } from './keys.ts';

/**
 * Builds a showtime's live inventory from PostgreSQL, the record of truth:
 * seats and GA zones of the venue, prices, sale state, hold TTL and per-buyer limit of the showtime; SeatBlock
 * rows → blocked; active items of PAID / PARTIALLY_REFUNDED orders → sold; active items of PENDING orders that
 * have not expired → held, as hold records with the order's hold id, token hash and expiry (so they still expire
 * and can still be paid). Holds that never became an order are not in PostgreSQL and are lost on a rebuild.
 */
export interface LoadPlan {
  meta: Record<string, string>;
  /** Seat labels in layout order. */
  labels: string[];
  seatinfo: Record<string, string>;
  seats: Record<string, string>;
  states: string;
  counts: Record<string, number>;
  holds: Record<string, string>;
  expiry: Array<[number, string]>;
  buyers: Record<string, number>;
  orders: Record<string, string>;
  returned: Record<string, string>;
  /** buyerId → ids of the holds rebuilt for them (the "my holds" index, written after the commit). */
  buyerHolds: Record<string, string[]>;
  /** Inconsistencies found in PostgreSQL and how they were resolved (logged by the caller). */
  warnings: string[];
}

interface OrderJson {
  b: string;
  h: string;
  s: number;
  g: Record<string, number>;
}

const SOLD_STATUSES = ['PAID', 'PARTIALLY_REFUNDED'] as const;

/** Reads everything a load needs from PostgreSQL. Throws `not_found`, or `conflict` when a category has no price. */
export async function buildLoadPlan(
  prisma: PrismaClient,
  showtimeId: string,
  now: number,
  loadId: string,
): Promise<LoadPlan> {
  const st = await prisma.showtime.findUnique({
    where: { id: showtimeId },
    include: { venue: { select: { layoutVersion: true } }, prices: true, zones: true, seatBlocks: true },
  });
  if (!st) throw new DomainError('not_found', 'No such showtime.');
  const [seatRows, gaZones, orders] = await Promise.all([
    prisma.seat.findMany({ where: { venueId: st.venueId }, select: { label: true, category: true } }),
    prisma.gaZone.findMany({
      where: { venueId: st.venueId },
      select: { key: true, capacity: true, category: true },
    }),
    prisma.order.findMany({
      where: {
        showtimeId,
        OR: [{ status: { in: [...SOLD_STATUSES] } }, { status: 'PENDING', expiresAt: { gt: new Date(now) } }],
      },
      include: { items: true },
      orderBy: { createdAt: 'asc' },
    }),
  ]);

  const warnings: string[] = [];
  const prices = new Map(st.prices.map((p) => [p.category, p.priceCents]));
  const missing = new Set<string>();
  for (const s of seatRows) if (!prices.has(s.category)) missing.add(s.category);
  for (const z of gaZones) if (!prices.has(z.category)) missing.add(z.category);
  if (missing.size) {
    throw new DomainError(
      'conflict',
      `These price categories have no price for this showtime: ${[...missing].sort().join(', ')}.`,
      {
        categories: [...missing].sort(),
      },
    );
  }

  const labels = seatRows.map((s) => s.label).sort();
  const categoryOf = new Map(seatRows.map((s) => [s.label, s.category]));
  const indexOf = new Map(labels.map((l, i) => [l, i]));
  const seatinfo: Record<string, string> = {};
  for (const [i, label] of labels.entries()) seatinfo[label] = `${i}|${categoryOf.get(label)}`;

  const seats: Record<string, string> = {};
  const states = Buffer.alloc(labels.length, '0');
  const counts: Record<string, number> = { 'seats:a': 0 };
  const cat = (c: string, what: 'a' | 'h' | 's' | 'b', d: number) => {
    for (const w of ['a', 'h', 's', 'b']) counts[`c:${c}:${w}`] ??= 0;
    counts[`c:${c}:${what}`]! += d;
  };
  for (const label of labels) {
    cat(categoryOf.get(label)!, 'a', 1);
    counts['seats:a']! += 1;
  }
  const setSeat = (label: string, state: '1' | '2' | '3', owner: string): boolean => {
    const i = indexOf.get(label);
    if (i === undefined) {
      warnings.push(`seat ${label} is not in the venue layout; ignored`);
      return false;
    }
    const existing = seats[label];
    if (existing) {
      warnings.push(`seat ${label} is both ${existing} and ${state}:${owner}; kept ${existing}`);
      return false;
    }
    seats[label] = `${state}:${owner}`;
    states[i] = state.charCodeAt(0);
    const c = categoryOf.get(label)!;
    cat(c, 'a', -1);
    cat(c, state === '1' ? 'h' : state === '2' ? 's' : 'b', 1);
    counts['seats:a']! -= 1;
    return true;
  };

  const zoneCategory = new Map(gaZones.map((z) => [z.key, z.category]));
  const capacity = new Map(gaZones.map((z) => [z.key, z.capacity]));
  for (const zi of st.zones) if (zoneCategory.has(zi.zoneKey)) capacity.set(zi.zoneKey, zi.capacity);
  const zoneHeld = new Map<string, number>();
  const zoneSold = new Map<string, number>();

  const buyers: Record<string, number> = {};
  const ordersJson: Record<string, string> = {};
  const returned: Record<string, string> = {};
  const holds: Record<string, string> = {};
  const expiry: Array<[number, string]> = [];
  const buyerHolds: Record<string, string[]> = {};

  // Sold first: a seat claimed by a paid order wins over a block or a pending order.
  const sold = orders.filter((o) => (SOLD_STATUSES as readonly string[]).includes(o.status));
  const pending = orders.filter((o) => o.status === 'PENDING');
  for (const o of sold) {
    const order: OrderJson = { b: o.buyerId, h: o.holdId, s: 0, g: {} };
    let n = 0;
    for (const it of o.items) {
      if (it.status === 'refunded' && it.zoneKey) returned[`${o.id}|${it.id}`] = String(now);
      if (it.status !== 'active') continue;
      if (it.seatLabel) {
        if (setSeat(it.seatLabel, '2', o.id)) {
          order.s += 1;
          n += 1;
        }
      } else if (it.zoneKey && zoneCategory.has(it.zoneKey)) {
        zoneSold.set(it.zoneKey, (zoneSold.get(it.zoneKey) ?? 0) + 1);
        order.g[it.zoneKey] = (order.g[it.zoneKey] ?? 0) + 1;
        n += 1;
      } else warnings.push(`order ${o.id} item ${it.id} names unknown zone ${it.zoneKey}; ignored`);
    }
    ordersJson[o.id] = JSON.stringify(order);
    if (n) buyers[o.buyerId] = (buyers[o.buyerId] ?? 0) + n;
  }
  for (const b of st.seatBlocks) setSeat(b.seatLabel, '3', b.reason);
  for (const o of pending) {
    const items: HoldItem[] = [];
    const ga = new Map<string, HoldItem & { kind: 'ga' }>();
    for (const it of o.items) {
      if (it.status !== 'active') continue;
      if (it.seatLabel) {
        if (setSeat(it.seatLabel, '1', o.holdId))
          items.push({
            kind: 'seat',
            seat: it.seatLabel,
            category: categoryOf.get(it.seatLabel)!,
            priceCents: it.priceCents,
          });
      } else if (it.zoneKey && zoneCategory.has(it.zoneKey)) {
        const g = ga.get(it.zoneKey);
        if (g) g.quantity += 1;
        else {
          const item = {
            kind: 'ga' as const,
            zone: it.zoneKey,
            category: zoneCategory.get(it.zoneKey)!,
            priceCents: it.priceCents,
            quantity: 1,
          };
          ga.set(it.zoneKey, item);
          items.push(item);
        }
        zoneHeld.set(it.zoneKey, (zoneHeld.get(it.zoneKey) ?? 0) + 1);
      } else warnings.push(`order ${o.id} item ${it.id} names unknown zone ${it.zoneKey}; ignored`);
    }
    if (!items.length) continue;
    const hold: HoldRecord = {
      id: o.holdId,
      showtimeId,
      tokenHash: o.holdTokenHash,
      buyerId: o.buyerId,
      requestId: '',
      items,
      totalCents: o.totalCents,
      currency: o.currency,
      expiresAt: o.expiresAt.getTime(),
      extended: false,
      createdAt: o.createdAt.getTime(),
      status: 'held',
    };
    holds[hold.id] = JSON.stringify(hold);
    (buyerHolds[o.buyerId] ??= []).push(hold.id);
    expiry.push([hold.expiresAt, hold.id]);
    let n = 0;
    for (const it of items) n += it.kind === 'seat' ? 1 : it.quantity;
    buyers[o.buyerId] = (buyers[o.buyerId] ?? 0) + n;
  }

  for (const [zone, category] of zoneCategory) {
    const cap = capacity.get(zone) ?? 0;
    const held = zoneHeld.get(zone) ?? 0;
    const soldN = zoneSold.get(zone) ?? 0;
    let available = cap - held - soldN;
    if (available < 0) {
      warnings.push(
        `zone ${zone}: ${held} held + ${soldN} sold exceed capacity ${cap}; capacity raised to match`,
      );
      available = 0;
    }
    const effectiveCap = Math.max(cap, held + soldN);
    counts[`z:${zone}:cap`] = effectiveCap;
    counts[`z:${zone}:a`] = available;
    counts[`z:${zone}:h`] = held;
    counts[`z:${zone}:s`] = soldN;
    cat(category, 'a', available);
    cat(category, 'h', held);
    cat(category, 's', soldN);
  }
  const claimed = new Map(st.zones.map((z) => [z.zoneKey, z.claimed]));
  for (const [zone, c] of claimed) {
    const live = (zoneHeld.get(zone) ?? 0) + (zoneSold.get(zone) ?? 0);
    if (c !== live)
      warnings.push(
        `zone ${zone}: ZoneInventory.claimed is ${c} but live orders hold ${live}; used the orders`,
      );
  }

  const meta: Record<string, string> = {
    id: showtimeId,
    state: st.saleState,
    holdTtl: String(st.holdTtlSeconds),
    perBuyerLimit: String(st.perBuyerLimit ?? 0),
    currency: st.currency,
    layoutVersion: String(st.venue.layoutVersion),
    loadId,
    seatCount: String(labels.length),
    loadedAt: String(now),
  };
  for (const [c, p] of prices) meta[`price:${c}`] = String(p);
  for (const [z, c] of zoneCategory) {
    meta[`zone:${z}`] = c;
    meta[`zp:${z}`] = String(prices.get(c)!);
  }
  if (expiry.length) meta.dueAt = String(Math.min(...expiry.map(([at]) => at)));

  return {
    meta,
    labels,
    seatinfo,
    seats,
    states: states.toString('latin1'),
    counts,
    holds,
    expiry,
    buyers,
    orders: ordersJson,
    returned,
    buyerHolds,
    warnings,
  };
}

const CHUNK = 1000;
/** Staging keys expire on their own if a loader dies before committing. */
const STAGING_TTL_SECONDS = 600;

/** Writes a plan under the staging keys (one pipeline). The commit script then makes it live atomically. */
export async function writeStaging(
  redis: Redis,
  staging: Record<StateKeyName, string>,
  plan: LoadPlan,
): Promise<void> {
  const p = redis.pipeline();
  for (const name of STATE_KEY_NAMES) p.del(staging[name]);
  const hset = (key: string, entries: Array<[string, string | number]>) => {
    for (let i = 0; i < entries.length; i += CHUNK) p.hset(key, ...entries.slice(i, i + CHUNK).flat());
  };
  hset(staging.meta, Object.entries(plan.meta));
  hset(staging.seatinfo, Object.entries(plan.seatinfo));
  hset(staging.seats, Object.entries(plan.seats));
  p.set(staging.states, plan.states);
  hset(staging.counts, Object.entries(plan.counts));
  hset(staging.holds, Object.entries(plan.holds));
  for (let i = 0; i < plan.expiry.length; i += CHUNK)
    p.zadd(staging.expiry, ...plan.expiry.slice(i, i + CHUNK).flat());
  hset(staging.buyers, Object.entries(plan.buyers));
  hset(staging.orders, Object.entries(plan.orders));
  hset(staging.returned, Object.entries(plan.returned));
  for (const name of STATE_KEY_NAMES) p.expire(staging[name], STAGING_TTL_SECONDS);
  const results = await p.exec();
  const failed = results?.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
}

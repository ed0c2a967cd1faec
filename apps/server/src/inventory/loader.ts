import { SeatState } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import type { Redis } from '../db/redis.ts';
import { DomainError } from '../domain/errors.ts';
import type { HoldItem, HoldRecord } from '../domain/hold.ts';
import { STATE_KEY_NAMES, type StateKeyName } from './keys.ts';
import { countLetter, encodeSeat, seatStateChar, type TakenSeatCode } from './seat-state.ts';

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
const isSold = (status: string) => (SOLD_STATUSES as readonly string[]).includes(status);

/** Reads everything a load needs from PostgreSQL. Throws `not_found`, or `conflict` when a category has no price. */
export async function buildLoadPlan(
  prisma: PrismaClient,
  showtimeId: string,
  now: number,
  loadId: string,
): Promise<LoadPlan> {
  const src = await readShowtime(prisma, showtimeId, now);
  const prices = pricesOf(src);
  const b = new PlanBuilder(src);
  // Sold first: a seat claimed by a paid order wins over a block or a pending order.
  for (const o of src.orders) if (isSold(o.status)) b.addSold(o, now);
  for (const blk of src.st.seatBlocks) b.setSeat(blk.seatLabel, SeatState.blocked, blk.reason);
  for (const o of src.orders) if (o.status === 'PENDING') b.addPending(o, showtimeId);
  b.countZones();
  b.checkClaims(src.st.zones);
  return b.plan(metaOf(src, prices, b, loadId, now));
}

async function readShowtime(prisma: PrismaClient, showtimeId: string, now: number) {
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
  return { st, seatRows, gaZones, orders };
}

type Source = Awaited<ReturnType<typeof readShowtime>>;
type OrderRow = Source['orders'][number];

/** Category → price; throws `conflict` when a seat's or zone's category has none. */
function pricesOf(src: Source): Map<string, number> {
  const prices = new Map(src.st.prices.map((p) => [p.category, p.priceCents]));
  const missing = new Set<string>();
  for (const s of src.seatRows) if (!prices.has(s.category)) missing.add(s.category);
  for (const z of src.gaZones) if (!prices.has(z.category)) missing.add(z.category);
  if (missing.size) {
    throw new DomainError(
      'conflict',
      `These price categories have no price for this showtime: ${[...missing].sort().join(', ')}.`,
      {
        categories: [...missing].sort(),
      },
    );
  }
  return prices;
}

function metaOf(
  src: Source,
  prices: Map<string, number>,
  b: PlanBuilder,
  loadId: string,
  now: number,
): Record<string, string> {
  const { st } = src;
  const meta: Record<string, string> = {
    id: st.id,
    state: st.saleState,
    holdTtl: String(st.holdTtlSeconds),
    perBuyerLimit: String(st.perBuyerLimit ?? 0),
    currency: st.currency,
    layoutVersion: String(st.venue.layoutVersion),
    loadId,
    seatCount: String(b.labels.length),
    loadedAt: String(now),
    gaBuckets: String(st.gaBuckets),
  };
  for (const [c, p] of prices) meta[`price:${c}`] = String(p);
  for (const [z, c] of b.zoneCategory) {
    meta[`zone:${z}`] = c;
    meta[`zp:${z}`] = String(prices.get(c)!);
  }
  if (b.expiry.length) meta.dueAt = String(Math.min(...b.expiry.map(([at]) => at)));
  return meta;
}

/** The live state of a showtime as it is put together from PostgreSQL's rows (see `buildLoadPlan`). */
class PlanBuilder {
  readonly warnings: string[] = [];
  /** Seat labels in layout order. */
  readonly labels: string[];
  readonly seatinfo: Record<string, string> = {};
  readonly seats: Record<string, string> = {};
  readonly states: Buffer;
  readonly counts: Record<string, number> = { 'seats:a': 0 };
  readonly zoneCategory: Map<string, string>;
  readonly buyers: Record<string, number> = {};
  readonly orders: Record<string, string> = {};
  readonly returned: Record<string, string> = {};
  readonly holds: Record<string, string> = {};
  readonly expiry: Array<[number, string]> = [];
  readonly buyerHolds: Record<string, string[]> = {};
  private readonly categoryOf: Map<string, string>;
  private readonly indexOf: Map<string, number>;
  private readonly capacity: Map<string, number>;
  private readonly zoneHeld = new Map<string, number>();
  private readonly zoneSold = new Map<string, number>();

  constructor(src: Source) {
    this.labels = src.seatRows.map((s) => s.label).sort();
    this.categoryOf = new Map(src.seatRows.map((s) => [s.label, s.category]));
    this.indexOf = new Map(this.labels.map((l, i) => [l, i]));
    for (const [i, label] of this.labels.entries())
      this.seatinfo[label] = `${i}|${this.categoryOf.get(label)}`;
    this.states = Buffer.alloc(this.labels.length, seatStateChar(SeatState.free));
    for (const label of this.labels) {
      this.cat(this.categoryOf.get(label)!, 'a', 1);
      this.counts['seats:a']! += 1;
    }
    this.zoneCategory = new Map(src.gaZones.map((z) => [z.key, z.category]));
    this.capacity = new Map(src.gaZones.map((z) => [z.key, z.capacity]));
    for (const zi of src.st.zones)
      if (this.zoneCategory.has(zi.zoneKey)) this.capacity.set(zi.zoneKey, zi.capacity);
  }

  private cat(c: string, what: 'a' | 'h' | 's' | 'b', d: number): void {
    for (const w of ['a', 'h', 's', 'b']) this.counts[`c:${c}:${w}`] ??= 0;
    this.counts[`c:${c}:${what}`]! += d;
  }

  /** Takes a free seat of the layout; false (with a warning) when it is not in the layout or already taken. */
  setSeat(label: string, state: TakenSeatCode, owner: string): boolean {
    const i = this.indexOf.get(label);
    if (i === undefined) {
      this.warnings.push(`seat ${label} is not in the venue layout; ignored`);
      return false;
    }
    const existing = this.seats[label];
    if (existing) {
      this.warnings.push(
        `seat ${label} is both ${existing} and ${encodeSeat(state, owner)}; kept ${existing}`,
      );
      return false;
    }
    this.seats[label] = encodeSeat(state, owner);
    this.states[i] = seatStateChar(state).charCodeAt(0);
    const c = this.categoryOf.get(label)!;
    this.cat(c, 'a', -1);
    this.cat(c, countLetter(state), 1);
    this.counts['seats:a']! -= 1;
    return true;
  }

  /** A paid order: its active items are sold to it. */
  addSold(o: OrderRow, now: number): void {
    // `b`: what the per-buyer limit counts the order's tickets under (see keys.ts).
    const limitKey = o.limitKey ?? o.buyerId;
    const order: OrderJson = { b: limitKey, h: o.holdId, s: 0, g: {} };
    let n = 0;
    for (const it of o.items) {
      if (it.status === 'refunded' && it.zoneKey) this.returned[`${o.id}|${it.id}`] = String(now);
      if (it.status !== 'active') continue;
      if (it.seatLabel) {
        if (this.setSeat(it.seatLabel, SeatState.sold, o.id)) {
          order.s += 1;
          n += 1;
        }
      } else if (it.zoneKey && this.zoneCategory.has(it.zoneKey)) {
        this.zoneSold.set(it.zoneKey, (this.zoneSold.get(it.zoneKey) ?? 0) + 1);
        order.g[it.zoneKey] = (order.g[it.zoneKey] ?? 0) + 1;
        n += 1;
      } else this.warnings.push(`order ${o.id} item ${it.id} names unknown zone ${it.zoneKey}; ignored`);
    }
    this.orders[o.id] = JSON.stringify(order);
    if (n) this.buyers[limitKey] = (this.buyers[limitKey] ?? 0) + n;
  }

  /** A pending, unexpired order: its active items are held again by a hold record with the order's hold id. */
  addPending(o: OrderRow, showtimeId: string): void {
    const items: HoldItem[] = [];
    const ga = new Map<string, HoldItem & { kind: 'ga' }>();
    for (const it of o.items) {
      if (it.status !== 'active') continue;
      if (it.seatLabel) {
        if (this.setSeat(it.seatLabel, SeatState.held, o.holdId))
          items.push({
            kind: 'seat',
            seat: it.seatLabel,
            category: this.categoryOf.get(it.seatLabel)!,
            priceCents: it.priceCents,
          });
      } else if (it.zoneKey && this.zoneCategory.has(it.zoneKey)) {
        const g = ga.get(it.zoneKey);
        if (g) g.quantity += 1;
        else {
          const item = {
            kind: 'ga' as const,
            zone: it.zoneKey,
            category: this.zoneCategory.get(it.zoneKey)!,
            priceCents: it.priceCents,
            quantity: 1,
          };
          ga.set(it.zoneKey, item);
          items.push(item);
        }
        this.zoneHeld.set(it.zoneKey, (this.zoneHeld.get(it.zoneKey) ?? 0) + 1);
      } else this.warnings.push(`order ${o.id} item ${it.id} names unknown zone ${it.zoneKey}; ignored`);
    }
    if (!items.length) return;
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
    if (o.limitKey !== null) hold.limitKey = o.limitKey;
    this.holds[hold.id] = JSON.stringify(hold);
    (this.buyerHolds[o.buyerId] ??= []).push(hold.id);
    this.expiry.push([hold.expiresAt, hold.id]);
    let n = 0;
    for (const it of items) n += it.kind === 'seat' ? 1 : it.quantity;
    const limitKey = o.limitKey ?? o.buyerId;
    this.buyers[limitKey] = (this.buyers[limitKey] ?? 0) + n;
  }

  /** GA zone counts from what is held and sold (capacity raised, with a warning, when they exceed it). */
  countZones(): void {
    for (const [zone, category] of this.zoneCategory) {
      const cap = this.capacity.get(zone) ?? 0;
      const held = this.zoneHeld.get(zone) ?? 0;
      const soldN = this.zoneSold.get(zone) ?? 0;
      let available = cap - held - soldN;
      if (available < 0) {
        this.warnings.push(
          `zone ${zone}: ${held} held + ${soldN} sold exceed capacity ${cap}; capacity raised to match`,
        );
        available = 0;
      }
      const effectiveCap = Math.max(cap, held + soldN);
      this.counts[`z:${zone}:cap`] = effectiveCap;
      this.counts[`z:${zone}:a`] = available;
      this.counts[`z:${zone}:h`] = held;
      this.counts[`z:${zone}:s`] = soldN;
      this.cat(category, 'a', available);
      this.cat(category, 'h', held);
      this.cat(category, 's', soldN);
    }
  }

  /** Warns where ZoneInventory.claimed disagrees with the orders (the orders win). */
  checkClaims(zones: ReadonlyArray<{ zoneKey: string; claimed: number }>): void {
    const claimed = new Map(zones.map((z) => [z.zoneKey, z.claimed]));
    for (const [zone, c] of claimed) {
      const live = (this.zoneHeld.get(zone) ?? 0) + (this.zoneSold.get(zone) ?? 0);
      if (c !== live)
        this.warnings.push(
          `zone ${zone}: ZoneInventory.claimed is ${c} but live orders hold ${live}; used the orders`,
        );
    }
  }

  plan(meta: Record<string, string>): LoadPlan {
    return {
      meta,
      labels: this.labels,
      seatinfo: this.seatinfo,
      seats: this.seats,
      states: this.states.toString('latin1'),
      counts: this.counts,
      holds: this.holds,
      expiry: this.expiry,
      buyers: this.buyers,
      orders: this.orders,
      returned: this.returned,
      buyerHolds: this.buyerHolds,
      warnings: this.warnings,
    };
  }
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

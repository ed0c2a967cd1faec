import { SeatState } from '@seatrush/shared';
import type { HoldRecord } from '../domain/hold.ts';
import { recountBuckets } from './bucket-recount.ts';
import type { Buckets } from './buckets.ts';
import type { InventoryContext } from './context.ts';
import { countLetter, decodeSeatState, encodeSeat, seatStateChar } from './seat-state.ts';

/**
 * The invariant check: recomputes what every count must be from the per-seat state, the holds and the orders,
 * and lists every disagreement (also between the seat hash and the compact state string, and between holds and
 * the expiry set). Reads the showtime's whole state in one transaction.
 */
export function createRecount(ctx: InventoryContext, buckets: Buckets) {
  return async function recount(showtimeId: string): Promise<{ ok: boolean; diffs: string[] }> {
    const n = await ctx.resolveBuckets(showtimeId);
    if (n <= 1) return recountSlot(ctx, showtimeId);
    return recountBuckets(ctx, buckets, showtimeId, n, (slot) => recountSlot(ctx, slot));
  };
}

/** The recount of one slot's state: a showtime's, or (GA buckets) one bucket's. */
async function recountSlot(ctx: InventoryContext, slotId: string): Promise<{ ok: boolean; diffs: string[] }> {
  const k = ctx.keys(slotId);
  const res = await ctx.redis
    .multi()
    .hgetall(k.meta)
    .hgetall(k.seatinfo)
    .hgetall(k.seats)
    .get(k.states)
    .hgetall(k.counts)
    .hgetall(k.holds)
    .zrange(k.expiry, '0', '-1', 'WITHSCORES')
    .hgetall(k.buyers)
    .hgetall(k.orders)
    .exec();
  if (!res) throw new Error('recount transaction aborted');
  for (const [err] of res) if (err) throw err;
  const [meta, seatinfo, seats, states, counts, holds, expiryFlat, buyers, orders] = res.map(
    ([, v]) => v,
  ) as [
    Record<string, string>,
    Record<string, string>,
    Record<string, string>,
    string | null,
    Record<string, string>,
    Record<string, string>,
    string[],
    Record<string, string>,
    Record<string, string>,
  ];
  return recountState({
    meta,
    seatinfo,
    seats,
    states: states ?? '',
    counts,
    holds,
    expiryFlat,
    buyers,
    orders,
  });
}

export interface RawState {
  meta: Record<string, string>;
  seatinfo: Record<string, string>;
  seats: Record<string, string>;
  states: string;
  counts: Record<string, string>;
  holds: Record<string, string>;
  expiryFlat: string[];
  buyers: Record<string, string>;
  orders: Record<string, string>;
}

interface OrderRecord {
  b: string;
  h: string;
  s: number;
  g: Record<string, number> | unknown[];
}

/** What the recount has found so far: disagreements, and what each count and buyer total must be. */
class Tally {
  readonly diffs: string[] = [];
  readonly expect = new Map<string, number>();
  readonly buyerTickets = new Map<string, number>();
  add(field: string, d: number): void {
    this.expect.set(field, (this.expect.get(field) ?? 0) + d);
  }
  /** Every category has all four counts, even when they are 0. */
  category(cat: string): void {
    for (const w of ['a', 'h', 's', 'b']) this.add(`c:${cat}:${w}`, 0);
  }
  addBuyer(buyerId: string, n: number): void {
    this.buyerTickets.set(buyerId, (this.buyerTickets.get(buyerId) ?? 0) + n);
  }
}

/** Recounts a showtime's raw state (see `createRecount`). */
export function recountState(r: RawState): { ok: boolean; diffs: string[] } {
  if (!r.meta.version) return { ok: false, diffs: ['not loaded'] };
  const t = new Tally();
  const holds = new Map<string, HoldRecord>();
  for (const [id, json] of Object.entries(r.holds)) holds.set(id, JSON.parse(json) as HoldRecord);
  const orders = new Map<string, OrderRecord>();
  for (const [ref, json] of Object.entries(r.orders)) orders.set(ref, JSON.parse(json) as OrderRecord);

  const seatCountOfOrder = checkSeats(r, holds, orders, t);
  const zoneHeld = checkHolds(r, holds, t);
  const zoneSold = checkOrders(orders, seatCountOfOrder, t);
  checkZones(r, zoneHeld, zoneSold, t);
  compareCounts(r, t);
  compareBuyers(r, t);
  return { ok: t.diffs.length === 0, diffs: t.diffs };
}

/** Per-seat state against the compact string, the holds and the orders; returns the seats sold per order. */
function checkSeats(
  r: RawState,
  holds: Map<string, HoldRecord>,
  orders: Map<string, OrderRecord>,
  t: Tally,
): Map<string, number> {
  const seatCountOfOrder = new Map<string, number>();
  t.add('seats:a', 0);
  const seatCount = Object.keys(r.seatinfo).length;
  if (r.states.length !== seatCount)
    t.diffs.push(`states string has ${r.states.length} chars for ${seatCount} seats`);
  for (const [label, info] of Object.entries(r.seatinfo)) {
    const sep = info.indexOf('|');
    const idx = Number(info.slice(0, sep));
    const cat = info.slice(sep + 1);
    t.category(cat);
    const v = r.seats[label];
    const code = decodeSeatState(v);
    const shown = code === null ? v![0]! : seatStateChar(code);
    if (r.states[idx] !== shown)
      t.diffs.push(`seat ${label}: states string says ${r.states[idx]}, seat hash says ${shown}`);
    if (code === null) {
      t.diffs.push(`seat ${label}: bad state ${v}`);
      continue;
    }
    t.add(`c:${cat}:${countLetter(code)}`, 1);
    if (code === SeatState.free) {
      t.add('seats:a', 1);
      continue;
    }
    const owner = v!.slice(2);
    if (code === SeatState.held) {
      const h = holds.get(owner);
      if (!h || h.status !== 'held' || !h.items.some((it) => it.kind === 'seat' && it.seat === label))
        t.diffs.push(`seat ${label} held by ${owner}, which is not a live hold of it`);
    } else if (code === SeatState.sold) {
      if (!orders.has(owner)) t.diffs.push(`seat ${label} sold to unknown order ${owner}`);
      seatCountOfOrder.set(owner, (seatCountOfOrder.get(owner) ?? 0) + 1);
    }
  }
  for (const label of Object.keys(r.seats))
    if (!(label in r.seatinfo)) t.diffs.push(`seat hash names unknown seat ${label}`);
  return seatCountOfOrder;
}

/** Live holds against the seats and the expiry set; returns the GA tickets held per zone. */
function checkHolds(r: RawState, holds: Map<string, HoldRecord>, t: Tally): Map<string, number> {
  const zoneHeld = new Map<string, number>();
  const expiry = new Map<string, number>();
  for (let i = 0; i < r.expiryFlat.length; i += 2) expiry.set(r.expiryFlat[i]!, Number(r.expiryFlat[i + 1]));
  for (const [id, h] of holds) {
    if (h.status === 'held') {
      if (expiry.get(id) !== h.expiresAt)
        t.diffs.push(`hold ${id}: expiry set has ${expiry.get(id)}, hold says ${h.expiresAt}`);
      for (const it of h.items) {
        if (it.kind === 'seat') {
          if (r.seats[it.seat] !== encodeSeat(SeatState.held, id))
            t.diffs.push(`hold ${id} lists seat ${it.seat}, which is ${r.seats[it.seat] ?? 'free'}`);
          t.addBuyer(h.limitKey ?? h.buyerId, 1);
        } else {
          zoneHeld.set(it.zone, (zoneHeld.get(it.zone) ?? 0) + it.quantity);
          t.addBuyer(h.limitKey ?? h.buyerId, it.quantity);
        }
      }
    } else if (expiry.has(id)) t.diffs.push(`confirmed hold ${id} is still in the expiry set`);
  }
  for (const id of expiry.keys()) if (!holds.has(id)) t.diffs.push(`expiry set names unknown hold ${id}`);
  return zoneHeld;
}

/** Orders against the seats sold to them; returns the GA tickets sold per zone. */
function checkOrders(
  orders: Map<string, OrderRecord>,
  seatCountOfOrder: Map<string, number>,
  t: Tally,
): Map<string, number> {
  const zoneSold = new Map<string, number>();
  for (const [ref, o] of orders) {
    const g = Array.isArray(o.g) ? {} : o.g;
    let n = o.s;
    for (const [zone, q] of Object.entries(g)) {
      zoneSold.set(zone, (zoneSold.get(zone) ?? 0) + q);
      n += q;
      if (q < 0) t.diffs.push(`order ${ref}: negative GA count in ${zone}`);
    }
    if ((seatCountOfOrder.get(ref) ?? 0) !== o.s)
      t.diffs.push(`order ${ref}: says ${o.s} seats, ${seatCountOfOrder.get(ref) ?? 0} are sold to it`);
    t.addBuyer(o.b, n);
  }
  return zoneSold;
}

/** GA zones: held from live holds, sold from orders, available = capacity - both. */
function checkZones(
  r: RawState,
  zoneHeld: Map<string, number>,
  zoneSold: Map<string, number>,
  t: Tally,
): void {
  for (const [field, cat] of Object.entries(r.meta)) {
    if (!field.startsWith('zone:')) continue;
    const zone = field.slice(5);
    const cap = Number(r.counts[`z:${zone}:cap`] ?? NaN);
    const held = zoneHeld.get(zone) ?? 0;
    const sold = zoneSold.get(zone) ?? 0;
    t.add(`z:${zone}:cap`, Number.isNaN(cap) ? 0 : cap);
    t.add(`z:${zone}:h`, held);
    t.add(`z:${zone}:s`, sold);
    t.add(`z:${zone}:a`, (Number.isNaN(cap) ? 0 : cap) - held - sold);
    if (cap - held - sold < 0) t.diffs.push(`zone ${zone} oversold: ${held} held + ${sold} sold > ${cap}`);
    t.category(cat);
    t.add(`c:${cat}:a`, cap - held - sold);
    t.add(`c:${cat}:h`, held);
    t.add(`c:${cat}:s`, sold);
  }
}

function compareCounts(r: RawState, t: Tally): void {
  for (const [field, n] of t.expect) {
    const actual = Number(r.counts[field] ?? 0);
    if (actual !== n) t.diffs.push(`counts ${field}: stored ${actual}, recounted ${n}`);
  }
  for (const [field, raw] of Object.entries(r.counts)) {
    if (!t.expect.has(field) && Number(raw) !== 0)
      t.diffs.push(`counts ${field}: stored ${raw}, nothing to count`);
  }
}

function compareBuyers(r: RawState, t: Tally): void {
  for (const [b, n] of t.buyerTickets) {
    const stored = Number(r.buyers[b] ?? 0);
    if (stored !== n) t.diffs.push(`buyer ${b}: stored ${stored} tickets, recounted ${n}`);
  }
  for (const [b, raw] of Object.entries(r.buyers))
    if (!t.buyerTickets.has(b) && Number(raw) !== 0) t.diffs.push(`buyer ${b}: stored ${raw}, owns nothing`);
}

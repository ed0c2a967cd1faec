import type { HoldRecord } from '../domain/hold.ts';
import type { LoadPlan } from './loader.ts';

/**
 * GA buckets: a showtime's load plan (built from PostgreSQL as for any showtime) split into the plan of each of its
 * K buckets and the plan of the showtime's own slot. Each pending order's hold goes back to the bucket its hold id
 * names, each paid order (its GA units and returned items) to the bucket of the hold it was paid for; the stock
 * left over is split evenly. The showtime's own slot keeps meta (without zone prices: it sells nothing), the sums
 * of the buckets' counts and each zone's capacity as loaded (`zcap:<zone>`, what the recount checks the buckets
 * and the moves in flight against).
 */
export function splitPlan(
  plan: LoadPlan,
  showtimeId: string,
  slots: readonly string[],
): { top: LoadPlan; parts: LoadPlan[]; warnings: string[] } {
  const warnings: string[] = [];
  const k = slots.length;
  const bucketOf = (holdId: string): number => {
    const m = /^b(\d+)-/.exec(holdId.slice(showtimeId.length + 1));
    return m ? slots.indexOf(`${showtimeId}~${m[1]}`) : -1;
  };
  const zones = Object.entries(plan.meta)
    .filter(([f]) => f.startsWith('zone:'))
    .map(([f, cat]) => [f.slice(5), cat] as const);

  const parts = slots.map((_, b) => ({
    plan: {
      meta: { ...plan.meta, bucket: String(b) } as Record<string, string>,
      labels: [],
      seatinfo: {},
      seats: {},
      states: '',
      counts: {} as Record<string, number>,
      holds: {} as Record<string, string>,
      expiry: [] as Array<[number, string]>,
      buyers: {} as Record<string, number>,
      orders: {} as Record<string, string>,
      returned: {} as Record<string, string>,
      buyerHolds: {} as Record<string, string[]>,
      warnings: [],
    } satisfies LoadPlan,
    held: new Map<string, number>(),
    sold: new Map<string, number>(),
  }));
  const add = (m: Map<string, number> | Record<string, number>, key: string, n: number) => {
    if (m instanceof Map) m.set(key, (m.get(key) ?? 0) + n);
    else m[key] = (m[key] ?? 0) + n;
  };

  for (const [id, json] of Object.entries(plan.holds)) {
    const b = bucketOf(id);
    const part = parts[b];
    if (!part) {
      warnings.push(`hold ${id} names no bucket of this showtime; not rebuilt (its order cannot be paid)`);
      continue;
    }
    const h = JSON.parse(json) as HoldRecord & { limitKey?: string };
    part.plan.holds[id] = json;
    part.plan.expiry.push([h.expiresAt, id]);
    (part.plan.buyerHolds[h.buyerId] ??= []).push(id);
    for (const it of h.items) {
      if (it.kind !== 'ga') {
        warnings.push(`hold ${id} holds seat ${it.seat}, which a bucketed showtime does not sell; ignored`);
        continue;
      }
      add(part.held, it.zone, it.quantity);
      add(part.plan.buyers, h.limitKey ?? h.buyerId, it.quantity);
    }
  }

  const orderBucket = new Map<string, number>();
  for (const [ref, json] of Object.entries(plan.orders)) {
    const o = JSON.parse(json) as { b: string; h: string; s: number; g: Record<string, number> | unknown[] };
    const b = Math.max(0, bucketOf(o.h));
    orderBucket.set(ref, b);
    const part = parts[b]!;
    part.plan.orders[ref] = json;
    let n = o.s;
    for (const [zone, q] of Object.entries(Array.isArray(o.g) ? {} : o.g)) {
      add(part.sold, zone, q);
      n += q;
    }
    if (n) add(part.plan.buyers, o.b, n);
  }
  for (const [key, v] of Object.entries(plan.returned)) {
    const b = orderBucket.get(key.slice(0, key.indexOf('|'))) ?? 0;
    parts[b]!.plan.returned[key] = v;
  }

  for (const [b, part] of parts.entries()) {
    const c = part.plan.counts;
    c['seats:a'] = 0;
    for (const [zone, cat] of zones) {
      const available = plan.counts[`z:${zone}:a`] ?? 0;
      const a = Math.floor(available / k) + (b < available % k ? 1 : 0);
      const h = part.held.get(zone) ?? 0;
      const s = part.sold.get(zone) ?? 0;
      c[`z:${zone}:a`] = a;
      c[`z:${zone}:h`] = h;
      c[`z:${zone}:s`] = s;
      c[`z:${zone}:cap`] = a + h + s;
      for (const w of ['a', 'h', 's', 'b']) c[`c:${cat}:${w}`] ??= 0;
      add(c, `c:${cat}:a`, a);
      add(c, `c:${cat}:h`, h);
      add(c, `c:${cat}:s`, s);
    }
    delete part.plan.meta.dueAt;
    if (part.plan.expiry.length)
      part.plan.meta.dueAt = String(Math.min(...part.plan.expiry.map(([at]) => at)));
  }

  const topCounts: Record<string, number> = {};
  for (const f of Object.keys(plan.counts)) topCounts[f] = 0;
  for (const part of parts) for (const [f, n] of Object.entries(part.plan.counts)) add(topCounts, f, n);
  const topMeta: Record<string, string> = {};
  for (const [f, v] of Object.entries(plan.meta)) if (!f.startsWith('zp:') && f !== 'dueAt') topMeta[f] = v;
  for (const [zone] of zones) topMeta[`zcap:${zone}`] = String(topCounts[`z:${zone}:cap`] ?? 0);
  const top: LoadPlan = {
    ...plan,
    meta: topMeta,
    counts: topCounts,
    holds: {},
    expiry: [],
    buyers: {},
    orders: {},
    returned: {},
    buyerHolds: {},
    warnings: [],
  };
  return { top, parts: parts.map((p) => p.plan), warnings };
}

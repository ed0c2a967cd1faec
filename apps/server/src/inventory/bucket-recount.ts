import type { Buckets, BucketState } from './buckets.ts';
import type { InventoryContext } from './context.ts';

/**
 * GA buckets: the recount across a showtime's buckets. Each bucket is recounted as any showtime is; then the units
 * are conserved (per zone, the buckets' capacities plus the units in flight between buckets equal the capacity the
 * showtime was loaded with), and the showtime's own counts equal the buckets' sums (units in flight counting as
 * available), checked right after a rollup of every bucket. Buckets are read one slot at a time, so under traffic a
 * difference can be a read in the middle of a move: the check is repeated, and only what persists is reported.
 */
export async function recountBuckets(
  ctx: InventoryContext,
  buckets: Buckets,
  showtimeId: string,
  k: number,
  recountSlot: (slotId: string) => Promise<{ ok: boolean; diffs: string[] }>,
): Promise<{ ok: boolean; diffs: string[] }> {
  const slots = ctx.bucketSlots(showtimeId, k);
  let diffs: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    await buckets.rollup(showtimeId, k, 'all', 'expire');
    diffs = [];
    const per = await Promise.all(slots.map((slot) => recountSlot(slot)));
    per.forEach((r, b) => diffs.push(...r.diffs.map((d) => `bucket ${b}: ${d}`)));
    const states = await Promise.all(slots.map((slot) => buckets.readBucket(slot)));
    const top = ctx.keys(showtimeId);
    const [meta, counts] = await Promise.all([ctx.redis.hgetall(top.meta), ctx.redis.hgetall(top.counts)]);
    diffs.push(...acrossBuckets(meta, counts, states));
    if (!diffs.length) return { ok: true, diffs };
  }
  return { ok: false, diffs };
}

function acrossBuckets(
  meta: Record<string, string>,
  counts: Record<string, string>,
  states: ReadonlyArray<BucketState | null>,
): string[] {
  const diffs: string[] = [];
  const sums = new Map<string, number>();
  const add = (f: string, n: number) => sums.set(f, (sums.get(f) ?? 0) + n);
  states.forEach((s, b) => {
    if (!s) diffs.push(`bucket ${b}: not loaded`);
    else for (const [f, n] of Object.entries(s.counts)) add(f, n);
  });
  const expected = new Map(sums);
  for (const [field, cat] of Object.entries(meta)) {
    if (!field.startsWith('zone:')) continue;
    const zone = field.slice(5);
    let inFlight = 0;
    for (const s of states) inFlight += s?.inFlight[zone] ?? 0;
    const caps = sums.get(`z:${zone}:cap`) ?? 0;
    const loaded = Number(meta[`zcap:${zone}`] ?? NaN);
    if (caps + inFlight !== loaded)
      diffs.push(`zone ${zone}: buckets' capacities ${caps} + ${inFlight} in flight, loaded with ${loaded}`);
    for (const f of [`z:${zone}:a`, `z:${zone}:cap`, `c:${cat}:a`])
      expected.set(f, (expected.get(f) ?? 0) + inFlight);
  }
  for (const [f, n] of expected) {
    const stored = Number(counts[f] ?? 0);
    if (stored !== n) diffs.push(`showtime counts ${f}: stored ${stored}, buckets sum to ${n}`);
  }
  for (const [f, raw] of Object.entries(counts))
    if (!expected.has(f) && Number(raw) !== 0)
      diffs.push(`showtime counts ${f}: stored ${raw}, no bucket has it`);
  return diffs;
}

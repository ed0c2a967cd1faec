import type { SaleState } from './changes.ts';
import { fail } from './codes.ts';
import type { InventoryContext } from './context.ts';
import { setStateScriptKeys } from './keys.ts';
import type { LiveSettings } from './types.ts';

/** A loaded showtime's sale state and settings in Redis, kept in step with PostgreSQL. */
export interface Settings {
  /** Sets the sale state the hold script checks; returns the version. Throws `sale_not_open` when not loaded. */
  setSaleState: (showtimeId: string, state: SaleState) => Promise<number>;
  syncSettings: (showtimeId: string) => Promise<void>;
  settings: (showtimeId: string) => Promise<LiveSettings | null>;
}

export function createSettings(ctx: InventoryContext): Settings {
  const { redis, prisma } = ctx;

  async function setSaleState(showtimeId: string, state: SaleState): Promise<number> {
    const k = ctx.bucketCount(showtimeId) ?? (await ctx.resolveBuckets(showtimeId));
    // GA buckets: each bucket's hold script checks its own copy of the state; the showtime's own slot is set last,
    // so its change (what clients and gates follow) comes once every bucket agrees.
    if (k > 1)
      await Promise.all(
        ctx
          .bucketSlots(showtimeId, k)
          .map((slot) =>
            ctx.runIn('setState', showtimeId, slot, setStateScriptKeys(ctx.keys(slot)), [state]),
          ),
      );
    const reply = await ctx.run('setState', showtimeId, setStateScriptKeys(ctx.keys(showtimeId)), [state]);
    if (Number(reply[0]) < 0) fail(reply);
    return Number(reply[1]);
  }

  async function syncSettings(showtimeId: string): Promise<void> {
    if (!(await ctx.isLoaded(showtimeId))) return;
    const st = await prisma.showtime.findUnique({ where: { id: showtimeId }, include: { prices: true } });
    if (!st) return;
    const fields: Record<string, string> = {
      holdTtl: String(st.holdTtlSeconds),
      perBuyerLimit: String(st.perBuyerLimit ?? 0),
      currency: st.currency,
    };
    for (const p of st.prices) fields[`price:${p.category}`] = String(p.priceCents);
    const meta = await redis.hgetall(ctx.keys(showtimeId).meta);
    for (const [field, category] of Object.entries(meta)) {
      const price = fields[`price:${category}`];
      if (field.startsWith('zone:') && price !== undefined) fields[`zp:${field.slice(5)}`] = price;
    }
    const k = await ctx.resolveBuckets(showtimeId);
    if (k > 1) {
      // GA buckets: the buckets sell (prices included); the showtime's own slot keeps no zone prices, so a hold
      // that reached it by mistake is refused rather than served from the rolled-up counts.
      for (const slot of ctx.bucketSlots(showtimeId, k)) await redis.hset(ctx.keys(slot).meta, fields);
      for (const f of Object.keys(fields)) if (f.startsWith('zp:')) delete fields[f];
    }
    await redis.hset(ctx.keys(showtimeId).meta, fields);
  }

  async function settings(showtimeId: string): Promise<LiveSettings | null> {
    const [version, holdTtl, limit, currency] = await redis.hmget(
      ctx.keys(showtimeId).meta,
      'version',
      'holdTtl',
      'perBuyerLimit',
      'currency',
    );
    if (version === null || version === undefined) return null;
    const perBuyerLimit = Number(limit ?? 0);
    return {
      holdTtlSeconds: Number(holdTtl ?? 0),
      perBuyerLimit: perBuyerLimit > 0 ? perBuyerLimit : null,
      currency: currency ?? '',
    };
  }

  return { setSaleState, syncSettings, settings };
}

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

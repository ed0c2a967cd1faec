import { codeOf, fail, jsonArray, ScriptCode } from './codes.ts';
import type { InventoryContext } from './context.ts';
import { blockScriptKeys } from './keys.ts';

/**
 * Seat blocks: staff take free seats off sale and put them back. Blocks are staff decisions, so PostgreSQL keeps
 * them too (SeatBlock rows) and a rebuild restores them; Redis is changed first, and only the seats it changed are
 * written to PostgreSQL.
 */
export interface Blocks {
  block: (
    showtimeId: string,
    seats: string[],
    reason: string,
    by?: string,
  ) => Promise<{ changed: string[]; skipped: string[] }>;
  unblock: (showtimeId: string, seats: string[]) => Promise<{ changed: string[]; skipped: string[] }>;
}

export function createBlocks(
  ctx: InventoryContext,
  ensureLoaded: (showtimeId: string) => Promise<void>,
): Blocks {
  const { prisma } = ctx;

  async function blockOrUnblock(
    name: 'block' | 'unblock',
    showtimeId: string,
    seats: string[],
    extra: string[],
  ): Promise<{ changed: string[]; skipped: string[] }> {
    if (!seats.length) return { changed: [], skipped: [] };
    const keyList = blockScriptKeys(ctx.keys(showtimeId));
    let reply = await ctx.run(name, showtimeId, keyList, [...extra, ...seats]);
    if (codeOf(reply) === ScriptCode.NotLoaded) {
      await ensureLoaded(showtimeId);
      reply = await ctx.run(name, showtimeId, keyList, [...extra, ...seats]);
    }
    if (Number(reply[0]) < 0) fail(reply);
    return { changed: jsonArray(reply[1]), skipped: jsonArray(reply[2]) };
  }

  async function block(showtimeId: string, seats: string[], reason: string, by?: string) {
    const r = await blockOrUnblock('block', showtimeId, seats, [reason]);
    if (r.changed.length) {
      await prisma.seatBlock.createMany({
        data: r.changed.map((seatLabel) => ({ showtimeId, seatLabel, reason, blockedBy: by ?? null })),
        skipDuplicates: true,
      });
    }
    return r;
  }

  async function unblock(showtimeId: string, seats: string[]) {
    const r = await blockOrUnblock('unblock', showtimeId, seats, []);
    if (r.changed.length)
      await prisma.seatBlock.deleteMany({ where: { showtimeId, seatLabel: { in: r.changed } } });
    return r;
  }

  return { block, unblock };
}

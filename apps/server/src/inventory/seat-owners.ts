import type { InventoryContext } from './context.ts';
import { parseHold } from './context.ts';
import { decodeTakenSeat } from './seat-state.ts';
import type { SeatOwner, SeatOwnersQuery } from './types.ts';

export type SeatOwnersRead = (
  showtimeId: string,
  q?: SeatOwnersQuery,
) => Promise<{ version: number; seats: SeatOwner[] } | null>;

/**
 * Who has each taken seat, from the live seat states: held (hold id, and the hold's buyer and deadline), sold
 * (order ref) or blocked (reason). Seats and version are read in one transaction; null when the showtime has no
 * live inventory.
 */
export function createSeatOwners(ctx: InventoryContext): SeatOwnersRead {
  const { redis } = ctx;
  return async (showtimeId, q = {}) => {
    const k = ctx.keys(showtimeId);
    const tx = redis.multi().hget(k.meta, 'version');
    if (q.seats) {
      if (q.seats.length) tx.hmget(k.seats, ...q.seats);
    } else tx.hgetall(k.seats);
    const res = await tx.exec();
    if (!res) throw new Error('seat owners transaction aborted');
    for (const [err] of res) if (err) throw err;
    const version = res[0]![1] as string | null;
    if (version === null) return null;

    const read = res[1]?.[1];
    const raw: Array<readonly [string, string | null | undefined]> = q.seats
      ? q.seats.map((s, i) => [s, (read as Array<string | null> | undefined)?.[i]] as const)
      : Object.entries(read as Record<string, string>);

    let seats: SeatOwner[] = [];
    for (const [seat, v] of raw) {
      const taken = decodeTakenSeat(v);
      if (!taken || (q.state && q.state !== taken.state)) continue;
      seats.push({ seat, state: taken.state, ref: taken.ref });
    }
    seats.sort((a, b) => a.seat.localeCompare(b.seat));
    if (q.limit !== undefined) seats = seats.slice(0, q.limit);

    const holdIds = [...new Set(seats.filter((s) => s.state === 'held').map((s) => s.ref))];
    if (holdIds.length) {
      const recs = await redis.hmget(k.holds, ...holdIds);
      const holds = new Map<string, { buyerId: string; expiresAt: number }>();
      holdIds.forEach((id, i) => {
        const json = recs[i];
        if (!json) return;
        const h = parseHold(json);
        holds.set(id, { buyerId: h.buyerId, expiresAt: h.expiresAt });
      });
      for (const s of seats) {
        const hold = s.state === 'held' ? holds.get(s.ref) : undefined;
        if (hold) s.hold = hold;
      }
    }
    return { version: Number(version), seats };
  };
}

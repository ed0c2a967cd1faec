import type { SeatBlockListDto, SeatBlockResult } from '@seatrush/shared';
import type { Actor } from '../../audit/audit.ts';
import type { Db, PrismaClient } from '../../db/prisma.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Inventory } from '../../inventory/inventory.ts';
import { showtimeOrThrow } from '../showtime-lookup.ts';

export interface SeatBlockDeps {
  prisma: PrismaClient;
  inventory: Inventory;
}

/** True when the inventory refused because the showtime has no live inventory (scheduled or closed). */
const notLive = (e: unknown) => e instanceof DomainError && e.code === 'sale_not_open';

/** One audit row per seat, so "who blocked this seat" is one query; written in a single statement. */
async function auditSeats(
  prisma: PrismaClient,
  actor: Actor,
  action: 'seat.blocked' | 'seat.unblocked',
  showtimeId: string,
  rows: Array<{ seat: string; before?: Record<string, unknown>; after?: Record<string, unknown> }>,
): Promise<void> {
  if (rows.length === 0) return;
  await prisma.auditEntry.createMany({
    data: rows.map((r) => ({
      actor,
      action,
      entityType: 'seat',
      entityId: r.seat,
      showtimeId,
      ...(r.before ? { before: r.before as Db.Prisma.InputJsonObject } : {}),
      ...(r.after ? { after: r.after as Db.Prisma.InputJsonObject } : {}),
    })),
  });
}

/**
 * Blocks seats. With live inventory the block script takes them off sale at once (buyers' maps change through the
 * real-time layer) and the inventory records SeatBlock rows; before the sale opens (or after it closed) only the
 * SeatBlock rows are written, and the inventory applies them when it loads. Seats that are unknown, already taken
 * or already blocked are reported in `skipped`.
 */
export async function blockSeats(
  deps: SeatBlockDeps,
  showtimeId: string,
  seats: string[],
  reason: string,
  actor: Actor,
): Promise<SeatBlockResult> {
  const st = await showtimeOrThrow(deps.prisma, showtimeId);
  let r: { changed: string[]; skipped: string[] };
  try {
    r = await deps.inventory.block(showtimeId, seats, reason, actor);
  } catch (e) {
    if (!notLive(e)) throw e;
    const [known, claimed, blocked] = await Promise.all([
      deps.prisma.seat.findMany({
        where: { venueId: st.venueId, label: { in: seats } },
        select: { label: true },
      }),
      deps.prisma.seatClaim.findMany({
        where: { showtimeId, seatLabel: { in: seats } },
        select: { seatLabel: true },
      }),
      deps.prisma.seatBlock.findMany({
        where: { showtimeId, seatLabel: { in: seats } },
        select: { seatLabel: true },
      }),
    ]);
    const taken = new Set([...claimed, ...blocked].map((x) => x.seatLabel));
    const free = new Set(known.map((x) => x.label).filter((l) => !taken.has(l)));
    r = { changed: seats.filter((s) => free.has(s)), skipped: seats.filter((s) => !free.has(s)) };
    if (r.changed.length)
      await deps.prisma.seatBlock.createMany({
        data: r.changed.map((seatLabel) => ({ showtimeId, seatLabel, reason, blockedBy: actor })),
        skipDuplicates: true,
      });
  }
  await auditSeats(
    deps.prisma,
    actor,
    'seat.blocked',
    showtimeId,
    r.changed.map((seat) => ({ seat, after: { state: 'blocked', reason } })),
  );
  return { showtimeId, changed: r.changed, skipped: r.skipped };
}

/** Puts blocked seats back on sale (live at once when the sale has inventory). Not-blocked seats are skipped. */
export async function unblockSeats(
  deps: SeatBlockDeps,
  showtimeId: string,
  seats: string[],
  note: string | undefined,
  actor: Actor,
): Promise<SeatBlockResult> {
  await showtimeOrThrow(deps.prisma, showtimeId);
  const before = await deps.prisma.seatBlock.findMany({ where: { showtimeId, seatLabel: { in: seats } } });
  const reasons = new Map(before.map((b) => [b.seatLabel, b.reason]));
  let r: { changed: string[]; skipped: string[] };
  try {
    r = await deps.inventory.unblock(showtimeId, seats);
  } catch (e) {
    if (!notLive(e)) throw e;
    await deps.prisma.seatBlock.deleteMany({ where: { showtimeId, seatLabel: { in: [...reasons.keys()] } } });
    r = { changed: seats.filter((s) => reasons.has(s)), skipped: seats.filter((s) => !reasons.has(s)) };
  }
  await auditSeats(
    deps.prisma,
    actor,
    'seat.unblocked',
    showtimeId,
    r.changed.map((seat) => ({
      seat,
      before: { state: 'blocked', reason: reasons.get(seat) ?? null },
      after: { state: 'free', ...(note ? { note } : {}) },
    })),
  );
  return { showtimeId, changed: r.changed, skipped: r.skipped };
}

/** The blocked seats of a showtime with their reasons (PostgreSQL's SeatBlock rows). */
export async function listSeatBlocks(prisma: PrismaClient, showtimeId: string): Promise<SeatBlockListDto> {
  await showtimeOrThrow(prisma, showtimeId);
  const rows = await prisma.seatBlock.findMany({ where: { showtimeId }, orderBy: { seatLabel: 'asc' } });
  return {
    blocks: rows.map((b) => ({
      seatLabel: b.seatLabel,
      reason: b.reason,
      blockedBy: b.blockedBy,
      createdAt: b.createdAt.toISOString(),
    })),
  };
}

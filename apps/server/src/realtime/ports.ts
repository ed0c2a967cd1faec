import type { Queue } from 'bullmq';
import { packSeatChanges, type MyHold, type SeatChanges, type ShowtimeSnapshot } from '@seatrush/shared';
import type { PrismaClient } from '../db/prisma.ts';
import { DomainError } from '../domain/errors.ts';
import type { Change, Inventory } from '../inventory/inventory.ts';
import { ChangeMessage } from '../inventory/change-follows.ts';
import type { HoldUseCases } from '../application/holds/use-cases.ts';
import { sessionOfLimitKey } from '../auth/limit-keys.ts';
import type { SessionHolds } from '../auth/session-holds.ts';
import type { ChangeRead, HoldEndFact, Published } from './fanout.ts';
import type { RealtimePorts } from './contract.ts';
import { computeStaffStats } from './staff-stats.ts';

export interface InventoryPortsDeps {
  inventory: Inventory;
  /** The hold use cases the HTTP routes call: sockets call the very same ones. */
  holds: Pick<HoldUseCases, 'holdSeats' | 'manageHold'>;
  prisma: PrismaClient;
  /** The holds each session made: an unverified session is shown only those (none without this). */
  sessionHolds?: Pick<SessionHolds, 'holdIds'>;
  /** Queues shown on the staff page (when this node has them). */
  queues?: Queue[];
  /** The orders module's checkout use case (`orders/checkout.ts`), when the node has it. */
  checkout?: RealtimePorts['checkout'];
  now?: () => number;
}

/**
 * Coalesces consecutive inventory changes into one public delta: the last state of each seat touched, the last
 * counts of each zone and category touched, the last sale state. Owner-only facts (which buyer's hold ended) are
 * split off so public deltas never carry buyer or hold ids. A `load` among them means the layout may have been
 * rebuilt: indices are no longer comparable, so the caller must send snapshots instead.
 */
export function coalesce(
  showtimeId: string,
  changes: readonly Change[],
): { changes: SeatChanges; holdEnds: HoldEndFact[] } | 'reload' {
  const seats = new Map<number, number>();
  const out: SeatChanges = { seats: [] };
  const holdEnds: HoldEndFact[] = [];
  for (const c of changes) {
    if (c.type === 'load') return 'reload';
    for (const [, index, state] of c.seats) {
      // Re-inserting keeps the pairs in the order of their last change.
      seats.delete(index);
      seats.set(index, state);
    }
    if (Object.keys(c.zones).length) out.zones = { ...out.zones, ...c.zones };
    if (Object.keys(c.categories).length) out.categories = { ...out.categories, ...c.categories };
    if (c.state) out.state = c.state;
    for (const e of c.endedHolds) {
      const sessionId = sessionOfLimitKey(e.limitKey);
      holdEnds.push({
        holdId: e.holdId,
        showtimeId,
        buyerId: e.buyerId,
        reason: e.reason,
        ...(sessionId === null ? {} : { sessionId }),
      });
    }
  }
  const pairs: number[] = [];
  for (const [index, state] of seats) pairs.push(index, state);
  if (pairs.length) out.packed = packSeatChanges(pairs);
  return { changes: out, holdEnds };
}

/** The real-time layer's ports over the inventory: the same functions the HTTP routes call. */
export function inventoryPorts(deps: InventoryPortsDeps): RealtimePorts<Change> {
  const { inventory } = deps;
  const now = deps.now ?? Date.now;

  const snapshot = async (showtimeId: string): Promise<ShowtimeSnapshot> => {
    const s = await inventory.snapshot(showtimeId);
    return {
      showtimeId: s.showtimeId,
      version: s.version,
      state: s.state,
      labelsKey: s.labelsKey,
      seatLabels: s.seatLabels,
      seatStates: s.seatStates,
      zones: s.zones,
      categories: s.categories,
    };
  };

  const currentVersion = (showtimeId: string): Promise<number | null> => inventory.version(showtimeId);

  return {
    snapshot,

    decodeMessage(message): Published<Change> | null {
      // Parsed and decoded once per node, for the sold-out gate too (inventory/change-follows.ts).
      if (!(message instanceof ChangeMessage)) return null;
      const change = message.change;
      return change && { showtimeId: message.showtimeId, version: change.version, change };
    },

    mergeChanges(showtimeId, from, published): ChangeRead {
      const to = published[published.length - 1]?.version ?? from;
      const merged = coalesce(
        showtimeId,
        published.map((p) => p.change),
      );
      if (merged === 'reload') return { kind: 'stale', version: to };
      return { kind: 'changes', from, to, ...merged };
    },

    async readChanges(showtimeId, since): Promise<ChangeRead> {
      const read = await inventory.changesSince(showtimeId, since);
      if (!read) {
        const version = await currentVersion(showtimeId);
        if (version === null) return { kind: 'missing' };
        // Ahead of Redis: the inventory was rebuilt and counts again from an earlier version.
        if (version < since) return { kind: 'stale', version };
        const s = await inventory.snapshot(showtimeId);
        return {
          kind: 'full',
          version: s.version,
          changes: {
            seats: [],
            all: s.seatStates,
            labelsKey: s.labelsKey,
            zones: s.zones,
            categories: s.categories,
            state: s.state,
          },
        };
      }
      const merged = coalesce(showtimeId, read.changes);
      if (merged === 'reload') return { kind: 'stale', version: read.to };
      return { kind: 'changes', from: read.from, to: read.to, ...merged };
    },

    async holdsOf(showtimeId, buyer): Promise<MyHold[]> {
      const [holds, own] = await Promise.all([
        inventory.holdsOf(showtimeId, buyer.buyerId),
        // A session that has not proved its e-mail is only a claim to it: it sees what it made itself.
        buyer.verified
          ? null
          : buyer.sessionId && deps.sessionHolds
            ? deps.sessionHolds.holdIds(buyer.sessionId).then((ids) => new Set(ids))
            : new Set<string>(),
      ]);
      const t = now();
      return holds
        .filter((h) => h.status === 'held' && h.expiresAt > t && (own === null || own.has(h.id)))
        .map((h) => {
          const seats: string[] = [];
          let zone: string | null = null;
          let quantity = 0;
          for (const it of h.items) {
            if (it.kind === 'seat') {
              seats.push(it.seat);
              quantity += 1;
            } else {
              zone = it.zone;
              quantity += it.quantity;
            }
          }
          return {
            holdId: h.id,
            showtimeId,
            seats,
            zone,
            quantity,
            expiresAt: new Date(h.expiresAt).toISOString(),
          };
        });
    },

    async createHold(buyer, input, client) {
      const { showtimeId, requestId, admissionToken, ...request } = input;
      const o = await deps.holds.holdSeats.hold({
        showtimeId,
        buyer,
        idempotencyKey: requestId,
        request,
        ...(admissionToken ? { admissionToken } : {}),
        ...(client.address ? { clientAddress: client.address } : {}),
      });
      return o.hold;
    },

    async releaseHold(holdId, holdToken) {
      await deps.holds.manageHold.release({ holdId, holdToken });
    },

    ...(deps.checkout ? { checkout: deps.checkout } : {}),

    async staffStats(showtimeId, live) {
      try {
        return await computeStaffStats(
          {
            inventory,
            prisma: deps.prisma,
            snapshot,
            ...(deps.queues ? { queues: deps.queues } : {}),
            now,
          },
          showtimeId,
          live,
        );
      } catch (err) {
        if (err instanceof DomainError && (err.code === 'not_found' || err.code === 'sale_not_open'))
          return null;
        throw err;
      }
    },
  };
}

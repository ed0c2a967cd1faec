import type { PrismaClient } from '../db/prisma.ts';

/**
 * A showtime's front-door settings: the waiting room, buyer verification, the hold and queue-join limits and the
 * bot challenge (columns of Showtime, set by staff). The hold path consults them on every request, so each node
 * keeps them in memory: `peek` answers synchronously from the last copy (refreshing it in the background once it
 * is `FRESH_MS / 2` old), and `get` reads PostgreSQL when the copy is older than `FRESH_MS`. A change made by staff
 * reaches every busy node within about `FRESH_MS`; while PostgreSQL is unreachable the last copy is used.
 */
export interface FrontDoorSettings {
  waitingRoom: boolean;
  admissionPerMinute: number;
  maxShoppers: number;
  shoppingWindowSeconds: number;
  requireVerifiedBuyers: boolean;
  /** Per minute; null: the configured default; 0: no limit. */
  holdLimitPerBuyer: number | null;
  holdLimitPerAddress: number | null;
  queueJoinLimitPerAddress: number | null;
  botChallenge: boolean;
}

/** Everything off: a showtime without a front door (and what `peek` would answer if it had to guess). */
export const OPEN_DOOR: FrontDoorSettings = {
  waitingRoom: false,
  admissionPerMinute: 600,
  maxShoppers: 2000,
  shoppingWindowSeconds: 600,
  requireVerifiedBuyers: false,
  holdLimitPerBuyer: null,
  holdLimitPerAddress: null,
  queueJoinLimitPerAddress: null,
  botChallenge: false,
};

export interface FrontDoor {
  /** The last settings known on this node (refreshed in the background), or undefined when there are none. */
  peek(showtimeId: string): FrontDoorSettings | undefined;
  /** The settings, from memory or PostgreSQL; null when there is no such showtime. */
  get(showtimeId: string): Promise<FrontDoorSettings | null>;
  /** Forgets a showtime's copy on this node (after staff changed it here). */
  forget(showtimeId: string): void;
}

/** How long a copy is used without asking PostgreSQL again. */
const FRESH_MS = 2000;
/** Copies kept per node: far more showtimes than any node sells at once; random ids cannot grow it further. */
const MAX_COPIES = 10_000;

const SELECT = {
  waitingRoom: true,
  admissionPerMinute: true,
  maxShoppers: true,
  shoppingWindowSeconds: true,
  requireVerifiedBuyers: true,
  holdLimitPerBuyer: true,
  holdLimitPerAddress: true,
  queueJoinLimitPerAddress: true,
  botChallenge: true,
} as const;

export function createFrontDoor(deps: { prisma: PrismaClient; now?: () => number }): FrontDoor {
  const now = deps.now ?? Date.now;
  const copies = new Map<string, { settings: FrontDoorSettings | null; at: number }>();
  const loading = new Map<string, Promise<FrontDoorSettings | null>>();

  const load = (showtimeId: string): Promise<FrontDoorSettings | null> => {
    let p = loading.get(showtimeId);
    if (!p) {
      p = deps.prisma.showtime
        .findUnique({ where: { id: showtimeId }, select: SELECT })
        .then((settings) => {
          if (copies.size >= MAX_COPIES && !copies.has(showtimeId)) copies.clear();
          copies.set(showtimeId, { settings, at: now() });
          return settings;
        })
        .finally(() => loading.delete(showtimeId));
      loading.set(showtimeId, p);
    }
    return p;
  };

  return {
    peek(showtimeId) {
      const c = copies.get(showtimeId);
      if (!c) return undefined;
      // Refresh ahead of time, so a busy showtime never waits for PostgreSQL; until the new copy arrives (or
      // while PostgreSQL is unreachable) the last one known is used.
      if (now() - c.at >= FRESH_MS / 2 && !loading.has(showtimeId)) load(showtimeId).catch(() => undefined);
      return c.settings ?? undefined;
    },
    async get(showtimeId) {
      const c = copies.get(showtimeId);
      if (c && now() - c.at < FRESH_MS) return c.settings;
      try {
        return await load(showtimeId);
      } catch (err) {
        // PostgreSQL unreachable: the last settings known keep the sale going (holds work during an outage).
        if (c) return c.settings;
        throw err;
      }
    },
    forget(showtimeId) {
      copies.delete(showtimeId);
    },
  };
}

import type { PrismaClient } from '../db/prisma.ts';

/**
 * A showtime's front-door settings: the waiting room, buyer verification, the hold and queue-join limits and the
 * bot challenge (columns of Showtime, set by staff). The hold path consults them on every request, so each node
 * keeps them in memory: `peek` answers synchronously from memory while the copy is fresh, and `get` reads
 * PostgreSQL when it is not. A change made by staff reaches every node within `FRESH_MS`.
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
  /** The settings from memory while fresh (refreshing them in the background when about to go stale), else undefined. */
  peek(showtimeId: string): FrontDoorSettings | undefined;
  /** The settings, from memory or PostgreSQL; null when there is no such showtime. */
  get(showtimeId: string): Promise<FrontDoorSettings | null>;
  /** Forgets a showtime's copy on this node (after staff changed it here). */
  forget(showtimeId: string): void;
}

/** How long a copy is used without asking PostgreSQL again. */
const FRESH_MS = 2000;

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
      const age = now() - c.at;
      if (age >= FRESH_MS) return undefined;
      // Refresh ahead of time, so a busy showtime never waits for PostgreSQL.
      if (age >= FRESH_MS / 2 && !loading.has(showtimeId)) load(showtimeId).catch(() => undefined);
      return c.settings ?? undefined;
    },
    async get(showtimeId) {
      const c = copies.get(showtimeId);
      if (c && now() - c.at < FRESH_MS) return c.settings;
      return load(showtimeId);
    },
    forget(showtimeId) {
      copies.delete(showtimeId);
    },
  };
}

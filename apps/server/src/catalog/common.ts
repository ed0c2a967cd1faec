import type { SaleStateName } from '@seatrush/shared';
import { Db, type PrismaClient } from '../db/prisma.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * What the inventory engine needs to hear from sale control. The catalog owns the sale state in PostgreSQL;
 * the engine keeps Redis in step with it.
 */
export interface SaleHooks {
  /**
   * Load the showtime's inventory into Redis. Called before the state flips to `on_sale`, so buyers never see
   * a sale that is open without its inventory; if it throws, the sale stays closed and the error is returned.
   * Must be idempotent (an open can be retried).
   */
  opened(showtimeId: string): Promise<void>;
  /** The sale state has been committed (every transition, including open). Must be idempotent. */
  stateChanged(showtimeId: string, state: SaleStateName): Promise<void>;
  /**
   * Optional: a live showtime's settings or its venue's layout changed (prices, hold TTL, limit, seats, zones)
   * while its inventory may be loaded. Called after commit for showtimes that are on sale or paused.
   */
  showtimeChanged?(showtimeId: string, what: 'layout' | 'settings'): Promise<void>;
}

export const noopSaleHooks: SaleHooks = {
  opened: () => Promise.resolve(),
  stateChanged: () => Promise.resolve(),
};

export interface CatalogDeps {
  prisma: PrismaClient;
  logger: Logger;
  saleHooks: SaleHooks;
}

/** Interactive transactions that write whole venues need more than Prisma's 5 s default. */
export const LONG_TX = { maxWait: 10_000, timeout: 120_000 } as const;

export function isUniqueViolation(e: unknown): boolean {
  return e instanceof Db.Prisma.PrismaClientKnownRequestError && e.code === 'P2002';
}

export const iso = (d: Date): string => d.toISOString();

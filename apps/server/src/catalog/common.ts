import { Db, type PrismaClient } from '../db/prisma.ts';
import type { SaleHooks } from '../domain/sale-hooks.ts';
import type { Logger } from '../observability/logger.ts';

export type { SaleHooks } from '../domain/sale-hooks.ts';

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

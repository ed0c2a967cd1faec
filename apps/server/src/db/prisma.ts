import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type { PrismaClient };
export * as Db from '../generated/prisma/client.ts';

/**
 * How long an interactive transaction may wait for a pool connection, and run. Prisma's defaults (2 s / 5 s)
 * fail a transaction with P2028 as soon as more than ~2 s of work queues for the pool — 1,000 webhooks arriving
 * at once on a 10-connection pool did exactly that (500s). Waiting longer is the right trade for a burst: the
 * work is short, and failing it only makes the caller retry into the same queue. What still times out is
 * answered `503 busy` (http/errors.ts).
 */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;

/** One Prisma client per process, talking to PostgreSQL through the pg driver adapter. */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  return new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
}

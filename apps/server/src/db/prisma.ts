import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
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

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** One Prisma client per process, talking to PostgreSQL through the pg driver adapter. */
export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  // The adapter gets a pool made here (and ends it on $disconnect) so that `sqlPoolOf` can hand the same
  // connections to the few statements that skip Prisma's query pipeline.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection that breaks (PostgreSQL restarted) is dropped by the pool, which emits it as an error: an
  // unheard 'error' event would end the process before Prisma's first query adds its own listener.
  pool.on('error', () => undefined);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  pools.set(prisma, pool);
  return prisma;
}

/**
 * The pg pool under a client made by `createPrisma` (not under a transaction client, nor a client made elsewhere),
 * for a hot statement sent as a named prepared statement of pg's, without Prisma serialising its parameters to
 * JSON and back (orders/persist.ts). Shares the client's connections and their limit.
 */
export function sqlPoolOf(prisma: unknown): pg.Pool | undefined {
  const pool = typeof prisma === 'object' && prisma !== null ? pools.get(prisma as PrismaClient) : undefined;
  // After $disconnect the adapter has ended it (a later query of Prisma's opens a pool of its own).
  return pool && !pool.ending ? pool : undefined;
}

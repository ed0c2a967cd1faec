import { pino } from 'pino';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.ts';
import type { Redis } from '../../src/db/redis.ts';
import { createInventory, type Inventory, type InventoryDeps } from '../../src/inventory/inventory.ts';
import { createTestDatabase } from './db.ts';
import { testPrefix } from './env.ts';
import { deletePrefix, testRedis } from './redis-target.ts';
import { testClock, type TestClock } from './inventory-fixtures.ts';

/** A fresh database and Redis prefix, a PostgreSQL client, Redis clients and inventories on a test clock. */
export interface InventoryHarness {
  prisma: PrismaClient;
  redis: Redis;
  prefix: string;
  clock: TestClock;
  inventory: Inventory;
  /** Another inventory (own Redis connection, same prefix and clock unless overridden) — another node. */
  another(overrides?: Partial<InventoryDeps>): Inventory;
  /** Removes this file's keys and database. */
  close(): Promise<void>;
}

export const silent = pino({ level: 'silent' });

/**
 * A connection to the tests' Redis: the run's cluster in cluster mode (REDIS_CLUSTER_NODES, or
 * SEATRUSH_TEST_REDIS=cluster), else REDIS_URL's server (support/redis-target.ts).
 */
export { testRedis } from './redis-target.ts';

/** Deletes every key under `prefix:` (on a cluster: on every master, one key per call, since keys differ in slot). */
export const deleteTestKeys = deletePrefix;

export async function startInventoryHarness(): Promise<InventoryHarness> {
  const db = await createTestDatabase();
  const prisma = createPrisma(db.url);
  const redis = testRedis();
  const prefix = testPrefix();
  const clock = testClock();
  const extra: Redis[] = [];
  const base = { prisma, prefix, logger: silent, now: clock.now, tokenSecret: 'test-token-secret' };
  return {
    prisma,
    redis,
    prefix,
    clock,
    inventory: createInventory({ ...base, redis }),
    another(overrides = {}) {
      const r = testRedis();
      extra.push(r);
      return createInventory({ ...base, redis: r, ...overrides });
    },
    async close() {
      await deleteTestKeys(redis, prefix);
      for (const r of extra) r.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

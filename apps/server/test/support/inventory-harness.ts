import { pino } from 'pino';
import { createPrisma, type PrismaClient } from '../../src/db/prisma.ts';
import { createRedis, type Redis } from '../../src/db/redis.ts';
import { createInventory, type Inventory, type InventoryDeps } from '../../src/inventory/inventory.ts';
import { createTestDatabase } from './db.ts';
import { redisUrl, testPrefix } from './env.ts';
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

export async function startInventoryHarness(): Promise<InventoryHarness> {
  const db = await createTestDatabase();
  const prisma = createPrisma(db.url);
  const redis = createRedis(redisUrl());
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
      const r = createRedis(redisUrl());
      extra.push(r);
      return createInventory({ ...base, redis: r, ...overrides });
    },
    async close() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
      for (const r of extra) r.disconnect();
      redis.disconnect();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

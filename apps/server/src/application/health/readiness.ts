import type { PrismaClient } from '../../db/prisma.ts';
import type { Redis } from '../../db/redis.ts';
import { migrationStatus } from '../../../../../prisma/migrate.ts';

export interface Readiness {
  ready: boolean;
  /** `ok`, or what is wrong, per dependency: redis, postgres, migrations. */
  checks: Record<string, string>;
}

/** How long one check may take before it counts as unreachable. */
const CHECK_TIMEOUT_MS = 2000;

/** The inventory as readiness sees it: what is missing from Redis, and the rebuild that puts it back. */
export interface InventoryReadiness {
  missingShowtimes(): Promise<string[]>;
  rebuildMissing(): Promise<string[]>;
}

/**
 * Whether this node can serve: Redis and PostgreSQL reachable, every migration applied, and (given `inventory`)
 * every showtime on sale live in Redis — after Redis lost its data the node is not ready until the rebuild from
 * PostgreSQL finished; a check that finds showtimes missing starts that rebuild (one at a time per process).
 */
export async function checkReadiness(deps: {
  redis: Redis;
  prisma: PrismaClient;
  databaseUrl: string;
  inventory?: InventoryReadiness;
  logger?: { error(obj: object, msg: string): void };
}): Promise<Readiness> {
  const checks: Record<string, string> = {};
  const withTimeout = <T>(p: Promise<T>) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      p,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  try {
    await withTimeout(deps.redis.ping());
    checks.redis = 'ok';
  } catch (e) {
    checks.redis = `unreachable: ${(e as Error).message}`;
  }
  try {
    await withTimeout(deps.prisma.$queryRaw`SELECT 1`);
    const status = await withTimeout(migrationStatus(deps.databaseUrl));
    checks.postgres = 'ok';
    checks.migrations = status.pending.length ? `pending: ${status.pending.join(', ')}` : 'ok';
  } catch (e) {
    checks.postgres = `unreachable: ${(e as Error).message}`;
  }
  if (deps.inventory && checks.redis === 'ok' && checks.postgres === 'ok') {
    const inventory = deps.inventory;
    try {
      const missing = await withTimeout(inventory.missingShowtimes());
      checks.inventory = missing.length ? `rebuilding: ${missing.length} showtime(s)` : 'ok';
      if (missing.length)
        inventory
          .rebuildMissing()
          .catch((err: unknown) => deps.logger?.error({ err }, 'inventory rebuild failed'));
    } catch (e) {
      checks.inventory = `unknown: ${(e as Error).message}`;
    }
  }
  return { ready: Object.values(checks).every((v) => v === 'ok'), checks };
}

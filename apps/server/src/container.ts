import type { Config } from './config/index.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createPrisma, type PrismaClient } from './db/prisma.ts';
import { connectRedis, type Redis } from './db/redis.ts';

/**
 * Everything a node needs, built once per process (or once per in-process node in tests).
 * Feature modules receive the pieces they use, never the whole container.
 */
export interface Container {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  prisma: PrismaClient;
  /** Commands (Lua scripts, reads). */
  redis: Redis;
  close(): Promise<void>;
}

export function createContainer(config: Config, logger: Logger = createLogger(config)): Container {
  const metrics = createMetrics();
  const prisma = createPrisma(config.databaseUrl, config.databasePoolSize);
  const redis = connectRedis(config.redis);
  redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  return {
    config,
    logger,
    metrics,
    prisma,
    redis,
    async close() {
      await Promise.allSettled([prisma.$disconnect(), redis.quit()]);
    },
  };
}

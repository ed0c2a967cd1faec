import { Redis, type RedisOptions } from 'ioredis';

export type { Redis };

/**
 * ioredis connection. `maxRetriesPerRequest: null` is what BullMQ needs; other callers get fast
 * failures through their own timeouts instead.
 */
export function createRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...opts });
}

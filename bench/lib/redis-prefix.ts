import type { Redis } from '../../apps/server/src/db/redis.ts';

/** Deletes every key of a bench run's Redis prefix (`<prefix>:*`), so a shared Redis keeps nothing of it. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
